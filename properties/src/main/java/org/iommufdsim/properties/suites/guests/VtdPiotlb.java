package org.iommufdsim.properties.suites.guests;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommufdsim.backend.intel.GuestVtd;

/**
 * Which PIOTLB invalidations must reach the kernel (VT-d): a guest invalidation for DID d and
 * PASID p is forwarded when the kernel has p attached to a first-stage HWPT that QEMU made from
 * a guest FST entry with DID d. The DID comes from the guest's PASID table at the step whose
 * attach the kernel accepted; a PASID whose last attach or detach the kernel refused, or that
 * was not attached anew in a step with a refused call or an error report, is left out (what
 * QEMU caches then is a known finding's business).
 */
final class VtdPiotlb {
  /** PASID -> DID of the guest's FST entry behind the kernel's current first-stage attach. */
  private final Map<Integer, Integer> fsDid = new TreeMap<>();
  private final Set<Integer> uncertain = new TreeSet<>();

  /** After a step: the attaches and detaches the kernel answered in it. */
  void track(VtdWorld w) {
    // a step with a refused call or an error report may have left QEMU caching an entry it
    // could not attach (it stores the guest's entry first): only a new attach is certain then
    boolean troubled = w.kernel.stepCalls.stream().anyMatch(c -> !c.ok())
        || w.qemu.stderr().lines().size() > w.stderrSeen;
    if (troubled) {
      uncertain.addAll(fsDid.keySet());
      for (int p = 0; p < VtdPrqMachine.PASIDS + 1; p++) {
        uncertain.add(p);
      }
    }
    for (KernelCall c : w.kernel.stepCalls) {
      boolean attach = c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
      if (!attach && !c.isIoctl("VFIO_DEVICE_DETACH_IOMMUFD_PT")) {
        continue;
      }
      int pasid = (c.in("flags") & 1) != 0 ? (int) c.in("pasid") : 0;
      if (!c.ok()) {
        uncertain.add(pasid);
        continue;
      }
      uncertain.remove(pasid);
      GuestVtd.PasidEntry e = w.guest.pasidTable().get(pasid);
      if (attach && c.in("pt_id") != w.parentHwpt && e != null
          && e.pgtt() == GuestVtd.VTD_SM_PASID_ENTRY_FST) {
        fsDid.put(pasid, e.did());
      } else {
        fsDid.remove(pasid);
      }
    }
  }

  /**
   * After a PASID-cache sync (QEMU's {@code vtd_accel_pasid_cache_sync}: the invalidation
   * selects by DID, and by PASID for a PASID-selective one; the replay covers the PASIDs below
   * {@code 1 << pasid bits} of the guest's context, or the one PASID), every selected PASID
   * whose guest entry is first-stage must be attached in the kernel to a first-stage HWPT and
   * every pass-through one to the nesting parent. PASIDs with trouble behind them are left out.
   * Null, or what is wrong.
   */
  String syncRealized(VtdWorld w, org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType t,
      int did, int pasid) {
    var psi = org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType.PASID_SI;
    var global = org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType.GLOBAL;
    for (var en : w.guest.pasidTable().entrySet()) {
      int p = en.getKey();
      GuestVtd.PasidEntry e = en.getValue();
      boolean selected = t == psi ? p == pasid : (long) p < (1L << w.guest.pasidBits);
      if (!selected || t != global && e.did() != did || uncertain.contains(p)) {
        continue;
      }
      Integer hwpt = w.kernel.attach.get(w.attachKey(p));
      if (e.pgtt() == GuestVtd.VTD_SM_PASID_ENTRY_FST
          && (hwpt == null || hwpt == w.parentHwpt)) {
        return "after a " + t + " sync (did " + did + ", pasid " + pasid + ") the guest's FST"
            + " entry of pasid " + p + " is not on a first-stage hwpt in the kernel: " + hwpt;
      }
      if (e.pgtt() == GuestVtd.VTD_SM_PASID_ENTRY_PT
          && (hwpt == null || hwpt != w.parentHwpt)) {
        return "after a " + t + " sync (did " + did + ", pasid " + pasid + ") the guest's"
            + " pass-through entry of pasid " + p + " is not on the nesting parent "
            + w.parentHwpt + " in the kernel: " + hwpt;
      }
    }
    return null;
  }

  /** The first-stage HWPT an invalidation of (did, pasid) must go to, or null for none. */
  Integer expected(VtdWorld w, int did, int pasid) {
    Integer hwpt = w.kernel.attach.get(w.attachKey(pasid));
    if (hwpt == null || hwpt == w.parentHwpt || uncertain.contains(pasid)
        || w.kernel.undone.contains(w.attachKey(pasid)) || w.forgotten.contains(hwpt)) {
      return null;
    }
    Integer d = fsDid.get(pasid);
    return d != null && d == did ? hwpt : null;
  }
}
