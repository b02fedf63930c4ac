package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.iommufdsim.properties.engine.Campaign;
import org.iommufdsim.properties.engine.Failures;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.suites.Suite;
import org.iommufdsim.properties.suites.Suites;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explore PROPERTY}: a property campaign. Try {@code i} uses seed {@code S + i}, so a
 * campaign splits across machines by seed ranges with nothing else shared, and a failure replays
 * from its seed alone. The summary (stdout) depends only on the seeds and the number of tries;
 * the progress line (stderr) is the only thing that looks at a clock. Exit 0 when the property
 * held on every try, 1 when it failed (the shrunk scenario is written to {@code --out}), 2 on a
 * usage error.
 */
@Command(name = "explore", description = {
    "Run a property campaign: seeded random programs, invariants after every step, a failure",
    "shrunk to a minimal .scn scenario that `iommufd-sim check` replays."})
final class ExploreCommand implements Callable<Integer> {
  /** Where the properties come from (tests substitute their own). */
  static Supplier<List<Suite>> registry = Suites::all;

  private static final long PROGRESS_NANOS = 5_000_000_000L;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "PROPERTY", arity = "0..1", description = "a property (see --list)")
  String property;

  @Option(names = "--list", description = "name every property and what it checks")
  boolean list;

  @Option(names = "--seed", paramLabel = "S",
      description = "first seed (unsigned; default: a fresh one, printed)")
  String seed;

  @Option(names = "--tries", paramLabel = "N",
      description = "tries to run (default 100, or unbounded with --seconds)")
  Integer tries;

  @Option(names = "--seconds", paramLabel = "T",
      description = "start no new try after T seconds (the summary then says how many ran)")
  Integer seconds;

  @Option(names = "--max-steps", paramLabel = "M", description = "actions per try (default 60)")
  Integer maxSteps;

  @Option(names = "--shrink-budget", paramLabel = "B",
      description = "reruns the shrinker may use (default 2000)")
  Integer shrinkBudget;

  @Option(names = "--shrink-seconds", paramLabel = "T", defaultValue = "0",
      description = "also stop shrinking after T s (default: no limit, so the shrunk program "
          + "depends only on the seed)")
  int shrinkSeconds;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "property-failures",
      description = "where a failure's shrunk scenario is written (default ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    List<Suite> suites = registry.get();
    if (list) {
      int width = suites.stream().mapToInt(s -> s.name().length()).max().orElse(0);
      for (Suite s : suites) {
        o.println(String.format("%-" + width + "s  %s", s.name(), s.summary()));
      }
      return Main.PASSED;
    }
    if (property == null) {
      throw usage("Missing PROPERTY (use --list to see them)");
    }
    Suite suite = suites.stream().filter(s -> s.name().equals(property)).findFirst()
        .orElseThrow(() -> usage("unknown property " + property + " (properties: "
            + suites.stream().map(Suite::name).collect(Collectors.joining(", ")) + ")"));
    PropertyCheck.Config d = PropertyCheck.Config.defaults();
    if (seconds != null) {
      positive("--seconds", seconds);
    }
    int limit = tries != null ? positive("--tries", tries)
        : seconds != null ? Integer.MAX_VALUE : d.tries();
    PropertyCheck.Config config = new PropertyCheck.Config(limit,
        maxSteps != null ? positive("--max-steps", maxSteps) : d.maxSteps(),
        shrinkBudget != null ? positive("--shrink-budget", shrinkBudget) : d.shrinkBudget(),
        Math.max(0, shrinkSeconds));
    long first = firstSeed();
    return explore(suite.machine().get(), first, config, o);
  }

  private <S> int explore(StateMachine<S> machine, long first, PropertyCheck.Config config,
      PrintWriter o) {
    PrintWriter err = spec.commandLine().getErr();
    o.println("exploring " + machine.name() + " from seed " + Long.toUnsignedString(first)
        + (seed == null ? " (fresh; pass --seed " + Long.toUnsignedString(first)
            + " to repeat)" : ""));
    o.flush();
    Campaign<S> c = new Campaign<>(machine, first, config);
    long start = System.nanoTime();
    long deadline = seconds == null ? 0 : start + seconds * 1_000_000_000L;
    long nextProgress = start + PROGRESS_NANOS;
    while (c.tries() < config.tries()
        && (seconds == null || System.nanoTime() - deadline < 0) && c.runOne()) {
      long now = System.nanoTime();
      if (now - nextProgress >= 0) {
        err.println(progress(c, now - start));
        err.flush();
        nextProgress = now + PROGRESS_NANOS;
      }
    }
    PropertyCheck.Result r = c.result();
    o.print(PropertyCheck.report(r));
    o.println("seeds " + Long.toUnsignedString(first) + ".."
        + Long.toUnsignedString(first + r.tries() - 1) + (r.passed()
            ? "; the next campaign continues at --seed " + Long.toUnsignedString(first + r.tries())
            : ""));
    if (r.passed()) {
      return Main.PASSED;
    }
    Path scn = Failures.write(r, out);
    o.print(Failures.replayHint(r, scn));
    return Main.FAILED;
  }

  private static String progress(Campaign<?> c, long nanos) {
    long ms = nanos / 1_000_000;
    return String.format("... %d tries, %d steps, %d of %d actions covered, %d.%01d s",
        c.tries(), c.steps(), c.actionsCovered(), c.actionTypes(), ms / 1000, ms % 1000 / 100);
  }

  private long firstSeed() {
    if (seed == null) {
      return new SecureRandom().nextLong() >>> 1;
    }
    try {
      return Long.parseUnsignedLong(seed);
    } catch (NumberFormatException e) {
      throw usage("--seed takes an unsigned 64-bit number, not " + seed);
    }
  }

  private int positive(String option, int v) {
    if (v <= 0) {
      throw usage(option + " takes a positive number, not " + v);
    }
    return v;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
