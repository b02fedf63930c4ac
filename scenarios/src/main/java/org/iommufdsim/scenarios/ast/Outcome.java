package org.iommufdsim.scenarios.ast;

import java.util.List;
import java.util.Optional;
import org.iommufdsim.sim.uapi.Errno;

/**
 * What follows {@code ->}: {@code ok} or an errno, then {@code field=value} pairs that check a
 * value or, when the value is an unbound variable, bind it.
 *
 * @param errno empty for {@code ok}
 */
public record Outcome(Pos pos, Optional<Errno> errno, List<FieldArg> pairs) {
  public Outcome {
    pairs = List.copyOf(pairs);
  }

  public static Outcome ok(List<FieldArg> pairs) {
    return new Outcome(Pos.NONE, Optional.empty(), pairs);
  }

  public boolean isBareOk() {
    return errno.isEmpty() && pairs.isEmpty();
  }
}
