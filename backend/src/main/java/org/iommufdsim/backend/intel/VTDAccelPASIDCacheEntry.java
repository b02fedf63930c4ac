package org.iommufdsim.backend.intel;

import java.util.ArrayList;
import java.util.List;

/**
 * Port of {@code VTDAccelPASIDCacheEntry} ({@code hw/i386/intel_iommu_accel.h}, PRQ series):
 * one cached guest PASID entry of a host device, its first-stage HWPT ({@code fs_hwpt_id}, 0 =
 * none), its fault queue ({@code fault_id}, {@code fault_fd}, -1 = none) and the outstanding
 * last-page requests ({@code vtd_prq_list}, QLIST: newest first).
 */
public final class VTDAccelPASIDCacheEntry {
  /** Port of {@code VTDPRQEntry}: a remembered {@code {grpid, cookie}}. */
  public record VTDPRQEntry(int grpid, int cookie) {}

  public final VTDHostIOMMUDevice vtdHiod;
  public final int pasid;
  public GuestVtd.PasidEntry pasidEntry;
  public int fsHwptId;
  public int faultId;
  public int faultFd = -1;
  public final List<VTDPRQEntry> vtdPrqList = new ArrayList<>();

  VTDAccelPASIDCacheEntry(VTDHostIOMMUDevice vtdHiod, int pasid, GuestVtd.PasidEntry pe) {
    this.vtdHiod = vtdHiod;
    this.pasid = pasid;
    this.pasidEntry = pe;
  }
}
