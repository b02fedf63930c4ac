package org.iommufdsim.scenarios.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.sim.host.CallPath;
import org.iommufdsim.sim.host.PathEvent;
import org.junit.jupiter.api.Test;

/**
 * What the kernel does besides checking shows on a call's path where it happens. The expected
 * events are worked out by hand from the kernel: iommufd_fops_release's passes over the xarray
 * (main.c), and the fault path of iommufd_test_trigger_iopf (selftest.c) into
 * iommufd_fault_iopf_handler and the fault fd's write (eventq.c).
 */
class PathEventsTest {
  private static Explanation explain(String teaching) throws IOException {
    return Explanation.of(Scn.parse(Files.readString(
        Scn.moduleDir().resolve("teaching").resolve(teaching))));
  }

  private static List<String> events(CallPath c) {
    return c.events().stream().map(e -> e.after() + " " + e).toList();
  }

  @Test
  void closingTheLastFd_releasesInPasses_untilOnlyUnreferencedObjectsAreLeft() throws IOException {
    // Lesson 08 ends holding IOAS 2, fault queue 3, nest parent 4 (on IOAS 2) and nested HWPTs
    // 5 and 6 (on 4, reporting to 3). Each pass walks the IDs in order and destroys what only
    // the table holds: pass 1 can free the leaves 5 and 6, pass 2 then 3 and 4, pass 3 the IOAS.
    Explanation x = explain("08-close.scn");
    CallPath close = x.steps().getLast().calls().getLast();
    assertThat(close.call()).startsWith("close(");
    assertThat(close.events()).extracting(PathEvent::text).containsExactly(
        "pass 1: IOAS 2 kept for a later pass, 1 reference besides the table's",
        "pass 1: fault queue 3 kept for a later pass, 2 references besides the table's",
        "pass 1: HWPT paging 4 kept for a later pass, 2 references besides the table's",
        "pass 1: HWPT nested 5 destroyed (the table held the only reference)",
        "pass 1: HWPT nested 6 destroyed (the table held the only reference)",
        "pass 2: IOAS 2 kept for a later pass, 1 reference besides the table's",
        "pass 2: fault queue 3 destroyed (the table held the only reference)",
        "pass 2: HWPT paging 4 destroyed (the table held the only reference)",
        "pass 3: IOAS 2 destroyed (the table held the only reference)");
    assertThat(close.events()).extracting(PathEvent::function)
        .containsOnly("iommufd_fops_release");
    // Each event sits among the checks the teardown ran: the IOAS's unmap comes after pass 3.
    int ioasDestroyed = close.events().getLast().after();
    assertThat(close.decisions().subList(ioasDestroyed, close.decisions().size()))
        .extracting(d -> d.function()).contains("iopt_unmap_iova_range");
  }

  @Test
  void aPageRequest_isRoutedToTheAttachedHwpt_queued_andItsAnswerIsShown() throws IOException {
    Explanation x = explain("05-fault-id-valid.scn");
    Explanation.Step trigger = x.steps().stream()
        .filter(s -> s.calls().size() == 1 && s.calls().getFirst().call()
            .contains("IOMMU_TEST_OP_TRIGGER_IOPF"))
        .findFirst().orElseThrow();
    CallPath c = trigger.calls().getFirst();
    // After the device lookup (the path's last check), the fault is reported and queued. The
    // lesson attached the nested HWPT to the RID, not to PASID 1: the mock driver sets
    // user_pasid_table, so find_fault_handler (io-pgfault.c) falls back to the RID's nested
    // domain.
    assertThat(events(c)).containsExactly(
        c.decisions().size() + " iommu_report_device_fault: device 3 at PASID 1: nothing is"
            + " attached at that PASID; the driver keeps PASID tables in the guest"
            + " (user_pasid_table), so the RID's nested domain, HWPT nested 7, takes it; its"
            + " faults go to fault queue 5",
        c.decisions().size() + " iommufd_fault_iopf_handler: group 2 (1 request) queued on"
            + " fault queue 5 for HWPT nested 7");
    Explanation.Step answer = x.steps().stream()
        .filter(s -> s.calls().size() == 1 && s.calls().getFirst().call().startsWith("write(")
            && s.calls().getFirst().errno() == null)
        .findFirst().orElseThrow();
    assertThat(answer.calls().getFirst().events()).extracting(PathEvent::toString)
        .containsExactly("iommufd_fault_fops_write: cookie 1: device 3's group 2 answered"
            + " IOMMUFD_PAGE_RESP_SUCCESS");
  }

  @Test
  void aFailedBind_endsAtTheCopyBack_withoutTheUnbindThatUndoesIt() throws IOException {
    // vfio_df_ioctl_bind_iommufd binds, then cannot copy out_devid back (read-only memory) and
    // unbinds: the device object is removed after the refusal, which is clean-up, not decision
    Explanation x = Explanation.of(Scn.parse(Files.readString(Scn.moduleDir()
        .resolve("conformance/syscalls.read_only_memory.scn"))));
    CallPath bind = x.steps().stream().map(s -> s.calls().getFirst())
        .filter(c -> c.call().contains("VFIO_DEVICE_BIND_IOMMUFD") && c.errno() != null)
        .findFirst().orElseThrow();
    assertThat(bind.decidingCheck().checkId()).isEqualTo("VFIO_COPY_OUT");
    assertThat(bind.events()).isEmpty();
  }

  @Test
  void aFailedCall_showsNoEventsOfTheCleanUpAfterItsDecision() throws IOException {
    Explanation x = explain("05-fault-id-valid.scn");
    for (Explanation.Step s : x.steps()) {
      for (CallPath c : s.calls()) {
        if (c.errno() != null) {
          assertThat(c.events()).as(c.call())
              .allSatisfy(e -> assertThat(e.after()).isLessThan(c.decisions().size()));
        }
      }
    }
  }
}
