package org.iommufdsim.properties.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The replayable scenarios of the properties' QEMU findings, kept in {@code properties/findings/}
 * (the {@code scenarios} module's {@code FindingScenariosTest} checks that each one passes
 * {@code iommufd-sim check}). A finding test hands its shrunk run's transcript here: it must equal
 * the kept file, byte for byte. When a change to the port or the simulator legitimately changes a
 * transcript, regenerate them on purpose, and review the diff:
 *
 * <pre>./scripts/mvn -pl properties -am verify -Dtest='*FindingsTest'
 *     -Dsurefire.failIfNoSpecifiedTests=false -Diommufdsim.regenerate-findings=true</pre>
 */
public final class FindingFiles {
  /** The directory, relative to the {@code properties} module (Maven's working directory). */
  public static final Path DIR = Path.of("findings");

  private FindingFiles() {}

  /** Asserts that {@code transcript} is the kept {@code NAME.scn} (or rewrites it, on request). */
  public static void matches(String name, String transcript) {
    assertThat(transcript).as("the finding's transcript").isNotNull().startsWith("@title ");
    Path file = DIR.resolve(name + ".scn");
    try {
      if (Boolean.getBoolean("iommufdsim.regenerate-findings")) {
        Files.createDirectories(DIR);
        Files.writeString(file, transcript, StandardCharsets.UTF_8);
        return;
      }
      assertThat(file).as("properties/%s is missing: regenerate with "
          + "-Diommufdsim.regenerate-findings=true (see FindingFiles)", file).exists();
      assertThat(transcript).as("properties/%s differs from the finding's shrunk transcript: "
          + "if the change is intended, regenerate it (see FindingFiles)", file)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
