package org.iommufdsim.sim.kernel.iommu;

import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * What iommufd asks of an IOMMU driver (the parts of struct iommu_ops and iommu_domain_ops it
 * reaches). Each implementation models one real driver's behaviour at the uAPI: what it
 * accepts, what it refuses, and with which errno.
 */
public interface IommuDriver {
  /** Where the driver's own checks record (the kernel's decider); drivers without any ignore it. */
  default void setDecider(org.iommufdsim.sim.kernel.decide.Decider decider) {
  }

  /** The driver's name as the {@code @device} directive spells it. */
  String name();

  /** The physical IOMMU instance devices share (viommu and nesting checks compare it). */
  String instance();

  /** IOMMU_CAP_DIRTY_TRACKING for this device. */
  boolean dirtyCapable(IommuDevice dev);

  /** Whether the device needs IOMMU_CAP_ENFORCE_CACHE_COHERENCY on its domains. */
  default boolean enforceCacheCoherency(IommuDevice dev) {
    return false;
  }

  /** iommu_ops.user_pasid_table: PASID-tagged faults may go to the RID's nested domain. */
  boolean userPasidTable();

  /**
   * domain_alloc_paging_flags: a paging domain for {@code dev} with HWPT flags (without
   * FAULT_ID_VALID) and optional user data (null when data_len is 0).
   */
  KResult<IommuDomain> allocPaging(IommuDevice dev, long flags, UserData data);

  /** Whether the driver can allocate nested domains on a paging parent. */
  boolean hasNestedAlloc();

  /** domain_alloc_nested on a paging parent. */
  KResult<IommuDomain> allocNested(IommuDevice dev, IommuDomain parent, long flags,
      UserData data);

  /** attach_dev at the RID; EINVAL means "incompatible, try another domain". */
  Errno attach(IommuDomain domain, IommuDevice dev);

  /** set_dev_pasid; {@code domain} null means the blocked domain (detach). */
  Errno setDevPasid(IommuDomain domain, IommuDevice dev, int pasid);

  /** hw_info for the requested type; the blob and its type. */
  KResult<HwInfo> hwInfo(IommuDevice dev, long requestedType);

  /**
   * The IO page size the domain's page table uses at {@code iova} (its dirty-bit granule):
   * {@code mappedFirst..mappedLast} is the area's IOVA range and {@code phys} the physical byte
   * offset at {@code iova}, so a driver can tell whether a larger page fits.
   */
  default long ioPageSize(IommuDomain domain, long iova, long mappedFirst, long mappedLast,
      long phys) {
    return domain.minPageSize();
  }

  /** set_dirty_tracking. */
  Errno setDirtyTracking(IommuDomain domain, boolean enable);

  /**
   * cache_invalidate_user of a nested domain; null when the driver has none (EOPNOTSUPP).
   * Processes entries in order, stops at the first failure, and sets how many it handled.
   */
  default Errno cacheInvalidateUser(IommuDomain domain, UserArray array) {
    return Errno.EOPNOTSUPP;
  }

  /**
   * Whether the driver's nested domains have a {@code cache_invalidate_user} op at all; without
   * one, iommufd_hwpt_invalidate answers EOPNOTSUPP before any entry is looked at.
   */
  default boolean nestedHasInvalidate() {
    return false;
  }

  // ---- vIOMMU (struct iommufd_viommu_ops and the iommu_ops viommu hooks) ----

  /** get_viommu_size != 0: whether this driver makes vIOMMUs of {@code type}. */
  default boolean supportsViommu(IommuDevice dev, long type) {
    return false;
  }

  /** viommu_init, with optional user data (null when data_len is 0). */
  default Errno viommuInit(ViommuCore viommu, UserData data) {
    return Errno.EOPNOTSUPP;
  }

  default void viommuDestroy(ViommuCore viommu) {}

  /** alloc_domain_nested of a vIOMMU; null support means EOPNOTSUPP. */
  default KResult<IommuDomain> viommuAllocNested(ViommuCore viommu, long flags, UserData data) {
    return KResult.err(Errno.EOPNOTSUPP, name() + ": the vIOMMU cannot allocate nested domains");
  }

  default boolean viommuHasNestedAlloc() {
    return false;
  }

  /** cache_invalidate of a vIOMMU; the array is copied whole (zero-extended entries). */
  default Errno viommuInvalidate(ViommuCore viommu, UserArray array) {
    return Errno.EOPNOTSUPP;
  }

  default boolean viommuHasInvalidate() {
    return false;
  }

  /** vdevice_init for a new vdevice. */
  default Errno vdeviceInit(ViommuCore viommu, IommuDevice dev, long virtId) {
    return null;
  }

  /** get_hw_queue_size != 0. */
  default boolean supportsHwQueue(ViommuCore viommu, long type) {
    return false;
  }

  /**
   * hw_queue_init_phys: {@code baseIovaPhys} is what the pinned base translates to; the driver
   * records the queue and may depend on another. Returns the queue it depends on via
   * {@code dependsOn[0]} (an opaque handle the core gave for an earlier queue), or an errno.
   */
  default Errno hwQueueInit(ViommuCore viommu, Object queue, long index, Object[] dependsOn) {
    return Errno.EOPNOTSUPP;
  }

  default void hwQueueDestroy(ViommuCore viommu, Object queue) {}

  /** The hardware-information blob of GET_HW_INFO. */
  record HwInfo(long type, byte[] data) {}
}
