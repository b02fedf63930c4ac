package org.iommufdsim.sim.host;

import java.util.List;
import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One finished system call's path through the kernel: the process, the checks in the order
 * they ran (a failed call's path ends at the check that decided), and the errno (null for
 * success).
 */
public record CallPath(int pid, List<Decision> decisions, Errno errno) {
  public CallPath {
    decisions = List.copyOf(decisions);
    Objects.requireNonNull(decisions);
  }

  /** The decision that failed the call, if it failed. */
  public Decision decidingCheck() {
    return errno == null || decisions.isEmpty() ? null : decisions.getLast();
  }
}
