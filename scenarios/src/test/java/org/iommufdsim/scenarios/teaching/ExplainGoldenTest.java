package org.iommufdsim.scenarios.teaching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code explain} output (width 100) of every teaching scenario is pinned byte for byte in
 * {@code src/test/resources/golden/explain/NAME.txt}, so a change to a decision path, an answer
 * or a change line of the guided tour is always seen and reviewed, never slipped in.
 *
 * <p>When a change is intended, regenerate on purpose, then read the diff of the golden files
 * as a learner would before committing them:
 *
 * <pre>
 * ./scripts/mvn -o -q -pl scenarios -am verify -Dtest=ExplainGoldenTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Diommufdsim.regenerate-golden=true
 * git diff scenarios/src/test/resources/golden/explain/
 * </pre>
 *
 * With the property set the test writes every golden file (and removes those with no teaching
 * scenario left) instead of comparing; without it, it only compares.
 */
class ExplainGoldenTest {
  static final String REGENERATE = "iommufdsim.regenerate-golden";
  static final int WIDTH = 100;
  private static final String HOW_TO_REGENERATE = "if the change is intended, regenerate with "
      + "-D" + REGENERATE + "=true (see ExplainGoldenTest's javadoc) and review the diff";

  private static Path goldenDir() {
    return Scn.moduleDir().resolve("src/test/resources/golden/explain");
  }

  private static boolean regenerating() {
    return Boolean.getBoolean(REGENERATE);
  }

  private static String name(Path scn) {
    String f = scn.getFileName().toString();
    return f.substring(0, f.length() - ".scn".length());
  }

  /** What {@code iommufd-sim explain FILE --width 100} prints, run in-process. */
  static String explain(Path scn) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"explain", scn.toString(), "--width", "" + WIDTH},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    if (code != 0 || !e.isEmpty()) {
      fail("explain " + scn.getFileName() + " exited " + code + ": " + e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @TestFactory
  Stream<DynamicTest> everyTeachingScenario_explainsAsPinned() throws IOException {
    List<Path> files = Scn.libraryFiles("teaching");
    assertThat(files).as("teaching scenarios").hasSizeGreaterThanOrEqualTo(8);
    return files.stream().map(scn -> DynamicTest.dynamicTest(name(scn), () -> check(scn)));
  }

  private static void check(Path scn) throws IOException {
    Path golden = goldenDir().resolve(name(scn) + ".txt");
    String actual = explain(scn);
    if (regenerating()) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.isRegularFile(golden)) {
      fail("no golden explanation for teaching/" + scn.getFileName() + " at " + golden
          + ": " + HOW_TO_REGENERATE);
    }
    String expected = Files.readString(golden, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail("explain teaching/" + scn.getFileName() + " differs from " + golden.getFileName()
          + firstDifference(expected, actual) + "\n" + HOW_TO_REGENERATE);
    }
  }

  /** Where two texts first differ, as a line number and the two lines. */
  static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      String el = i < e.length ? e[i] : "<end of file>";
      String al = i < a.length ? a[i] : "<end of output>";
      if (!el.equals(al)) {
        return " at line " + (i + 1) + ":\n  golden: " + el + "\n  now:    " + al;
      }
    }
    return " (line endings)";
  }

  @Test
  void everyGoldenFile_hasItsTeachingScenario() throws IOException {
    if (!Files.isDirectory(goldenDir())) {
      return;
    }
    List<String> scenarios = Scn.libraryFiles("teaching").stream()
        .map(p -> name(p) + ".txt").toList();
    try (Stream<Path> s = Files.list(goldenDir())) {
      for (Path g : s.sorted().toList()) {
        if (scenarios.contains(g.getFileName().toString())) {
          continue;
        }
        if (regenerating()) {
          Files.delete(g);
        } else {
          fail("golden/explain/" + g.getFileName() + " pins no teaching scenario: "
              + "delete it, or " + HOW_TO_REGENERATE);
        }
      }
    }
  }

  @Test
  void firstDifference_namesTheLineAndBothTexts() {
    assertThat(firstDifference("a\nb\n", "a\nc\n"))
        .isEqualTo(" at line 2:\n  golden: b\n  now:    c");
    assertThat(firstDifference("a", "a\nb")).contains("at line 2").contains("<end of file>");
  }
}
