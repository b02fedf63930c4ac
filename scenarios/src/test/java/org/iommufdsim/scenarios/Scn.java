package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.parse.ParseResult;
import org.iommufdsim.scenarios.parse.Parser;

/** Helpers shared by the tests: parsing that must succeed or must fail, and the contract's text. */
public final class Scn {
  private Scn() {}

  public static Scenario parse(String text) {
    return switch (Parser.parse(text)) {
      case ParseResult.Parsed p -> p.scenario();
      case ParseResult.Failed f -> fail("does not parse: " + f.error().render("test.scn")
          + "\n" + text);
    };
  }

  public static ScnError parseError(String text) {
    return switch (Parser.parse(text)) {
      case ParseResult.Parsed p -> fail("parses, but should not:\n" + text);
      case ParseResult.Failed f -> f.error();
    };
  }

  /** The module's directory ({@code scenarios/}), wherever the tests run from. */
  public static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("teaching")) ? here : here.resolve("scenarios");
  }

  /**
   * {@code SCENARIO-FORMAT.md}, the contract: the shared one next to the repository
   * ({@code ../shared/}) when it is there, else the copy in the test resources.
   */
  public static String contract() {
    Path shared = moduleDir().toAbsolutePath().getParent().getParent().resolve("shared")
        .resolve("SCENARIO-FORMAT.md");
    try {
      if (Files.isRegularFile(shared)) {
        return Files.readString(shared);
      }
      try (InputStream in = Scn.class.getResourceAsStream("/SCENARIO-FORMAT.md")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contract's fenced code blocks that are scenarios (not the grammar). */
  public static List<String> contractBlocks() {
    List<String> blocks = new ArrayList<>();
    StringBuilder cur = null;
    for (String line : contract().split("\n", -1)) {
      if (line.startsWith("```")) {
        if (cur != null) {
          if (!cur.toString().contains(":=")) {
            blocks.add(cur.toString());
          }
          cur = null;
        } else {
          cur = new StringBuilder();
        }
      } else if (cur != null) {
        cur.append(line).append('\n');
      }
    }
    return blocks;
  }

  /** Every {@code .scn} file under the given directories of the module, in path order. */
  public static List<Path> libraryFiles(String... dirs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String dir : dirs) {
      Path d = Scn.moduleDir().resolve(dir);
      if (Files.isDirectory(d)) {
        try (Stream<Path> s = Files.walk(d)) {
          s.filter(p -> p.toString().endsWith(".scn")).sorted().forEach(out::add);
        }
      }
    }
    return out;
  }
}
