package org.iommufdsim.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.scenarios.cli.MainTest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graph FILE --at STEP --format F --width N} prints the object graph after the step,
 * exits 0, and reports a bad file, a step that does not exist or a bad option as one line with
 * exit code 2, never a stack trace.
 */
class GraphCommandTest {
  @TempDir Path dir;

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static final String IOAS_THEN_DESTROY = """
      IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
      IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas2
      IOMMU_DESTROY id=$ioas
      """;

  @Test
  void graph_defaultIsAfterTheLastStep_asText() throws IOException {
    MainTest.Result r = cli("graph", file("g.scn", IOAS_THEN_DESTROY));
    assertThat(r.out()).isEqualTo("""
        process 1
          fd 3: file=/dev/iommu
            -> fd of iommufd 1
        iommufd context 1 (/dev/iommu, opened by pid 1)
          iommufd 1: file=/dev/iommu opened_by=pid 1
          IOAS 2: areas=0 mapped=0x0
        """);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
  }

  @Test
  void graph_atAnEarlierStep_laterStepsDoNotRun() throws IOException {
    String f = file("g.scn", IOAS_THEN_DESTROY + "IOMMU_DESTROY id=$nosuchvar\n");
    MainTest.Result r = cli("graph", f, "--at", "2", "--format", "dot");
    assertThat(r.out()).contains("\"c1.o1\" [label=\"IOAS 1\\nareas=0\\nmapped=0x0\"];\n")
        .contains("\"c1.o2\" [label=\"IOAS 2\\nareas=0\\nmapped=0x0\"];\n")
        .startsWith("digraph iommufd {\n").endsWith("}\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void graph_eachFormat_andWidth() throws IOException {
    String f = file("g.scn", IOAS_THEN_DESTROY);
    assertThat(cli("graph", f, "--format", "mermaid").out()).startsWith("flowchart LR\n");
    assertThat(cli("graph", f, "--format", "svg").out()).startsWith("<svg ").endsWith("</svg>\n");
    assertThat(cli("graph", f, "--width", "20").out()).contains("""
        iommufd context 1
            (/dev/iommu,
            opened by pid 1)
        """);
  }

  @Test
  void graph_noSuchStep_isExitTwo() throws IOException {
    String f = file("g.scn", IOAS_THEN_DESTROY);
    MainTest.Result r = cli("graph", f, "--at", "4");
    assertThat(r.err()).isEqualTo(f + ": there is no step 4: the file has 3 steps\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.code()).isEqualTo(2);
    assertThat(cli("graph", f, "--at", "0").code()).isEqualTo(2);
  }

  @Test
  void graph_mistakeFoundWhileRunning_isFileLineColumn() throws IOException {
    String f = file("g.scn", "IOMMU_IOAS_ALLOC\nIOMMU_DESTROY idd=1\n");
    MainTest.Result r = cli("graph", f);
    assertThat(r.err()).isEqualTo(f + ":2:15: struct iommu_destroy has no field idd\n");
    assertThat(r.code()).isEqualTo(2);
    r.assertNoStackTrace();
  }

  @Test
  void graph_malformedOrMissingFile_isOneLine() throws IOException {
    String f = file("m.scn", "IOMMU_IOAS_ALLOC\nIOMMU_DESTROY id=\n");
    MainTest.Result r = cli("graph", f);
    assertThat(r.err()).isEqualTo(f + ":2:18: expected a value, found the end of the line\n");
    assertThat(r.code()).isEqualTo(2);
    MainTest.Result missing = cli("graph", dir.resolve("none.scn").toString());
    assertThat(missing.err()).endsWith("none.scn: cannot read it: no such file\n");
    assertThat(missing.code()).isEqualTo(2);
  }

  @Test
  void graph_badFormatOrWidth_isAUsageError() throws IOException {
    String f = file("g.scn", IOAS_THEN_DESTROY);
    MainTest.Result r = cli("graph", f, "--format", "png");
    assertThat(r.err()).startsWith("--format must be text, dot, mermaid or svg, not 'png'\n");
    assertThat(r.code()).isEqualTo(2);
    r.assertNoStackTrace();
    MainTest.Result w = cli("graph", f, "--width", "5");
    assertThat(w.err()).startsWith("--width must be at least 20, not 5\n");
    assertThat(w.code()).isEqualTo(2);
    assertThat(cli("graph", f, "--at", "x").code()).isEqualTo(2);
  }
}
