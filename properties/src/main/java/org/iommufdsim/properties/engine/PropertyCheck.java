package org.iommufdsim.properties.engine;

import java.util.Map;

/**
 * Runs a property for a number of tries. Try {@code i} of a check starting at {@code firstSeed}
 * uses seed {@code firstSeed + i}, and nothing else is shared between tries, so a campaign splits
 * across machines by seed ranges and any single try replays from its seed alone. The first
 * failing try is shrunk and reported; statistics count every action and outcome seen.
 */
public final class PropertyCheck {
  private PropertyCheck() {}

  /**
   * Limits of one check: tries, actions per try, reruns the shrinker may use, and an optional
   * wall-clock limit on shrinking in seconds (0: none, the default, so that results depend
   * only on the seed).
   */
  public record Config(int tries, int maxSteps, int shrinkBudget, int shrinkSeconds) {
    public Config(int tries, int maxSteps, int shrinkBudget) {
      this(tries, maxSteps, shrinkBudget, 0);
    }

    public static Config defaults() {
      return new Config(100, 60, 2_000);
    }
  }

  /**
   * A failure: the try's seed, the run as found, the shrunk run, and the shrunk run's transcript
   * as a {@code .scn} scenario (null when the property cannot write one).
   */
  public record Counterexample(long seed, Program.Run original, Shrinker.Result shrunk,
      String transcript) {}

  /**
   * The outcome of a check: tries and steps run, {@code coverage} (action, then outcome, then
   * count; sorted, so it prints the same every time), and the counterexample, null when none.
   */
  public record Result(String property, long firstSeed, int tries, long steps,
      Map<String, Map<String, Long>> coverage, Counterexample counterexample) {
    public boolean passed() {
      return counterexample == null;
    }
  }

  public static <S> Result check(StateMachine<S> machine, long firstSeed, Config config) {
    Campaign<S> c = new Campaign<>(machine, firstSeed, config);
    while (c.tries() < config.tries() && c.runOne()) {
      // the campaign counts and shrinks
    }
    return c.result();
  }

  /** The report of a result, as the test suite and the command line print it. */
  public static String report(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.property()).append(": ").append(r.passed() ? "passed" : "FAILED")
        .append(", ").append(r.tries()).append(r.tries() == 1 ? " try" : " tries")
        .append(" from seed ").append(r.firstSeed()).append(", ").append(r.steps())
        .append(" steps\n");
    if (!r.passed()) {
      Counterexample c = r.counterexample();
      Program.Run s = c.shrunk().run();
      sb.append("seed ").append(c.seed()).append(": ").append(s.failure().label()).append(": ")
          .append(s.failure().message()).append('\n');
      sb.append("shrunk from ").append(c.original().steps().size()).append(" to ")
          .append(s.steps().size()).append(" steps in ").append(c.shrunk().attempts())
          .append(" reruns").append(switch (c.shrunk().stop()) {
            case DONE -> "";
            case BUDGET -> " (the rerun budget ran out: it may shrink further)";
            case TIME -> " (the time limit ran out: it may shrink further)";
          }).append(":\n");
      for (int i = 0; i < s.steps().size(); i++) {
        Program.Step st = s.steps().get(i);
        sb.append("  ").append(i + 1).append(". ").append(st.description()).append(" -> ")
            .append(st.outcome()).append('\n');
      }
    }
    long covered = r.coverage().values().stream().filter(m -> !m.isEmpty()).count();
    long distinct = r.coverage().values().stream().mapToLong(Map::size).sum();
    sb.append("coverage: ").append(covered).append(" of ").append(r.coverage().size())
        .append(" actions run, ").append(distinct).append(" distinct action outcomes\n");
    r.coverage().forEach((action, outcomes) -> {
      sb.append("  ").append(action).append(':');
      if (outcomes.isEmpty()) {
        sb.append(" never run");
      }
      outcomes.forEach((o, n) -> sb.append(' ').append(o).append('=').append(n));
      sb.append('\n');
    });
    return sb.toString();
  }
}
