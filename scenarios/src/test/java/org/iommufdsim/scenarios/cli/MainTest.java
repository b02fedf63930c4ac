package org.iommufdsim.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line prints the contract's lines, exits with its codes, and never a stack trace. */
class MainTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {
    void assertNoStackTrace() {
      assertThat(out + err).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static final String GOOD = "IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
      + "IOMMU_DESTROY id=$ioas\n";
  private static final String BAD = "IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
      + "IOMMU_DESTROY id=$ioas+1\n";
  private static final String MALFORMED = "IOMMU_IOAS_ALLOC\nIOMMU_DESTROY id=\n";

  @Test
  void check_passingFile_printsPassAndExitsZero() throws IOException {
    String f = file("good.scn", GOOD);
    Result r = cli("check", f);
    assertThat(r.out()).isEqualTo("PASS " + f + "\n1 passed, 0 failed\n");
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void check_failingFile_printsLineExpectedAndGot() throws IOException {
    String f = file("bad.scn", BAD);
    Result r = cli("check", f);
    assertThat(r.out()).startsWith("FAIL " + f + ":2: expected ok, got ENOENT");
    assertThat(r.out()).endsWith("0 passed, 1 failed\n");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void check_severalFiles_reportsEachThenTheCounts() throws IOException {
    String g = file("g.scn", GOOD);
    String b = file("b.scn", BAD);
    String m = file("m.scn", MALFORMED);
    Result r = cli("check", g, b, m, dir.resolve("missing.scn").toString());
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).isEqualTo("PASS " + g);
    assertThat(lines[1]).startsWith("FAIL " + b + ":2: expected ok, got ");
    assertThat(lines[2]).isEqualTo("FAIL " + m + ":2:18: expected a value, found the end of the line");
    assertThat(lines[3]).startsWith("FAIL " + dir.resolve("missing.scn") + ": cannot read it");
    assertThat(lines[4]).isEqualTo("1 passed, 3 failed");
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
  }

  @Test
  void check_fileErrorFoundWhileRunning_isReportedWithLineAndColumn() throws IOException {
    String f = file("e.scn", "IOMMU_IOAS_ALLOC\nIOMMU_DESTROY idd=1\n");
    Result r = cli("check", f);
    assertThat(r.out()).startsWith("FAIL " + f + ":2:15: struct iommu_destroy has no field idd\n");
    r.assertNoStackTrace();
  }

  @Test
  void run_printsEveryStepAndTheKernelsAnswer() throws IOException {
    String f = file("r.scn", "@title \"t\"\n\n" + BAD);
    Result r = cli("run", f);
    assertThat(r.out()).startsWith("== t ==\nIOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "    => ok out_ioas_id=1\nIOMMU_DESTROY id=$ioas+1\n    => ENOENT");
    assertThat(r.out()).contains("    !! " + f + ":4: expected ok, got ENOENT");
    assertThat(r.out()).endsWith("exit: invariants hold\n2 steps, 1 unexpected\n");
    assertThat(r.code()).isEqualTo(1);
    assertThat(cli("run", file("g.scn", GOOD)).code()).isZero();
  }

  @Test
  void run_malformedFile_isOneLineOnStderr() throws IOException {
    String f = file("m.scn", MALFORMED);
    Result r = cli("run", f);
    assertThat(r.err()).isEqualTo(f + ":2:18: expected a value, found the end of the line\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void fmt_printsTheCanonicalForm() throws IOException {
    Result r = cli("fmt", file("f.scn", "IOMMU_DESTROY   id=0X1  -> ok\n\n\n"));
    assertThat(r.out()).isEqualTo("IOMMU_DESTROY id=0x1\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void fmt_malformedFile_isLineAndColumnWithoutAStackTrace() throws IOException {
    String f = file("m.scn", "@device d0\n");
    Result r = cli("fmt", f);
    assertThat(r.err()).isEqualTo(f + ":1:1: @device d0 needs driver=DRIVER\n");
    assertThat(r.code()).isEqualTo(2);
    r.assertNoStackTrace();
  }

  @Test
  void record_outputPassesCheck() throws IOException {
    Result rec = cli("record", file("b.scn", BAD));
    assertThat(rec.code()).isZero();
    assertThat(rec.out()).isEqualTo("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "IOMMU_DESTROY id=$ioas+1 -> ENOENT\n");
    Result check = cli("check", file("recorded.scn", rec.out()));
    assertThat(check.out()).endsWith("1 passed, 0 failed\n");
    assertThat(check.code()).isZero();
  }

  @Test
  void demo_walksThroughTheTeachingScenario() {
    Result r = cli("demo");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("iommufd-sim demo: IOAS basics");
    assertThat(r.out()).contains("  $ IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "    kernel: ok out_ioas_id=1\n");
    assertThat(r.out()).contains("An IOAS (I/O address space)");
    assertThat(r.out()).doesNotContain("!!");
    // the tour: every lesson listed, the exact command for the next one, how to see the graph
    for (DemoCommand.Lesson lesson : DemoCommand.TOUR) {
      assertThat(r.out()).contains("  scenarios/teaching/" + lesson.file() + "\n");
    }
    assertThat(r.out()).contains("This was lesson 01 of the guided tour in scenarios/teaching/:\n")
        .contains("  ./iommufd-sim explain scenarios/teaching/02-reserved-regions.scn\n")
        .contains("01-ioas-basics.scn \\\n      --at 8 --graph text\n");
    assertThat(r.out()).endsWith(
        "Run this lesson yourself:\n  ./iommufd-sim run scenarios/teaching/01-ioas-basics.scn\n");
    // the tour's part fits an 80-column terminal
    assertThat(r.out().substring(r.out().indexOf("This was lesson 01")).lines())
        .allMatch(l -> l.length() <= 80);
  }

  @Test
  void demo_listsEveryTeachingScenario_inTheDirectorysOrder() throws IOException {
    List<String> files = Scn.libraryFiles("teaching").stream()
        .map(p -> p.getFileName().toString()).toList();
    assertThat(DemoCommand.TOUR.stream().map(DemoCommand.Lesson::file).toList())
        .as("DemoCommand.TOUR and scenarios/teaching/").isEqualTo(files);
    assertThat(DemoCommand.FILE).isEqualTo(DemoCommand.DIR + DemoCommand.TOUR.get(0).file());
  }

  @Test
  void demo_theCommandsItSuggests_work() {
    Result explain = cli("explain", Scn.moduleDir().resolve("teaching/02-reserved-regions.scn")
        .toString(), "--width", "100");
    assertThat(explain.code()).isZero();
    Result graph = cli("explain", Scn.moduleDir().resolve("teaching/01-ioas-basics.scn")
        .toString(), "--at", "8", "--graph", "text");
    assertThat(graph.code()).isZero();
    assertThat(graph.out()).contains("the objects after step 8:").contains("IOAS 2");
  }

  @Test
  void noCommand_isAUsageError() {
    Result r = cli();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing command");
  }

  @Test
  void unknownCommand_isAUsageError() {
    assertThat(cli("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void internalError_isOneLineAndExitCode70() {
    StringWriter w = new StringWriter();
    int code = Main.internalError(new IllegalStateException("broken\ninvariant"),
        new PrintWriter(w));
    assertThat(code).isEqualTo(70);
    assertThat(w.toString())
        .isEqualTo("iommufd-sim: internal error: java.lang.IllegalStateException: broken invariant"
            + System.lineSeparator());
  }

  @Test
  void run_explainsAnInvalidationThatFailedBeforeTheDriverCountedAnything() {
    // arm_vsmmu_cache_invalidate's first allocation fails: entry_num keeps the request's count
    Result r = cli("run", org.iommufdsim.scenarios.Scn.moduleDir().resolve("regressions")
        .resolve("qemu.smmuv3_invalidate_enomem_reports_entries_processed.scn").toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("=> ENOMEM entry_num=1 (the driver failed and left entry_num at"
        + " the request's count, 1)");
  }
}
