package org.iommufdsim.properties.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one program of a {@link StateMachine}: draws actions from {@link Choices} until the
 * program ends (or {@code maxSteps}), runs each, and checks every invariant after each step.
 */
public final class Program {
  private Program() {}

  /** One executed step. */
  public record Step(String action, String description, String outcome) {}

  /**
   * What went wrong: {@code label} is the invariant's label, or {@code "postcondition"}, or
   * {@code "exception"}; {@code step} is the 0-based step after which it was seen ({@code -1}
   * for the initial state, {@code steps().size()} for a final check).
   */
  public record Failure(String label, String message, int step) {}

  /**
   * A run: its steps, its failure (null when none), the draws that made it, and the machine's
   * transcript of it when one was asked for (else null).
   */
  public record Run(List<Step> steps, Failure failure, long[] choices, List<int[]> actionSpans,
      String transcript) {
    public boolean failed() {
      return failure != null;
    }
  }

  /** Runs the program that {@code choices} makes on a fresh system of {@code seed}. */
  public static <S> Run run(StateMachine<S> machine, long seed, Choices choices, int maxSteps) {
    return run(machine, seed, choices, maxSteps, false);
  }

  /** Same, and with {@code transcript} also asks the machine for the run's transcript. */
  public static <S> Run run(StateMachine<S> machine, long seed, Choices choices, int maxSteps,
      boolean transcript) {
    List<Step> steps = new ArrayList<>();
    S state = machine.init(seed);
    Failure failure = check(machine.invariants(), state, -1);
    List<StateMachine.ActionType<S>> types = machine.actions();
    int[] weights = new int[types.size()];
    while (failure == null) {
      boolean any = false;
      for (int i = 0; i < types.size(); i++) {
        weights[i] = types.get(i).enabled(state) ? Math.max(0, types.get(i).weight()) : 0;
        any |= weights[i] > 0;
      }
      if (!choices.another(any && steps.size() < maxSteps)) {
        break;
      }
      StateMachine.ActionType<S> type = types.get(choices.weighted(weights));
      int index = steps.size();
      String description = type.name();
      try {
        StateMachine.Action<S> action;
        try {
          action = type.generate(state, choices);
        } finally {
          choices.endAction();
        }
        description = action.describe();
        String outcome = action.run(state);
        steps.add(new Step(type.name(), description, outcome));
        failure = check(machine.invariants(), state, index);
      } catch (AssertionError e) {
        steps.add(new Step(type.name(), description, "postcondition failed"));
        failure = new Failure("postcondition", String.valueOf(e.getMessage()), index);
      } catch (RuntimeException e) {
        steps.add(new Step(type.name(), description, "exception"));
        failure = new Failure("exception", e.getClass().getName() + ": " + e.getMessage(), index);
      }
    }
    if (failure == null) {
      failure = check(machine.finalChecks(), state, steps.size());
    }
    String scn = null;
    if (transcript) {
      try {
        scn = machine.transcript(state);
      } catch (RuntimeException e) {
        scn = "# the transcript could not be written: " + e.getClass().getName() + ": "
            + e.getMessage() + "\n";
      }
    }
    return new Run(List.copyOf(steps), failure, choices.recorded(), choices.actionSpans(), scn);
  }

  private static <S> Failure check(List<StateMachine.Invariant<S>> checks, S state, int step) {
    for (StateMachine.Invariant<S> inv : checks) {
      String problem;
      try {
        problem = inv.check().apply(state);
      } catch (RuntimeException e) {
        problem = "the check threw " + e.getClass().getName() + ": " + e.getMessage();
      }
      if (problem != null) {
        return new Failure(inv.label(), problem, step);
      }
    }
    return null;
  }
}
