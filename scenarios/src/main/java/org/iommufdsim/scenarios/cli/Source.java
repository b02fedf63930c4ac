package org.iommufdsim.scenarios.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.parse.ParseResult;
import org.iommufdsim.scenarios.parse.Parser;

/** A scenario file as the CLI loads it: parsed, unreadable, or malformed. */
sealed interface Source {
  String name();

  record Loaded(String name, Scenario scenario) implements Source {}

  record Unreadable(String name, String reason) implements Source {}

  record Malformed(String name, ScnError error) implements Source {}

  static Source file(String name) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(name));
    } catch (NoSuchFileException e) {
      return new Unreadable(name, "no such file");
    } catch (IOException | RuntimeException e) {
      return new Unreadable(name, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return parse(name, bytes);
  }

  static Source resource(String name, String resource) {
    try (InputStream in = Source.class.getResourceAsStream(resource)) {
      if (in == null) {
        return new Unreadable(name, "not bundled in this build");
      }
      return parse(name, in.readAllBytes());
    } catch (IOException e) {
      return new Unreadable(name, e.getMessage());
    }
  }

  private static Source parse(String name, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new Unreadable(name, "not UTF-8 text");
    }
    return switch (Parser.parse(text)) {
      case ParseResult.Parsed p -> new Loaded(name, p.scenario());
      case ParseResult.Failed f -> new Malformed(name, f.error());
    };
  }

  /** The one line that says why a file could not be used. */
  static String problem(Source s) {
    return switch (s) {
      case Loaded l -> "";
      case Unreadable u -> u.name() + ": cannot read it: " + u.reason();
      case Malformed m -> m.error().render(m.name());
    };
  }
}
