package org.iommufdsim.properties.suites.guests;

/**
 * Known QEMU behaviours these suites meet, each keyed to the backend README's findings index
 * (the port is faithful, so they show in the port). By default a suite tolerates each one in a
 * narrowly scoped exception; a strict machine (built with the finding removed from its
 * tolerated set) reports it under {@link #label()}, and a JUnit test asserts that it does.
 */
public enum Finding {
  /**
   * Backend finding 1: replacing a PASID's fault queue never clears QEMU's list of outstanding
   * {@code {grpid, cookie}} entries; the new queue's cookies restart at 1, so a late answer to a
   * group of the old queue is written to the new fd and answers an unrelated group there.
   */
  STALE_PRQ_COOKIE("guest answer reaches its own group"),
  /**
   * Backend finding 1, when the PASID went to pass-through: its fault queue is gone (fd -1) but
   * QEMU still lists the group, so a late answer is written to fd -1 (EBADF, reported).
   */
  STALE_PRQ_WRITE_WITHOUT_QUEUE("guest answer reaches its own group"),
  /**
   * Backend finding 1, seen in QEMU's bookkeeping: after the fault queue of a PASID was replaced
   * or torn down, QEMU's {@code vtd_prq_list} still holds {@code {grpid, cookie}} entries of
   * groups the kernel already answered (auto-response) or freed with the old queue.
   */
  STALE_PRQ_LIST("port bookkeeping agrees with the kernel"),
  /**
   * NEW (FINDINGS-guests.md #1): a guest page-group response with the VT-d code "Response
   * Failure" (0xf) is written to the fault fd unchanged; iommufd knows only SUCCESS (0) and
   * INVALID (1), so the kernel refuses it with EINVAL, QEMU has already dropped its entry, and
   * the group stays unanswered in the kernel until the queue is torn down.
   */
  RESPONSE_FAILURE_CODE_PASSED_THROUGH("guest answer reaches its own group"),
  /**
   * Backend finding 15 ({@code vtd_accel_fill_pc}): a PASID entry stays cached after its attach
   * failed, so QEMU's cache claims a translation the kernel never installed (and an identical
   * later sync never retries).
   */
  FAILED_ATTACH_STAYS_CACHED("port bookkeeping agrees with the kernel"),
  /**
   * Reference §7 ({@code vtd_accel_delete_pc}): the cache entry is freed even when the detach
   * failed, so its first-stage HWPT (and fault queue, and fd handler) are forgotten while still
   * attached. Reachable without fault injection: with DMA remapping off, removing PASID 0
   * re-attaches the default (non-PASID-capable) HWPT, which the kernel refuses while another
   * PASID is attached.
   */
  DELETE_PC_FORGETS_ATTACHED("port bookkeeping agrees with the kernel"),
  /**
   * NEW (FINDINGS-guests.md #3, fault injection only): when {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}
   * fails with EFAULT copying {@code pt_id} back, the kernel has already attached (or replaced)
   * and undoes it by detaching, so the device (PASID) is left with no domain at all; QEMU treats
   * the failure as "still on the old HWPT".
   */
  ATTACH_UNDONE_LEAVES_DETACHED("port bookkeeping agrees with the kernel"),
  /**
   * Backend finding 4: {@code iommufd_backend_alloc_viommu} prints the dev_id after
   * {@code type=} and the type after {@code dev_id=}.
   */
  VIOMMU_TRACE_SWAPPED_LABELS("trace lines carry the kernel's ids"),
  /**
   * Backend finding 17 ({@code smmuv3_accel_unset_iommu_device}): after a failed re-attach to
   * the stage-2 HWPT, unplug goes on freeing objects still in use; the kernel refuses each
   * {@code IOMMU_DESTROY} with EBUSY and QEMU only logs it.
   */
  UNSET_AFTER_FAILED_REATTACH("no refused IOMMU_DESTROY in a cleanup path"),
  /**
   * NEW (FINDINGS-guests.md #2): the vSMMU's vIOMMU is built on the stage-2 HWPT of the first
   * device plugged; when a later device sits in another VFIO container (backend finding 10: a
   * transient failure while attaching to the existing container builds a second one) and the
   * first device is unplugged, VFIO's container teardown frees that HWPT and its IOAS while the
   * vIOMMU still uses them: EBUSY, only logged.
   */
  VIOMMU_PINS_FIRST_DEVICES_S2("no refused IOMMU_DESTROY in a cleanup path");

  private final String label;

  Finding(String label) {
    this.label = label;
  }

  /** The invariant label a strict machine reports this finding under. */
  public String label() {
    return label;
  }
}
