package org.iommufdsim.sim.kernel.decide;

/**
 * Something the kernel did on a call's path that is not a check: where a page fault was routed,
 * who answered it, which objects a release destroyed and in which order. Recorded (as a kind and
 * the objects and numbers involved, no text) by the code that does it, between the checks
 * around it; {@code iommufd.EventText} words it when someone reads the path.
 */
public enum Event {
  /** iommufd_fops_release left an object for a later pass: other objects still hold it. */
  RELEASE_KEPT("iommufd_fops_release"),
  /** iommufd_fops_release destroyed an object whose only user was the table. */
  RELEASE_DESTROYED("iommufd_fops_release"),
  /** A kernel owner (VFIO unbind, an access's fd) removed and destroyed its object. */
  REMOVED_BY_OWNER("iommufd_object_remove"),
  /** A page request that is not its group's last page was kept until the last one comes. */
  IOPF_PARTIAL("iommu_report_device_fault"),
  /** A page request found nothing attached where it faulted that takes faults. */
  IOPF_UNHANDLED("iommu_report_device_fault"),
  /** The group of a routed page request could not be allocated: aborted, answered FAILURE. */
  IOPF_ABORTED("iommu_report_device_fault"),
  /** A page request found the HWPT attached where the device faulted. */
  IOPF_ROUTED("iommu_report_device_fault"),
  /** A page request group was queued on the HWPT's fault queue. */
  IOPF_QUEUED("iommufd_fault_iopf_handler"),
  /** User space answered a group through the fault fd. */
  IOPF_RESPONDED("iommufd_fault_fops_write"),
  /** A detach or replace answered the attachment's unanswered groups INVALID. */
  IOPF_AUTO_RESPONSE("iommufd_auto_response_faults"),
  /** Destroying a fault queue answered its unanswered groups INVALID. */
  IOPF_DESTROY_RESPONSE("iommufd_fault_destroy");

  private final String function;

  Event(String function) {
    this.function = function;
  }

  /** The kernel function that does it. */
  public String function() {
    return function;
  }
}
