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
 * @param events what the kernel did besides checking (faults routed and answered, objects a
 *     release destroyed), each placed after the decisions that came before it; a failed call's
 *     events stop where its path does
 */
public record CallPath(int pid, String call, List<Decision> decisions, Errno errno,
    List<PathEvent> events) {
  public CallPath {
    Objects.requireNonNull(call);
    decisions = List.copyOf(decisions);
    events = List.copyOf(events);
  }

  public CallPath(int pid, String call, List<Decision> decisions, Errno errno) {
    this(pid, call, decisions, errno, List.of());
  }

  /** The decision that failed the call, if it failed. */
  public Decision decidingCheck() {
    return errno == null || decisions.isEmpty() ? null : decisions.getLast();
  }
}
