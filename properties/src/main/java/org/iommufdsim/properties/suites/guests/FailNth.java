package org.iommufdsim.properties.suites.guests;

import org.iommufdsim.backend.arm.GuestSmmu;
import org.iommufdsim.backend.arm.SMMUv3Accel;

/**
 * Fail-nth inside one SMMUv3 flow (plug, or unplug when the device is plugged; an S1 STE
 * install; the CR0 write that allocates the vEVENTQ): when the injected failure makes the flow
 * fail, the kernel's object table is as it was before the flow (the vdevice, which QEMU keeps
 * on purpose once made, aside).
 */
final class FailNth {
  private FailNth() {}

  static String run(SmmuWorld w, int n, int flow, int i, long ctx) {
    String before = VtdPrqMachine.objectsAndFds(w.host.stateDump());
    boolean failed;
    switch (flow) {
      case 0 -> {
        if (w.devices[i] != null) {
          w.tap.failNth(n);
          w.unplug(i);
          return disarm(w) ? "unplug fired" : "unplug not fired";
        }
        w.tap.failNth(n);
        failed = !w.plug(i);
      }
      case 1 -> {
        SMMUv3Accel.SMMUv3AccelDevice d = w.accel.device(SmmuWorld.DEVFNS[i]);
        if (w.devices[i] == null || d == null || d.vdev == null) {
          return "n/a";
        }
        long[] ste = SmmuAccelMachine.ste(0, ctx);
        w.guest.writeSte(SmmuWorld.DEVFNS[i], ste[0], ste[1]);
        w.steKind[i] = 0;
        w.steWords[i] = ste;
        Integer on = w.attached(i);
        w.tap.failNth(n);
        failed = w.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | ((long) SmmuWorld.DEVFNS[i] << 32),
            0) != GuestSmmu.CmdError.NONE;
        if (!disarm(w)) {
          return "not fired";
        }
        w.observe();
        Integer now = w.attached(i);
        if (failed && now == null
            && w.kernel.undone.contains(KernelModel.key(w.devices[i].fd, 0))) {
          w.violations.finding(Finding.ATTACH_UNDONE_LEAVES_DETACHED, "the failed STE install"
              + " left " + SmmuWorld.NAMES[i] + " detached (was on " + on + ")");
        } else if (failed && (now == null ? on != null : !now.equals(on))) {
          w.violations.add(SmmuAccelMachine.LEAK, "a failed STE install moved the device from "
              + on + " to " + now);
        }
        return leak(w, failed, before, "S1 STE install");
      }
      default -> {
        if (w.accel.viommu == null || w.accel.veventq != null) {
          return "n/a";
        }
        w.tap.failNth(n);
        w.guest.writeCr0(SmmuAccelMachine.ALL_ON);
        failed = w.accel.veventq == null;
      }
    }
    if (!disarm(w)) {
      return "not fired";
    }
    w.observe();
    return leak(w, failed, before, flow == 0 ? "plug" : "CR0 write");
  }

  private static boolean disarm(SmmuWorld w) {
    long remaining = w.tap.failNthRemaining();
    w.tap.failNth(0);
    return remaining == 0;
  }

  private static String leak(SmmuWorld w, boolean failed, String before, String what) {
    if (!failed) {
      return "fired, recovered";
    }
    String after = VtdPrqMachine.objectsAndFds(w.host.stateDump());
    if (!withoutVdevices(after).equals(withoutVdevices(before))) {
      w.violations.add(SmmuAccelMachine.LEAK, "a failed " + what + " left the object table"
          + " changed: before\n" + before + "after\n" + after);
    }
    return "fired, failed";
  }

  private static String withoutVdevices(String table) {
    return table.replaceAll("id \\d+ VDEVICE\\n", "");
  }
}
