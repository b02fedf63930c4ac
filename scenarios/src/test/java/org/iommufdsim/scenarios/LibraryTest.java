package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario of the library ({@code scenarios/teaching/} and {@code scenarios/conformance/},
 * whatever files are there) passes {@code iommufd-sim check}.
 */
class LibraryTest {

  @Test
  void teachingScenarios_exist() throws IOException {
    assertThat(Scn.libraryFiles("teaching")).isNotEmpty();
  }

  @TestFactory
  Stream<DynamicTest> everyLibraryScenario_passesCheck() throws IOException {
    List<Path> files = Scn.libraryFiles("teaching", "conformance", "regressions");
    return files.stream().map(p -> DynamicTest.dynamicTest(
        Scn.moduleDir().relativize(p).toString(), () -> assertPassesCheck(p)));
  }

  private static void assertPassesCheck(Path file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"check", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(report).as(report).isEqualTo("PASS " + file + "\n1 passed, 0 failed\n");
    assertThat(code).isZero();
  }
}
