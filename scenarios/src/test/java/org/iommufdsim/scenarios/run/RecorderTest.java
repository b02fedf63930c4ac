package org.iommufdsim.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.format.Formatter;
import org.junit.jupiter.api.Test;

/**
 * {@code record} prints every step with what actually happened, keeps the source's variable
 * bindings, and its output passes {@code check} unchanged.
 */
class RecorderTest {

  static String record(String text) {
    Scenario s = Scn.parse(text);
    RunReport r = Runner.run(s, false);
    assertThat(r).as("%s", r).isInstanceOf(RunReport.Finished.class);
    return Formatter.format(Recorder.record(s, r.steps()));
  }

  static void assertPassesCheck(String transcript) {
    RunReport r = Runner.run(Scn.parse(transcript), true);
    assertThat(r).as("%s", r).isInstanceOfSatisfying(RunReport.Finished.class, f -> {
      assertThat(f.steps().stream().flatMap(s -> s.mismatches().stream())
          .map(m -> m.render("recorded.scn"))).as(transcript).isEmpty();
      assertThat(f.passed()).isTrue();
    });
  }

  private static final String WRONG = """
      @title "wrong expectations everywhere"

      # allocate
      IOMMU_IOAS_ALLOC -> EINVAL out_ioas_id=$ioas
      IOMMU_IOAS_ALLOC
      mmap length=4*PAGE_SIZE -> ok addr=$buf
      IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_READABLE user_va=$buf length=PAGE_SIZE
      IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=3 -> EMSGSIZE
      IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=0 length=PAGE_SIZE -> ok
      IOMMU_DESTROY id=77  # never allocated
      IOMMU_DESTROY id=$ioas -> EBUSY
      memfd_create "m" size=PAGE_SIZE -> ok fd=9
      poll -> ok revents=0x1234
      """;

  @Test
  void recordOfWrongExpectations_passesCheck() {
    assertPassesCheck(record(WRONG));
  }

  @Test
  void record_printsActualOutcomesAndOutputFields() {
    String out = record(WRONG);
    assertThat(out).contains("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n");
    assertThat(out).contains("IOMMU_IOAS_ALLOC -> ok out_ioas_id=2\n");
    assertThat(out).contains("IOMMU_DESTROY id=77 -> ENOENT  # never allocated\n");
    assertThat(out).contains("IOMMU_DESTROY id=$ioas\n");
    assertThat(out).contains("length=PAGE_SIZE -> ok \\\n    iova=0x1000\n");
    assertThat(out).contains("mmap length=4*PAGE_SIZE -> ok addr=$buf\n");
    assertThat(out).contains("memfd_create \"m\" size=PAGE_SIZE -> ok fd=");
    assertThat(out).doesNotContain("fd=9");
    assertThat(out).startsWith("@title \"wrong expectations everywhere\"\n\n# allocate\n");
  }

  @Test
  void record_printsThePointedToDataTheKernelWrote() {
    String out = record("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=2\n");
    assertThat(out).contains("-> ok num_iovas=1 out_iova_alignment=1 \\\n"
        + "    allowed_iovas[0].last=0xffffffffffffffff\n");
    assertPassesCheck(out);
  }

  @Test
  void record_printsTestOpMemberFieldsBare() {
    String out = record("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=0 length=0\n");
    assertThat(out).contains("IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=0 length=0 -> EINVAL\n");
  }

  @Test
  void recordOfARecord_isTheSame() {
    String once = record(WRONG);
    assertThat(record(once)).isEqualTo(once);
  }

  @Test
  void recordOfEveryLibraryFile_passesCheck() throws IOException {
    List<Path> files = Scn.libraryFiles("teaching", "conformance");
    for (Path p : files) {
      RunReport r = Runner.run(Scn.parse(Files.readString(p)), false);
      if (r instanceof RunReport.Finished f) {
        assertPassesCheck(Formatter.format(Recorder.record(Scn.parse(Files.readString(p)),
            f.steps())));
      }
    }
  }
}
