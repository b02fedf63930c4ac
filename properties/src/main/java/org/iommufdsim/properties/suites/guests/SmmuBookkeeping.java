package org.iommufdsim.properties.suites.guests;

import java.util.Set;
import java.util.TreeSet;
import org.iommufdsim.backend.arm.SMMUv3Accel;

/**
 * "The port's bookkeeping agrees with the kernel's view" for SMMUv3: QEMU's vIOMMU, abort and
 * bypass HWPTs, vEVENTQ (and its fd handler), each device's vdevice and S1 HWPT are live kernel
 * objects of the right kind and parent; each accelerated device is attached to one of its own
 * HWPTs; and the kernel holds no vIOMMU-side object QEMU has forgotten.
 */
final class SmmuBookkeeping {
  private SmmuBookkeeping() {}

  static String check(SmmuWorld w) {
    KernelModel k = w.kernel;
    SMMUv3Accel a = w.accel;
    Set<Integer> viommus = SmmuAccelMachine.live(w, "VIOMMU");
    if (a.viommu == null) {
      return viommus.isEmpty() ? devicesWithoutViommu(w)
          : "QEMU has no vIOMMU, the kernel holds " + viommus;
    }
    int v = a.viommu.viommuId;
    if (!viommus.equals(Set.of(v))) {
      return "QEMU's vIOMMU is " + v + ", the kernel holds " + viommus;
    }
    Set<Integer> nested = new TreeSet<>(Set.of(a.abortHwptId, a.bypassHwptId));
    Set<Integer> vdevs = new TreeSet<>();
    for (int id : nested) {
      if (!"HWPT_NESTED".equals(k.objects.get(id)) || k.parent.get(id) != v) {
        return "QEMU's abort/bypass hwpt " + id + " is no nested hwpt on vIOMMU " + v;
      }
    }
    // abort: a valid STE with Config 0 (abort); bypass: a valid STE with Config 0b100
    if (!steIs(k, a.abortHwptId, 0x1) || !steIs(k, a.bypassHwptId, 0x9)) {
      return "QEMU's abort hwpt " + a.abortHwptId + " / bypass hwpt " + a.bypassHwptId
          + " were not allocated with the abort / bypass STE";
    }
    Set<Integer> veventqs = SmmuAccelMachine.live(w, "VEVENTQ");
    if (a.veventq == null ? !veventqs.isEmpty()
        : !veventqs.equals(Set.of(a.veventq.veventqId)) || !w.mainLoop.hasHandler(
            a.veventq.veventqFd)) {
      return "QEMU's vEVENTQ " + (a.veventq == null ? "none" : a.veventq.veventqId + " fd "
          + a.veventq.veventqFd) + ", the kernel holds " + veventqs;
    }
    for (int i = 0; i < 2; i++) {
      SMMUv3Accel.SMMUv3AccelDevice d = a.device(SmmuWorld.DEVFNS[i]);
      if (w.devices[i] == null || d == null || d.sAccel == null) {
        continue;
      }
      Set<Integer> mine = new TreeSet<>(Set.of(a.abortHwptId, a.bypassHwptId));
      if (d.s1Hwpt != null) {
        int s1 = d.s1Hwpt.hwptId;
        if (!"HWPT_NESTED".equals(k.objects.get(s1)) || k.parent.get(s1) != v) {
          return SmmuWorld.NAMES[i] + "'s S1 hwpt " + s1 + " is no nested hwpt on the vIOMMU";
        }
        nested.add(s1);
        mine.add(s1);
      }
      if (d.vdev != null) {
        if (!"VDEVICE".equals(k.objects.get(d.vdev.vdeviceId))) {
          return SmmuWorld.NAMES[i] + "'s vdevice " + d.vdev.vdeviceId + " is not live";
        }
        vdevs.add(d.vdev.vdeviceId);
      }
      Integer on = w.attached(i);
      if (on == null && k.undone.contains(KernelModel.key(w.devices[i].fd, 0))) {
        w.violations.finding(Finding.ATTACH_UNDONE_LEAVES_DETACHED, SmmuWorld.NAMES[i]
            + " is detached in the kernel (an attach undone after EFAULT), QEMU believes it is"
            + " on " + (d.s1Hwpt != null ? d.s1Hwpt.hwptId : "its abort/bypass hwpt"));
        continue;
      }
      if (on == null || !mine.contains(on) && on != w.devices[i].hwpt.hwptId) {
        return SmmuWorld.NAMES[i] + " is on " + on + " in the kernel, none of QEMU's " + mine;
      }
    }
    Set<Integer> liveNested = SmmuAccelMachine.live(w, "HWPT_NESTED");
    if (!liveNested.equals(nested)) {
      return "the kernel holds nested hwpts " + liveNested + ", QEMU knows " + nested;
    }
    Set<Integer> liveVdevs = SmmuAccelMachine.live(w, "VDEVICE");
    if (!liveVdevs.equals(vdevs)) {
      return "the kernel holds vdevices " + liveVdevs + ", QEMU knows " + vdevs;
    }
    return w.violations.first(Finding.ATTACH_UNDONE_LEAVES_DETACHED.label());
  }

  private static boolean steIs(KernelModel k, int hwpt, long word0) {
    byte[] d = k.hwptData.get(hwpt);
    return d != null && d.length == 16 && PayloadTap.u64(d, 0) == word0
        && PayloadTap.u64(d, 8) == 0;
  }

  private static String devicesWithoutViommu(SmmuWorld w) {
    for (String kind : new String[] {"HWPT_NESTED", "VDEVICE", "VEVENTQ"}) {
      if (!SmmuAccelMachine.live(w, kind).isEmpty()) {
        return "no vIOMMU in QEMU, but the kernel holds " + kind + " "
            + SmmuAccelMachine.live(w, kind);
      }
    }
    return null;
  }
}
