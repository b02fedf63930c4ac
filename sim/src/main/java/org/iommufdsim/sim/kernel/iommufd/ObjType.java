package org.iommufdsim.sim.kernel.iommufd;

/** Mirrors include/linux/iommufd.h: enum iommufd_object_type (internal, never exposed). */
public enum ObjType {
  ANY,
  DEVICE,
  HWPT_PAGING,
  HWPT_NESTED,
  IOAS,
  ACCESS,
  FAULT,
  VIOMMU,
  VDEVICE,
  VEVENTQ,
  HW_QUEUE,
  SELFTEST
}
