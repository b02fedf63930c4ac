package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/** Binding devices and attaching them to HW page tables (device.c), in the kernel's order. */
public enum DeviceCheck implements Check {
  BIND_DMA_OWNER("iommufd_device_bind", "iommu_device_claim_dma_owner", EPERM,
      "another owner (a VFIO container, another iommufd) already holds the device's group"),
  ATTACH_PT_LOOKUP("iommufd_device_change_pt", "pt_id", ENOENT, "pt_id names no object"),
  ATTACH_PT_TYPE("iommufd_device_change_pt", "type of pt_id", EINVAL,
      "a device attaches to a HWPT or to an IOAS (through an auto domain)"),
  ATTACH_ALREADY("iommufd_hw_pagetable_attach", "device already in the attach at pasid",
      EBUSY, "the device is attached here already: changing it is a replace"),
  ATTACH_GROUP_HWPT("iommufd_hw_pagetable_attach", "the group's HWPT at pasid", EINVAL,
      "devices of one IOMMU group share one HWPT per PASID"),
  ATTACH_COMPATIBLE_DEVICE("iommufd_hwpt_compatible_device", "fault-capable HWPT vs PCI VF with"
      + " PRI", EINVAL, "a VF shares PRI with its PF, so it cannot take a fault-capable HWPT"),
  ATTACH_PASID_COMPAT_RID("iommufd_hwpt_pasid_compat", "RID HWPT while PASIDs are attached",
      EINVAL, "with PASIDs attached, the RID needs a HWPT allocated with IOMMU_HWPT_ALLOC_PASID"),
  ATTACH_PASID_COMPAT("iommufd_hwpt_pasid_compat", "hwpt->pasid_compat", EINVAL,
      "a PASID attach needs a HWPT allocated with IOMMU_HWPT_ALLOC_PASID"),
  ATTACH_PASID_COMPAT_RID_HWPT("iommufd_hwpt_pasid_compat", "the RID's HWPT", EINVAL,
      "a PASID attach needs the RID's HWPT to be PASID-compatible as well"),
  ATTACH_SAME_OWNER("__iommu_attach_device", "domain->owner", EINVAL,
      "the domain was made by another IOMMU driver than the device's"),
  ATTACH_PASID_RANGE("iommu_attach_device_pasid", "pasid vs dev->iommu->max_pasids", EINVAL,
      "the device does not support this PASID"),
  DRIVER_ATTACH_DEV("ops->attach_dev", "domain", null,
      "the IOMMU driver refused to attach the device's RID to the domain"),
  DRIVER_SET_DEV_PASID("ops->set_dev_pasid", "domain, pasid", null,
      "the IOMMU driver refused to attach the PASID to the domain"),
  REPLACE_NOTHING("iommufd_device_do_replace", "attach at pasid", EINVAL,
      "nothing is attached at this PASID to replace"),
  REPLACE_NOT_MEMBER("iommufd_device_do_replace", "device in the attach", EINVAL,
      "this device is not the one attached at this PASID");

  private final Check.Spec spec;

  DeviceCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
