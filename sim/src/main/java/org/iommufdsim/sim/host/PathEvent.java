package org.iommufdsim.sim.host;

import java.util.Objects;

/**
 * Something the kernel did on a call's path besides checking: a page fault routed to a HWPT and
 * queued, a fault group answered, an object destroyed by a release pass. Recorded by the code
 * that does it, like {@link Decision}s, and placed among them.
 *
 * @param after how many of the path's decisions came before it
 * @param function the kernel function that does it, e.g. {@code iommufd_fault_iopf_handler}
 * @param text what it did, in kernel vocabulary with the objects' IDs
 */
public record PathEvent(int after, String function, String text) {
  public PathEvent {
    Objects.requireNonNull(function);
    Objects.requireNonNull(text);
  }

  @Override
  public String toString() {
    return function + ": " + text;
  }
}
