package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * vIOMMUs, vdevices, vEVENTQs and HW queues (viommu.c, eventq.c), and pinning by in-kernel
 * accesses.
 */
public enum ViommuCheck implements Check {
  VIOMMU_ALLOC_FLAGS("iommufd_viommu_alloc_ioctl", "flags, type", EOPNOTSUPP,
      "no vIOMMU flag is defined and a vIOMMU needs a type other than DEFAULT"),
  VIOMMU_ALLOC_DEV_LOOKUP("iommufd_viommu_alloc_ioctl", "dev_id", ENOENT,
      "dev_id does not name a bound device"),
  VIOMMU_ALLOC_TYPE("iommufd_viommu_alloc_ioctl", "ops->get_viommu_size(type)", EOPNOTSUPP,
      "the device's IOMMU driver makes no vIOMMU of this type"),
  VIOMMU_ALLOC_HWPT_LOOKUP("iommufd_viommu_alloc_ioctl", "hwpt_id", ENOENT,
      "hwpt_id does not name a paging HWPT"),
  VIOMMU_ALLOC_NEST_PARENT("iommufd_viommu_alloc_ioctl", "hwpt_paging->nest_parent", EINVAL,
      "a vIOMMU sits on a stage 2 allocated with NEST_PARENT"),
  DRIVER_VIOMMU_INIT("ops->viommu_init", "user data", null,
      "the IOMMU driver refused to set up the vIOMMU"),
  VIOMMU_NESTED_INSTANCE("iommufd_viommu_alloc_hwpt_nested", "viommu->iommu_dev", EINVAL,
      "the device sits behind another physical IOMMU than the vIOMMU"),
  VIOMMU_NESTED_FLAGS("iommufd_viommu_alloc_hwpt_nested",
      "flags & ~(FAULT_ID_VALID|PASID), data_len, viommu->ops->alloc_domain_nested",
      EOPNOTSUPP, "a stage 1 on a vIOMMU takes only FAULT_ID_VALID and PASID and needs driver"
          + " data"),
  DRIVER_VIOMMU_ALLOC_DOMAIN_NESTED("viommu->ops->alloc_domain_nested", "user data", null,
      "the IOMMU driver refused the stage-1 description"),
  DRIVER_VIOMMU_INVALIDATE("viommu->ops->cache_invalidate", "entries", null,
      "the IOMMU driver refused an invalidation entry (entry_num says how many it took)"),
  VDEVICE_VIOMMU_LOOKUP("iommufd_vdevice_alloc_ioctl", "viommu_id", ENOENT,
      "viommu_id does not name a vIOMMU"),
  VDEVICE_DEV_LOOKUP("iommufd_vdevice_alloc_ioctl", "dev_id", ENOENT,
      "dev_id does not name a bound device"),
  VDEVICE_INSTANCE("iommufd_vdevice_alloc_ioctl", "viommu->iommu_dev", EINVAL,
      "the device sits behind another physical IOMMU than the vIOMMU"),
  VDEVICE_ONCE("iommufd_vdevice_alloc_ioctl", "idev->vdev", EEXIST,
      "a device has at most one vdevice"),
  VDEVICE_VIRT_ID("iommufd_vdevice_alloc_ioctl", "virt_id in viommu->vdevs", EEXIST,
      "the virtual ID is taken in this vIOMMU"),
  DRIVER_VDEVICE_INIT("viommu->ops->vdevice_init", "virt_id", null,
      "the IOMMU driver refused the virtual device"),
  VEVENTQ_ALLOC_FLAGS("iommufd_veventq_alloc", "flags, __reserved, type", EOPNOTSUPP,
      "no vEVENTQ flag is defined, reserved fields must be 0, and DEFAULT is no type"),
  VEVENTQ_ALLOC_DEPTH("iommufd_veventq_alloc", "veventq_depth", EINVAL,
      "a queue needs room for at least one event"),
  VEVENTQ_ALLOC_VIOMMU_LOOKUP("iommufd_veventq_alloc", "viommu_id", ENOENT,
      "viommu_id does not name a vIOMMU"),
  VEVENTQ_ALLOC_TYPE_ONCE("iommufd_veventq_alloc", "type among the vIOMMU's vEVENTQs", EEXIST,
      "a vIOMMU has at most one vEVENTQ per type"),
  HW_QUEUE_FLAGS("iommufd_hw_queue_alloc_ioctl", "flags, type", EOPNOTSUPP,
      "no HW queue flag is defined and DEFAULT is no type"),
  HW_QUEUE_LENGTH("iommufd_hw_queue_alloc_ioctl", "length", EINVAL,
      "a queue needs a non-zero length"),
  HW_QUEUE_OVERFLOW("iommufd_hw_queue_alloc_ioctl", "nesting_parent_iova + length - 1",
      EOVERFLOW, "the queue's range wraps around"),
  HW_QUEUE_VIOMMU_LOOKUP("iommufd_hw_queue_alloc_ioctl", "viommu_id", ENOENT,
      "viommu_id does not name a vIOMMU"),
  HW_QUEUE_TYPE("iommufd_hw_queue_alloc_ioctl", "viommu->ops->get_hw_queue_size(type)",
      EOPNOTSUPP, "the vIOMMU's driver has no HW queue of this type"),
  ACCESS_PIN_LENGTH("iopt_access_pages", "length", EINVAL, "nothing to pin"),
  ACCESS_PIN_OVERFLOW("iopt_access_pages", "iova + length - 1", EOVERFLOW,
      "the IOVA range wraps around"),
  ACCESS_PIN_AREA("iopt_area_access_pages", "area alignment, prevent_access", EINVAL,
      "the pinned piece must be page aligned in its area and the area not being unmapped"),
  ACCESS_PIN_PERM("iopt_area_access_pages", "area->iommu_prot", EPERM,
      "the area does not grant the access asked for"),
  ACCESS_PIN_COVERED("iopt_access_pages", "contiguous areas", ENOENT,
      "the range must be mapped without holes"),
  DRIVER_HW_QUEUE_INIT("viommu->ops->hw_queue_init_phys", "index", null,
      "the IOMMU driver refused the HW queue (index out of range, taken, or out of order)");

  private final Check.Spec spec;

  ViommuCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
