package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The system calls of every QEMU finding the property suites keep ({@code properties/findings/},
 * each the shrunk failing program's transcript, pinned by the suites' findings tests) replay:
 * {@code iommufd-sim check} passes each, so what the kernel answered there is what the finding
 * says it answered.
 */
class FindingScenariosTest {
  @TestFactory
  Stream<DynamicTest> everyFindingScenario_passesCheck() throws IOException {
    Path dir = Scn.moduleDir().resolveSibling("properties").resolve("findings");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".scn")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(16);
    return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = Main.run(new String[] {"check", p.toString()},
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      String report = out.toString(StandardCharsets.UTF_8);
      assertThat(report).as(report).isEqualTo("PASS " + p + "\n1 passed, 0 failed\n");
      assertThat(code).isZero();
    }));
  }
}
