package org.iommufdsim.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.cli.Main;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code iommufd-sim check}, called in-process exactly as the command line runs it
 * ({@link Main#run}): on the large generated scenario (its steps per second are counted) and on
 * the whole conformance library ({@code scenarios/conformance/*.scn}, resolved from the working
 * directory or {@code -Diommufdsim.root}).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CheckThroughput {
  /** Rounds of the generated scenario: 100,002 steps. */
  static final int ROUNDS = 20_000;

  Path generated;
  String[] library;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    generated = Files.createTempFile("iommufd-sim-bench", ".scn");
    Files.writeString(generated, GeneratedScenario.text(ROUNDS));
    List<String> args = new ArrayList<>(List.of("check"));
    try (Stream<Path> files = Files.list(conformanceDir())) {
      files.filter(f -> f.toString().endsWith(".scn")).sorted()
          .forEach(f -> args.add(f.toString()));
    }
    library = args.toArray(String[]::new);
    expectPass(new String[] {"check", generated.toString()});
    expectPass(library);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(generated);
  }

  static Path conformanceDir() {
    return Path.of(System.getProperty("iommufdsim.root", ".")).resolve("scenarios/conformance");
  }

  /** Counts the steps checked, so JMH reports them per second. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Steps {
    public long steps;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  // one operation takes about half a second: 1 s iterations would hold two of them
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 5)
  public int generatedScenario(Steps counter) {
    int exit = check(new String[] {"check", generated.toString()});
    counter.steps += GeneratedScenario.steps(ROUNDS);
    return exit;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int conformanceLibrary() {
    return check(library);
  }

  private static final PrintStream DISCARD = new PrintStream(PrintStream.nullOutputStream());

  static int check(String[] args) {
    return Main.run(args, DISCARD, DISCARD);
  }

  private static void expectPass(String[] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit = Main.run(args, ps, ps);
    if (exit != 0) {
      String text = out.toString(StandardCharsets.UTF_8);
      throw new IllegalStateException("check did not pass (exit " + exit + "):\n"
          + text.substring(Math.max(0, text.length() - 2000)));
    }
  }
}
