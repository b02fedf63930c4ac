package org.iommufdsim.sim.host;

import java.util.List;
import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One finished system call's path through the kernel.
 *
 * @param pid the calling process
 * @param call the call as the trace writes it (e.g. {@code open("/dev/iommu")}; for an ioctl
 *     made with tracing off, its fd, request name and argument address)
 * @param decisions the checks in the order they ran; a failed call's path ends at the check
 *     that decided it
 * @param errno the errno answered, null for success
 */
public record CallPath(int pid, String call, List<Decision> decisions, Errno errno) {
  public CallPath {
    Objects.requireNonNull(call);
    decisions = List.copyOf(decisions);
  }

  /** The decision that failed the call, if it failed. */
  public Decision decidingCheck() {
    return errno == null || decisions.isEmpty() ? null : decisions.getLast();
  }
}
