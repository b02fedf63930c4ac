package org.iommufdsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.iommufdsim.properties.engine.Campaign;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.Shrinker;
import org.iommufdsim.properties.suites.Suite;
import org.iommufdsim.properties.suites.Suites;
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
 * The property engine: the {@code backend-flows} suite's actions per second (one try per
 * invocation, seeds counting up from 1, with the suite's own limits), and the time to shrink a
 * failure found after about a thousand actions ({@link IoasWalk}).
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PropertyEngine {

  /** A campaign of backend-flows that goes on for as long as JMH calls it. */
  @State(Scope.Thread)
  public static class Flows {
    Campaign<?> campaign;

    @Setup(Level.Trial)
    public void setUp() {
      Suite s = Suites.named("backend-flows").orElseThrow();
      campaign = new Campaign<>(s.machine().get(), 1, s.testConfig());
    }
  }

  /** Counts the actions run, so JMH reports them per second. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Actions {
    public long actions;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  // one operation is a whole try (up to 40 actions, a new seed each): longer iterations average
  // over more seeds, whose programs differ in cost
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 5)
  public long backendFlows(Flows f, Actions counter) {
    long before = f.campaign.steps();
    if (!f.campaign.runOne()) {
      throw new IllegalStateException("backend-flows failed at try " + f.campaign.tries()
          + ": the benchmark measures passing tries only");
    }
    long ran = f.campaign.steps() - before;
    counter.actions += ran;
    return ran;
  }

  /**
   * The engine on a cheap machine, for comparison: {@link IoasWalk} programs of 500 actions
   * (too short to fail), each action one ioctl, every invariant checked after each. The gap
   * to {@link #backendFlows} is what the backend suite's own flows and checks cost.
   */
  @State(Scope.Thread)
  public static class Walk {
    final IoasWalk machine = new IoasWalk();
    long seed = 1;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long ioasWalk(Walk w, Actions counter) {
    Program.Run r = Program.run(w.machine, w.seed, Choices.fresh(w.seed), 500);
    w.seed++;
    counter.actions += r.steps().size();
    return r.steps().size();
  }

  /** The failing run to shrink: the first seed whose failure comes after 950 to 1,100 steps. */
  @State(Scope.Benchmark)
  public static class Failure {
    static final int MAX_STEPS = 3_000;
    static final int BUDGET = 100_000;
    final IoasWalk machine = new IoasWalk();
    long seed;
    Program.Run failing;
    Shrinker.Result last;

    @Setup(Level.Trial)
    public void find() {
      for (seed = 1; ; seed++) {
        Program.Run r = Program.run(machine, seed, Choices.fresh(seed), MAX_STEPS);
        if (r.failed() && r.steps().size() >= 950 && r.steps().size() <= 1_100) {
          failing = r;
          return;
        }
      }
    }

    /** What the shrink did, for the report ({@code -Diommufdsim.bench.facts=DIR}). */
    @TearDown(Level.Trial)
    public void report() throws IOException {
      String dir = System.getProperty("iommufdsim.bench.facts");
      if (dir == null || last == null) {
        return;
      }
      Files.writeString(Path.of(dir, "shrink.txt"), "seed " + seed + ": "
          + failing.steps().size() + " actions shrunk to " + last.run().steps().size()
          + " in " + last.attempts() + " reruns (" + last.stop() + ")\n");
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int shrinkThousandActions(Failure f) {
    f.last = Shrinker.shrink(f.machine, f.seed, f.failing, Failure.MAX_STEPS, Failure.BUDGET);
    return f.last.run().steps().size();
  }
}
