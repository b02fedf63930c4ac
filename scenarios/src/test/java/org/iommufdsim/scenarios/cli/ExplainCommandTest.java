package org.iommufdsim.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.scenarios.cli.MainTest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain}: each step's checks in the kernel's order, the deciding one marked, what
 * changed; one step with {@code --at}; the graph with {@code --graph}. Expectations are written
 * from the kernel source (hw_pagetable.c: iommufd_hwpt_alloc reads __reserved, then the data
 * type and length, then looks up the device and the pt; iommufd_hwpt_paging_alloc refuses
 * FAULT_ID_VALID on a nesting parent with EOPNOTSUPP).
 */
class ExplainCommandTest {
  @TempDir Path dir;

  private static final String SCN = "@device d0 driver=mock\n"
      + "IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
      + "IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas -> ok out_idev_id=$idev out_hwpt_id=$auto\n"
      + "IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=$fault out_fault_fd=$ffd\n"
      + "IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$ioas \\\n"
      + "    flags=IOMMU_HWPT_ALLOC_NEST_PARENT|IOMMU_HWPT_FAULT_ID_VALID fault_id=$fault"
      + " -> EOPNOTSUPP\n"
      + "IOMMU_DESTROY id=$fault -> EBUSY\n";

  private String file() throws IOException {
    Path p = dir.resolve("x.scn");
    Files.writeString(p, SCN);
    return p.toString();
  }

  @Test
  void everyStep_showsItsChecksInOrder_theDecidingOne_andWhatChanged() throws IOException {
    MainTest.Result r = cli("explain", file(), "--width", "100");
    assertThat(r.code()).isZero();
    r.assertNoStackTrace();
    String out = r.out();
    // step 1 creates the IOAS
    assertThat(out).contains("step 1, line 2: IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n")
        .contains("      ok: iommufd_ioas_alloc_ioctl: flags")
        .contains("    + IOAS 1 (areas=0 mapped=0x0)\n");
    // step 4: __reserved, then the device and pt lookups pass; the nesting parent's
    // FAULT_ID_VALID check decides
    String step4 = out.substring(out.indexOf("step 4, line 5:"), out.indexOf("step 5, line"));
    assertThat(step4).startsWith("step 4, line 5: IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$ioas")
        .contains("      ok: iommufd_hwpt_alloc: __reserved\n")
        .contains("      DECIDED EOPNOTSUPP: iommufd_hwpt_paging_alloc: FAULT_ID_VALID &&"
            + " NEST_PARENT")
        .contains("  answer: EOPNOTSUPP")
        .doesNotContain("changed:");
    assertThat(step4.indexOf("ok: iommufd_hwpt_alloc: __reserved"))
        .isLessThan(step4.indexOf("DECIDED"));
    assertThat(step4.lines().filter(l -> l.contains("DECIDED"))).hasSize(1);
    // the refused destroy: the fault queue is held by its fd
    String step5 = out.substring(out.indexOf("step 5, line 7:"));
    assertThat(step5).contains("DECIDED EBUSY: iommufd_object_remove: users == 1");
    assertThat(out).endsWith("exit: every fd closed; the simulator's invariants hold\n");
    assertThat(out.lines()).allMatch(l -> l.length() <= 100);
  }

  @Test
  void atOneStep_withTheTextGraph_andANarrowWidth() throws IOException {
    MainTest.Result r = cli("explain", file(), "--at", "3", "--graph", "text", "--width", "40");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("step 3, line 4: IOMMU_FAULT_QUEUE_ALLOC")
        .doesNotContain("step 2,").doesNotContain("step 4,")
        .contains("+ fault queue 5").contains("  the objects after step 3:\n");
    assertThat(r.out().lines()).allMatch(l -> l.length() <= 40);
  }

  @Test
  void graphInDot_afterAStep() throws IOException {
    MainTest.Result r = cli("explain", file(), "--graph", "dot", "--at", "2");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("digraph").contains("IOAS 1").contains("HWPT paging 4")
        .doesNotContain("fault queue");
  }

  @Test
  void aStepThatDoesNotExist_orABadOption_isExitTwo() throws IOException {
    MainTest.Result none = cli("explain", file(), "--at", "9");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("there is no step 9: the file has 5 steps");
    assertThat(cli("explain", file(), "--graph", "png").code()).isEqualTo(2);
    assertThat(cli("explain", file(), "--width", "5").code()).isEqualTo(2);
    none.assertNoStackTrace();
  }

  @Test
  void aQemuLog_isExplainedLineByLine_throughTheReplayer() {
    String log = org.iommufdsim.scenarios.Scn.moduleDir()
        .resolve("qemu-logs/free-id-only-logged.log").toString();
    MainTest.Result r = cli("explain", log, "--width", "100");
    r.assertNoStackTrace();
    // the backend's IOAS allocation is one IOMMU_IOAS_ALLOC whose path ends in success
    assertThat(r.out()).contains("log line 12: iommufd_backend_alloc_ioas iommufd=5 ioas=2\n"
        + "  ioctl(3, IOMMU_IOAS_ALLOC,")
        .contains("      ok: iommufd_ioas_alloc_ioctl: flags")
        .contains("    + IOAS 2 (areas=0 mapped=0x0)\n");
    // the free_id QEMU only logs: the kernel refused it, and the path says why
    assertThat(r.out()).contains("DECIDED EBUSY: iommufd_object_remove: users == 1");
    assertThat(r.out().lines().filter(l -> l.startsWith("log line "))).isNotEmpty();
    assertThat(r.out()).doesNotContain("do_exit");
    assertThat(cli("explain", log, "--at", "3").code()).isEqualTo(2);
  }
}
