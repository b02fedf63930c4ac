package org.iommufdsim.sim.kernel.iommu;

import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.uapi.Errno;

/**
 * What a driver's vIOMMU code can ask of iommufd's vIOMMU object (the helpers of driver.c):
 * its type and parent domain, its vdevices by virtual ID, mmap regions, and event reporting.
 */
public interface ViommuCore {
  long viommuType();

  IommuDomain parentDomain();

  /** iommufd_viommu_find_dev: the device with this virtual ID, or null. */
  IommuDevice findDev(long virtId);

  /** iommufd_viommu_get_vdev_id: the virtual ID of a device, or -1 if it has no vdevice. */
  long vdevId(IommuDevice dev);

  /** iommufd_viommu_alloc_mmap: registers a region of the iommufd fd; returns its offset. */
  long allocMmap(MemObject region, long length);

  /** iommufd_viommu_report_event: EOPNOTSUPP when no vEVENTQ of that type exists. */
  Errno reportEvent(long type, byte[] payload);

  /** Driver-private state hung on the vIOMMU. */
  Object priv();

  void setPriv(Object priv);
}
