package org.iommufdsim.scenarios.run;

import java.util.List;
import org.iommufdsim.scenarios.ast.Step;

/** One executed step: the kernel's answer, the outcome's pairs, and what did not match. */
public record StepRun(Step step, Answer answer, List<PairResult> pairs, List<Mismatch> mismatches) {
  public StepRun {
    pairs = List.copyOf(pairs);
    mismatches = List.copyOf(mismatches);
  }

  public boolean matched() {
    return mismatches.isEmpty();
  }
}
