package org.iommufdsim.scenarios.run;

/**
 * What a file descriptor is, as far as reading it goes: known from the ioctl output field that
 * returned it ({@code out_fault_fd}, {@code out_veventq_fd}).
 */
sealed interface FdKind {
  /** A fault queue's fd: reads give {@code struct iommu_hwpt_pgfault} records. */
  record Fault() implements FdKind {}

  /** A vEVENTQ's fd: reads give headers, each followed by the payload of the queue's type. */
  record Veventq(long type) implements FdKind {}
}
