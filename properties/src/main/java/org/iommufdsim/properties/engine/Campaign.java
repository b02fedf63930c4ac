package org.iommufdsim.properties.engine;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A check run one try at a time, for callers that decide as they go how many tries to run (a
 * campaign bounded by time, a progress line). Try {@code i} uses seed {@code firstSeed + i}; the
 * first failing try is shrunk, and then the campaign is over.
 */
public final class Campaign<S> {
  private final StateMachine<S> machine;
  private final long firstSeed;
  private final PropertyCheck.Config config;
  private final Map<String, Map<String, Long>> coverage = new TreeMap<>();
  private int tries;
  private long steps;
  private PropertyCheck.Counterexample counterexample;

  public Campaign(StateMachine<S> machine, long firstSeed, PropertyCheck.Config config) {
    this.machine = machine;
    this.firstSeed = firstSeed;
    this.config = config;
    for (StateMachine.ActionType<S> t : machine.actions()) {
      coverage.put(t.name(), new TreeMap<>());
    }
  }

  /** Runs the next try; answers false when it failed (or an earlier one had). */
  public boolean runOne() {
    if (counterexample != null) {
      return false;
    }
    long seed = firstSeed + tries;
    Program.Run run = Program.run(machine, seed, Choices.fresh(seed), config.maxSteps());
    tries++;
    steps += run.steps().size();
    for (Program.Step s : run.steps()) {
      coverage.computeIfAbsent(s.action(), k -> new TreeMap<>())
          .merge(s.outcome(), 1L, Long::sum);
    }
    if (!run.failed()) {
      return true;
    }
    Shrinker.Result shrunk =
        Shrinker.shrink(machine, seed, run, config.maxSteps(), config.shrinkBudget(),
            config.shrinkSeconds());
    Program.Run replayed = Program.run(machine, seed, Choices.replay(shrunk.run().choices()),
        config.maxSteps(), true);
    counterexample = new PropertyCheck.Counterexample(seed, run, shrunk, replayed.transcript());
    return false;
  }

  /** Tries run so far. */
  public int tries() {
    return tries;
  }

  /** Steps run so far, over all tries. */
  public long steps() {
    return steps;
  }

  /** Action types that ran at least once. */
  public int actionsCovered() {
    return (int) coverage.values().stream().filter(m -> !m.isEmpty()).count();
  }

  /** Action types the machine has. */
  public int actionTypes() {
    return machine.actions().size();
  }

  public boolean failed() {
    return counterexample != null;
  }

  /** The campaign so far, as a result. */
  public PropertyCheck.Result result() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    coverage.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
    return new PropertyCheck.Result(machine.name(), firstSeed, tries, steps,
        Collections.unmodifiableMap(out), counterexample);
  }
}
