package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.Test;

/**
 * The README's tour section shows real output: its {@code explain} excerpt is part of lesson
 * 05's pinned explanation, its graph is what {@code graph} prints now, and the SVG it embeds is
 * what {@code explain --graph svg} renders now. (After a deliberate change, regenerate the
 * golden files, then {@code ./iommufd-sim explain scenarios/teaching/05-fault-id-valid.scn
 * --graph svg --at 14 > docs/tour-05-after-step-14.svg} and paste the new text.)
 */
class ReadmeTourTest {
  private static final Path ROOT = Scn.moduleDir().getParent();
  private static final String LESSON =
      Scn.moduleDir().resolve("teaching/05-fault-id-valid.scn").toString();

  private static String section() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int from = readme.indexOf("## Learning iommufd: the tour");
    assertThat(from).isNotNegative();
    return readme.substring(from, readme.indexOf("\n## ", from + 1));
  }

  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theExplainExcerpt_isPartOfTheLessonsPinnedExplanation() throws IOException {
    String s = section();
    String golden = Files.readString(Scn.moduleDir()
        .resolve("src/test/resources/golden/explain/05-fault-id-valid.txt"));
    String block = s.substring(s.indexOf("...\n") + 4, s.indexOf("\n```", s.indexOf("...\n")));
    for (String part : block.split("\n\\.\\.\\.\n")) {
      assertThat(golden).as("README excerpt").contains(part);
    }
    assertThat(block).contains("DECIDED ENOENT: iommufd_hwpt_alloc: fault_id");
  }

  @Test
  void theGraph_andTheSvg_areWhatTheCommandsPrintNow() throws IOException {
    String graph = cli("graph", LESSON, "--at", "14", "--width", "100");
    assertThat(section()).contains(graph.stripTrailing());
    String svg = cli("explain", LESSON, "--graph", "svg", "--at", "14");
    assertThat(Files.readString(ROOT.resolve("docs/tour-05-after-step-14.svg"))).isEqualTo(svg);
  }
}
