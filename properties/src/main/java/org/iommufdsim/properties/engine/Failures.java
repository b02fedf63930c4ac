package org.iommufdsim.properties.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a failed check's shrunk transcript where a person (or CI) will find it. */
public final class Failures {
  private Failures() {}

  /** The file name of a counterexample's scenario: {@code NAME-seed-S.scn}. */
  public static String fileName(PropertyCheck.Result r) {
    return r.property() + "-seed-" + Long.toUnsignedString(r.counterexample().seed()) + ".scn";
  }

  /**
   * Writes the shrunk transcript of {@code r} into {@code dir} (created if missing) and answers
   * its path, or null when the check passed or the property writes no transcript.
   */
  public static Path write(PropertyCheck.Result r, Path dir) {
    if (r.passed() || r.counterexample().transcript() == null) {
      return null;
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(fileName(r));
      Files.writeString(file, r.counterexample().transcript(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the failure's scenario into " + dir, e);
    }
  }

  /** The lines that tell a person how to replay a failure. */
  public static String replayHint(PropertyCheck.Result r, Path scn) {
    StringBuilder sb = new StringBuilder();
    long seed = r.counterexample().seed();
    if (scn != null) {
      sb.append("the shrunk system calls: ").append(scn).append('\n')
          .append("replay them:  ./iommufd-sim check ").append(scn).append('\n');
    }
    sb.append("rerun the try: ./iommufd-sim explore ").append(r.property()).append(" --seed ")
        .append(seed).append(" --tries 1\n")
        .append("or in the test suite, with -D").append(Verify.SEED_PROPERTY).append('=')
        .append(seed).append(" (and -Dtest=THE_TEST_CLASS)\n");
    return sb.toString();
  }
}
