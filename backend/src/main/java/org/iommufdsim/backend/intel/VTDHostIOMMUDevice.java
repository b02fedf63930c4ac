package org.iommufdsim.backend.intel;

import java.util.ArrayList;
import java.util.List;

/**
 * Port of {@code VTDHostIOMMUDevice} ({@code hw/i386/intel_iommu_internal.h}): a host IOMMU
 * device behind the emulated VT-d, its devfn on the root bus and its {@code pasid_cache_list}
 * (QLIST: newest first).
 */
public final class VTDHostIOMMUDevice {
  public final int devfn;
  public final VtdHostIOMMUDeviceIOMMUFDVFIO hiod;
  public final List<VTDAccelPASIDCacheEntry> pasidCacheList = new ArrayList<>();

  public VTDHostIOMMUDevice(int devfn, VtdHostIOMMUDeviceIOMMUFDVFIO hiod) {
    this.devfn = devfn;
    this.hiod = hiod;
  }
}
