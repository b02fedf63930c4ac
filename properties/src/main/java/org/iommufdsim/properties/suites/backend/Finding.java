package org.iommufdsim.properties.suites.backend;

/**
 * Known QEMU behaviours the backend properties meet. By default each is tolerated by a narrow,
 * documented exception in one invariant; a strict run (see {@link BackendFlows.Mode}) turns the
 * exception off so the property must find the behaviour. The number is the row of the findings
 * index in {@code backend/README.md}.
 */
public enum Finding {
  /**
   * #6: {@code iommufd_backend_unmap_dma} treats every ENOENT as success, so an unmap that cuts
   * through an area (the kernel never splits one) leaves it mapped while QEMU believes it gone.
   * Tolerated in "QEMU's mappings agree with the kernel's": the cut area stays in QEMU's view.
   */
  UNMAP_ENOENT_IS_SUCCESS(6),
  /**
   * #5: a failed CPR registration of an owned backend closes the fd but leaves its CPR entry, so
   * the next connect reuses a closed (or since reused) fd number. Tolerated by doing the
   * {@code cpr_delete_fd} QEMU omits, right after the failed connect.
   */
  CPR_STALE_FD_AFTER_FAILED_REGISTRATION(5),
  /**
   * #10: a non-EINVAL failure while attaching to an existing container makes QEMU build a
   * second container (IOAS) for the device. Tolerated in "one container per backend per
   * address space".
   */
  ATTACH_EXISTING_FAILURE_BUILDS_SECOND_CONTAINER(10),
  /**
   * #11: an {@code IOMMU_IOAS_IOVA_RANGES} failure only warns and the container falls back to a
   * 64-bit range; tolerated in "QEMU prints only the expected messages".
   */
  IOVA_RANGES_FAILURE_ONLY_WARNS(11),
  /**
   * New (FINDINGS-backend.md #B1): {@code IOMMU_IOAS_MAP}/{@code _UNMAP} can fail after the
   * kernel did the work (the copy of the answer back to user space fails: EFAULT), and QEMU then
   * believes the range unmapped (map) or still mapped (unmap). Tolerated in "QEMU's mappings
   * agree with the kernel's" only for a step whose failure was injected.
   */
  ANSWER_COPY_FAILURE_AFTER_THE_WORK(0);

  private final int readmeRow;

  Finding(int readmeRow) {
    this.readmeRow = readmeRow;
  }

  /** The row of {@code backend/README.md}'s findings index. */
  public int readmeRow() {
    return readmeRow;
  }
}
