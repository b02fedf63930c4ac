package org.iommufdsim.properties.suites.guests;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_INV_FLAGS_LEAF;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_EAFE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_SRE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_WPE;

import org.iommufdsim.backend.intel.GuestVtd;

/**
 * "First-stage HWPTs carry the guest's PASID entry" (VT-d): a PASID is attached to the nesting
 * parent only for a pass-through entry (or, for PASID 0 with DMA remapping off or a legacy root
 * table, when QEMU re-attaches the default HWPT); every first-stage HWPT a PASID is
 * attached to was allocated on the nesting parent, PASID-capable, with the table pointer,
 * address width and SRE/WPE/EAFE bits of the guest's entry for that PASID; every PIOTLB
 * invalidation carries the guest descriptor's address, page count and leaf hint.
 */
final class VtdData {
  static final String LABEL = "first-stage HWPTs carry the guest's PASID entry";

  private VtdData() {}

  static void check(VtdWorld w) {
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_HWPT_ALLOC") && (c.in("pt_id") != w.parentHwpt
          || ((c.in("flags") & 8) != 0) != (w.guest.pasidBits != 0) || c.in("data_type") != 1)) {
        w.violations.add(LABEL, "a first-stage HWPT not on the parent (or ALLOC_PASID not iff the vIOMMU has PASID bits) "
            + w.parentHwpt + ": " + c.line());
      }
      if (!c.ok() || !c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT")) {
        continue;
      }
      int pasid = (c.in("flags") & 1) != 0 ? (int) c.in("pasid") : 0;
      int hwpt = (int) c.in("pt_id");
      GuestVtd.PasidEntry e = w.guest.pasidTable().get(pasid);
      if (hwpt == w.parentHwpt) {
        boolean reattach = pasid == 0 && (!w.guest.dmarEnabled || !w.guest.rootScalable);
        if (!reattach && (e == null || e.pgtt() != GuestVtd.VTD_SM_PASID_ENTRY_PT)) {
          w.violations.add(LABEL, "pasid " + pasid + " attached to the parent, the guest's"
              + " entry is " + e);
        }
        continue;
      }
      byte[] d = w.kernel.hwptData.get(hwpt);
      long flags = d == null ? -1 : PayloadTap.u64(d, 0);
      long table = d == null ? -1 : PayloadTap.u64(d, 8);
      long width = d == null ? -1 : PayloadTap.u64(d, 16) & 0xffffffffL;
      long want = e == null ? -2 : (e.sre() ? IOMMU_VTD_S1_SRE : 0)
          | (e.wpe() ? IOMMU_VTD_S1_WPE : 0) | (e.eafe() ? IOMMU_VTD_S1_EAFE : 0);
      if (e == null || e.pgtt() != GuestVtd.VTD_SM_PASID_ENTRY_FST || flags != want
          || table != e.fsptptr() || width != e.addrWidth()) {
        w.violations.add(LABEL, "pasid " + pasid + " attached to hwpt " + hwpt + " (flags 0x"
            + Long.toHexString(flags) + " table 0x" + Long.toHexString(table) + " width "
            + width + "), the guest's entry is " + e);
      }
    }
  }

  static void piotlb(VtdWorld w, long addr, long npages, boolean ih) {
    for (KernelCall c : w.kernel.stepCalls) {
      if (!c.isIoctl("IOMMU_HWPT_INVALIDATE")) {
        continue;
      }
      byte[] d = w.kernel.callData.get(c);
      if (d == null || d.length != 24 || PayloadTap.u64(d, 0) != addr
          || PayloadTap.u64(d, 8) != npages
          || (PayloadTap.u64(d, 16) & 0xffffffffL) != (ih ? IOMMU_VTD_INV_FLAGS_LEAF : 0)) {
        w.violations.add(LABEL, "PIOTLB addr 0x" + Long.toHexString(addr) + " npages " + npages
            + " ih " + ih + " forwarded as " + (d == null ? "nothing"
            : "addr 0x" + Long.toHexString(PayloadTap.u64(d, 0)) + " npages "
            + PayloadTap.u64(d, 8) + " flags " + (PayloadTap.u64(d, 16) & 0xffffffffL)));
      }
    }
  }
}
