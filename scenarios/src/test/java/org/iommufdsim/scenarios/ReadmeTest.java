package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example of {@code scenarios/README.md}'s "Additions to the format" is a whole scenario
 * in canonical form that passes {@code check}: the documentation cannot drift from the runner.
 */
class ReadmeTest {

  static List<String> additionExamples() throws IOException {
    String readme = Files.readString(Scn.moduleDir().resolve("README.md"));
    int from = readme.indexOf("\n## Additions to the format\n");
    assertThat(from).as("README.md has a section 'Additions to the format'").isNotNegative();
    int to = readme.indexOf("\n## ", from + 1);
    String section = readme.substring(from, to < 0 ? readme.length() : to);
    List<String> blocks = new ArrayList<>();
    StringBuilder cur = null;
    for (String line : section.split("\n", -1)) {
      if (line.startsWith("```")) {
        if (cur != null) {
          blocks.add(cur.toString());
        }
        cur = cur == null ? new StringBuilder() : null;
      } else if (cur != null) {
        cur.append(line).append('\n');
      }
    }
    return blocks;
  }

  @Test
  void everyAdditionHasAnExample() throws IOException {
    String all = String.join("", additionExamples());
    assertThat(all).contains(" arg=0 -> EFAULT").contains("ioctl request=")
        .contains("allowed_iovas_buffer=");
  }

  @TestFactory
  Stream<DynamicTest> everyExample_isCanonicalAndPasses() throws IOException {
    List<String> blocks = additionExamples();
    return blocks.stream().map(b -> DynamicTest.dynamicTest(b.lines().findFirst().orElse(""),
        () -> {
          assertThat(Formatter.format(Scn.parse(b))).isEqualTo(b);
          RunReport r = Runner.run(Scn.parse(b), true);
          assertThat(r).as("%s", r).isInstanceOfSatisfying(RunReport.Finished.class,
              f -> assertThat(f.passed()).as("%s", f).isTrue());
        }));
  }
}
