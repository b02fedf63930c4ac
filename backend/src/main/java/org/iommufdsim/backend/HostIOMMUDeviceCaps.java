package org.iommufdsim.backend;

import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * Port of {@code HostIOMMUDeviceCaps} ({@code include/system/host_iommu_device.h}): what
 * {@code IOMMU_GET_HW_INFO} said about the host IOMMU behind a device. The vendor union
 * ({@code struct iommu_hw_info_vtd} / {@code _arm_smmuv3}) is filled by the kernel, so it
 * lives in the process's user memory at {@link #vendorCaps}.
 */
public final class HostIOMMUDeviceCaps {
  /** {@code sizeof(caps->vendor_caps)}: the larger of the two vendor structs. */
  public static final int VENDOR_CAPS_SIZE = Math.max(IommufdUapi.iommu_hw_info_vtd.size(),
      IommufdUapi.iommu_hw_info_arm_smmuv3.size());

  /** {@code type}: an {@code enum iommu_hw_info_type}. */
  public int type;
  /** {@code hw_caps}: {@code IOMMU_HW_CAP_*} bits. */
  public long hwCaps;
  /** {@code max_pasid_log2} (a {@code uint8_t}); 0 when the device has no PASID. */
  public int maxPasidLog2;
  /** User address of {@code vendor_caps}, {@link #VENDOR_CAPS_SIZE} bytes; 0 if none. */
  public long vendorCaps;

  /** {@code caps->vendor_caps.vtd}. */
  public UStruct vtd(UserMemory memory) {
    return UStruct.at(memory, IommufdUapi.iommu_hw_info_vtd, vendorCaps);
  }

  /** {@code caps->vendor_caps.smmuv3}. */
  public UStruct smmuv3(UserMemory memory) {
    return UStruct.at(memory, IommufdUapi.iommu_hw_info_arm_smmuv3, vendorCaps);
  }
}
