package org.iommufdsim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The measurements made outside JMH, each in a fresh JVM started from the benchmarks jar: the
 * retained heap of a million live objects under {@code -Xmx1g}, and {@code iommufd-sim check}
 * of the whole conformance library, cold (JVM start included), timed from here.
 */
final class Extras {
  static final int MILLION = 1_000_000;
  static final int COLD_RUNS = 5;

  private Extras() {}

  /** One heap measurement: what the harness printed, or why it failed. */
  record Heap(String kind, int count, long retained, String problem) {
    double perObject() {
      return (double) retained / count;
    }
  }

  /** Everything measured here; {@code coldSeconds} holds one figure per run. */
  record Measured(List<Heap> heaps, double[] coldSeconds, String coldProblem) {
    static Measured none() {
      return new Measured(List.of(), new double[0], "not run (--no-extras)");
    }
  }

  static Measured measure(Path root) throws IOException {
    List<Heap> heaps = List.of(heap("ioas", MILLION), heap("areas", MILLION));
    List<String> check = new ArrayList<>(List.of(java(), "-cp", jar(),
        "org.iommufdsim.scenarios.cli.Main", "check"));
    try (Stream<Path> files = Files.list(root.resolve("scenarios/conformance"))) {
      files.filter(f -> f.toString().endsWith(".scn")).sorted()
          .forEach(f -> check.add(f.toString()));
    }
    double[] cold = new double[COLD_RUNS];
    String problem = null;
    for (int i = 0; i < COLD_RUNS && problem == null; i++) {
      long t0 = System.nanoTime();
      Outcome o = run(check);
      cold[i] = (System.nanoTime() - t0) / 1e9;
      if (o.exit() != 0) {
        problem = "check exited " + o.exit() + ": " + tail(o.output());
      }
    }
    return new Measured(heaps, cold, problem);
  }

  private static Heap heap(String kind, int count) throws IOException {
    System.err.println("bench: retained heap of " + count + " " + kind + " (-Xmx1g)...");
    Outcome o = run(List.of(java(), "-Xmx1g", "-cp", jar(),
        MemoryHarness.class.getName(), kind, Integer.toString(count)));
    String[] words = o.output().strip().split("\\s+");
    if (o.exit() != 0 || words.length != 4 || !words[0].equals(kind)) {
      return new Heap(kind, count, -1, "exit " + o.exit() + ": " + tail(o.output()));
    }
    return new Heap(kind, count, Long.parseLong(words[2]), null);
  }

  private record Outcome(int exit, String output) {}

  private static Outcome run(List<String> command) throws IOException {
    Path log = Files.createTempFile("iommufd-sim-bench", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      int exit = p.waitFor();
      return new Outcome(exit, Files.readString(log, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() <= 300 ? t : "..." + t.substring(t.length() - 300);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String jar() {
    try {
      return Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
