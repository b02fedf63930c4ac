package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code backend/README.md}'s QEMU findings index stays true: every reproducer file it names
 * exists, and every {@code Class#method} it names is a test method in the backend, properties or
 * scenarios test sources.
 */
class FindingsIndexTest {
  private static final Path ROOT = Scn.moduleDir().getParent();

  private static String index() throws IOException {
    String readme = Files.readString(ROOT.resolve("backend/README.md"));
    int from = readme.indexOf("## QEMU findings: index with reproducers");
    assertThat(from).isNotNegative();
    int to = readme.indexOf("\n## ", from + 1);
    return readme.substring(from, to < 0 ? readme.length() : to);
  }

  @Test
  void everyReproducerFileExists() throws IOException {
    Matcher m = Pattern.compile(
        "(properties/findings/|regressions/|qemu-logs/|conformance/)([A-Za-z0-9_.-]+\\.(scn|log))")
        .matcher(index());
    List<String> missing = new ArrayList<>();
    int seen = 0;
    while (m.find()) {
      seen++;
      Path p = m.group(1).startsWith("properties")
          ? ROOT.resolve(m.group(1)).resolve(m.group(2))
          : ROOT.resolve("scenarios").resolve(m.group(1)).resolve(m.group(2));
      if (!Files.isRegularFile(p)) {
        missing.add(m.group());
      }
    }
    assertThat(seen).isGreaterThan(20);
    assertThat(missing).isEmpty();
  }

  @Test
  void everyNamedTestMethodExists() throws IOException {
    StringBuilder sources = new StringBuilder();
    for (String module : List.of("backend", "properties", "scenarios")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(module).resolve("src/test/java"))) {
        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> {
          try {
            sources.append("\n//FILE ").append(p.getFileName()).append('\n')
                .append(Files.readString(p));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
    String all = sources.toString();
    Matcher m = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-zA-Z_][A-Za-z0-9_]*)`").matcher(index());
    List<String> missing = new ArrayList<>();
    int seen = 0;
    while (m.find()) {
      if (m.group(1).equals("Class")) {
        continue; // the index's own "Class#method" explanation
      }
      seen++;
      String file = "//FILE " + m.group(1) + ".java\n";
      int at = all.indexOf(file);
      int end = at < 0 ? -1 : all.indexOf("\n//FILE ", at + 1);
      String body = at < 0 ? "" : all.substring(at, end < 0 ? all.length() : end);
      if (!body.contains(" " + m.group(2) + "(")) {
        missing.add(m.group(1) + "#" + m.group(2));
      }
    }
    assertThat(seen).isGreaterThan(20);
    assertThat(missing).isEmpty();
  }
}
