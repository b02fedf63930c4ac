package org.iommufdsim.properties.suites.guests;

import java.util.Set;
import java.util.TreeSet;
import org.iommufdsim.backend.intel.GuestVtd;
import org.iommufdsim.backend.intel.VTDAccelPASIDCacheEntry;

/**
 * "The port's bookkeeping agrees with the kernel's view" for VT-d: every cached PASID entry is
 * attached where it says (FST: its own first-stage HWPT with its fault queue, PT: the nesting
 * parent); every first-stage HWPT and fault queue the kernel holds belongs to an entry, and
 * every fault fd QEMU watches is an entry's; every group the kernel awaits an answer for is in
 * the entry's outstanding list under its cookie, and that list holds nothing else.
 */
final class Bookkeeping {
  private Bookkeeping() {}

  static String check(VtdWorld w) {
    KernelModel k = w.kernel;
    Set<Integer> hwpts = new TreeSet<>();
    Set<Integer> faults = new TreeSet<>();
    Set<Integer> fds = new TreeSet<>();
    for (VTDAccelPASIDCacheEntry pce : w.vtdHiod.pasidCacheList) {
      Integer attached = k.attach.get(w.attachKey(pce.pasid));
      int pgtt = pce.pasidEntry.pgtt();
      if (pce.fsHwptId != 0) {
        hwpts.add(pce.fsHwptId);
      }
      if (pce.faultFd >= 0) {
        faults.add(pce.faultId);
        fds.add(pce.faultFd);
        KernelModel.FaultQ q = k.faults.get(pce.faultId);
        if (q == null || q.fd != pce.faultFd) {
          return "pasid " + pce.pasid + ": QEMU holds fault " + pce.faultId + " fd "
              + pce.faultFd + ", the kernel has " + (q == null ? "no such fault" : "fd " + q.fd);
        }
      }
      if (pgtt == GuestVtd.VTD_SM_PASID_ENTRY_PT && pce.fsHwptId == 0
          && Integer.valueOf(w.parentHwpt).equals(attached)) {
        continue;
      }
      if (pgtt == GuestVtd.VTD_SM_PASID_ENTRY_FST && pce.fsHwptId != 0
          && Integer.valueOf(pce.fsHwptId).equals(attached)) {
        Integer fault = k.hwptFault.get(pce.fsHwptId);
        Integer want = pce.faultFd >= 0 ? pce.faultId : null;
        if (fault == null ? want != null : !fault.equals(want)) {
          return "pasid " + pce.pasid + ": hwpt " + pce.fsHwptId + " reports to fault " + fault
              + " in the kernel, QEMU's entry holds " + want;
        }
        String prq = prqList(w, pce);
        if (prq != null) {
          return prq;
        }
        continue;
      }
      if (attached == null && k.undone.contains(w.attachKey(pce.pasid))) {
        w.violations.finding(Finding.ATTACH_UNDONE_LEAVES_DETACHED, "pasid " + pce.pasid
            + " is detached in the kernel (an attach undone after EFAULT), QEMU caches it as "
            + pce.pasidEntry + " on hwpt " + pce.fsHwptId);
        continue;
      }
      w.violations.finding(Finding.FAILED_ATTACH_STAYS_CACHED, "pasid " + pce.pasid
          + " is cached as " + pce.pasidEntry + " (fs hwpt " + pce.fsHwptId + ") while the"
          + " kernel has it on " + attached);
    }
    for (var e : k.objects.entrySet()) {
      if ("HWPT_NESTED".equals(e.getValue()) && !hwpts.contains(e.getKey())) {
        if (!k.attach.containsValue(e.getKey()) && !w.forgotten.contains(e.getKey())
            && !w.detachFailed) {
          return "the kernel holds nested hwpt " + e.getKey() + " that no cached entry knows";
        }
        w.forgotten.add(e.getKey());
        Integer f = k.hwptFault.get(e.getKey());
        if (f != null && k.faults.containsKey(f)) {
          w.forgottenFds.add(k.faults.get(f).fd);
          w.forgotten.add(f);
        }
        w.violations.finding(Finding.DELETE_PC_FORGETS_ATTACHED, "QEMU dropped the cache entry"
            + " of hwpt " + e.getKey() + ", which the kernel still has attached");
      }
    }
    for (var e : k.objects.entrySet()) {
      if ("FAULT".equals(e.getValue()) && !faults.contains(e.getKey())
          && !w.forgotten.contains(e.getKey())) {
        return "the kernel holds fault " + e.getKey() + " that no cached entry knows";
      }
    }
    Set<Integer> watched = new TreeSet<>(w.accel.fdHandlers());
    watched.removeAll(w.forgottenFds);
    if (!fds.equals(watched)) {
      return "QEMU watches fds " + w.accel.fdHandlers() + ", the cached entries hold " + fds;
    }
    for (String key : k.attach.keySet()) {
      int pasid = Integer.parseInt(key.substring(key.indexOf('/') + 1));
      if (pasid != 0 && w.vtdHiod.pasidCacheList.stream().noneMatch(p -> p.pasid == pasid)) {
        return "the kernel has pasid " + pasid + " attached to " + k.attach.get(key)
            + " but QEMU caches no entry for it";
      }
    }
    return w.violations.first(Finding.FAILED_ATTACH_STAYS_CACHED.label());
  }

  private static String prqList(VtdWorld w, VTDAccelPASIDCacheEntry pce) {
    if (pce.faultFd < 0) {
      if (!pce.vtdPrqList.isEmpty()) {
        w.violations.finding(Finding.STALE_PRQ_LIST, "pasid " + pce.pasid + " has no fault"
            + " queue but QEMU still lists outstanding page requests " + pce.vtdPrqList);
      }
      return null;
    }
    KernelModel.FaultQ q = w.kernel.faults.get(pce.faultId);
    for (var e : q.awaiting.entrySet()) {
      KernelModel.Group g = e.getValue();
      if (w.failureAnswered.contains(g)) {
        continue;
      }
      if (!pce.vtdPrqList.contains(new VTDAccelPASIDCacheEntry.VTDPRQEntry(g.grpid(),
          e.getKey()))) {
        return "fault " + pce.faultId + " awaits an answer for grpid " + g.grpid() + " cookie "
            + e.getKey() + " that QEMU does not list (" + pce.vtdPrqList + ")";
      }
    }
    for (VTDAccelPASIDCacheEntry.VTDPRQEntry p : pce.vtdPrqList) {
      KernelModel.Group g = q.awaiting.get(p.cookie());
      if (g == null || g.grpid() != p.grpid()) {
        w.violations.finding(Finding.STALE_PRQ_LIST, "pasid " + pce.pasid + " lists {grpid "
            + p.grpid() + ", cookie " + p.cookie() + "} but fault " + pce.faultId
            + " awaits " + (g == null ? "nothing" : "grpid " + g.grpid()) + " under that cookie");
        break;
      }
    }
    return null;
  }
}
