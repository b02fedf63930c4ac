package org.iommufdsim.scenarios.run;

import java.util.List;
import org.iommufdsim.scenarios.ast.ScnError;

/** The result of running a scenario. */
public sealed interface RunReport {
  /** The steps that ran, in order. */
  List<StepRun> steps();

  /**
   * Every step ran (or, when asked to stop at the first mismatch, up to it); the process then
   * exited and {@code violations} are the simulator's broken invariants (empty when all hold).
   */
  record Finished(List<StepRun> steps, List<String> violations) implements RunReport {
    public Finished {
      steps = List.copyOf(steps);
      violations = List.copyOf(violations);
    }

    /** True when every outcome held and every invariant too. */
    public boolean passed() {
      return violations.isEmpty() && steps.stream().allMatch(StepRun::matched);
    }
  }

  /** The file has a mistake found while running; {@code steps} ran before it. */
  record Aborted(List<StepRun> steps, ScnError error) implements RunReport {
    public Aborted {
      steps = List.copyOf(steps);
    }
  }
}
