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
        boolean noViommu = w.accel.viommu == null;
        w.tap.failNth(n);
        failed = !w.plug(i);
        long left = w.tap.failNthRemaining();
        if (left > 0 && !failed && noViommu) {
          // not reached: the whole plug (with the vIOMMU chain) took n - left failure points
          w.plugPoints = (int) (n - left);
        }
        if (disarm(w)) {
          w.observe();
          boolean hwInfo = w.kernel.stepCalls.stream()
              .anyMatch(c -> c.isIoctl("IOMMU_GET_HW_INFO") && !c.ok());
          if (hwInfo && !failed) {
            w.violations.add(SmmuPlugs.LABEL, "the host refused IOMMU_GET_HW_INFO, yet "
                + SmmuWorld.NAMES[i] + " was plugged");
          }
          return leak(w, failed, before, "plug");
        }
        return "not fired";
      }
      case 1 -> {
        SMMUv3Accel.SMMUv3AccelDevice d = w.accel.device(SmmuWorld.DEVFNS[i]);
        if (w.devices[i] == null || d == null || w.accel.viommu == null) {
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
        boolean refused = w.kernel.stepCalls.stream().anyMatch(c -> !c.ok()
            && (c.isIoctl("IOMMU_HWPT_ALLOC") || c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT")
            || c.isIoctl("IOMMU_VDEVICE_ALLOC")));
        if (refused && !failed) {
          w.violations.add(SmmuAccelMachine.STE, "the host refused the S1 install, the guest"
              + " saw no CERROR_ILL");
        }
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
      case 3 -> {
        if (w.accel.viommu == null) {
          return "n/a";
        }
        boolean abort = i == 1;
        w.tap.failNth(n);
        w.guest.writeGbpa(GuestSmmu.GBPA_RESET_VAL | (abort ? GuestSmmu.GBPA_ABORT : 0));
        if (!disarm(w)) {
          return "not fired";
        }
        w.observe();
        gbpaReports(w, abort ? w.accel.abortHwptId : w.accel.bypassHwptId);
        return "fired";
      }
      default -> {
        if (w.accel.viommu == null || w.accel.veventq != null) {
          return "n/a";
        }
        w.tap.failNth(n);
        w.guest.writeCr0(SmmuAccelMachine.ALL_ON);
        failed = w.accel.veventq == null;
        if (disarm(w)) {
          w.observe();
          for (KernelCall c : w.kernel.stepCalls) {
            String want = "IOMMU_VEVENTQ_ALLOC failed";
            if (c.isIoctl("IOMMU_VEVENTQ_ALLOC") && !c.ok() && w.qemu.stderr().lines()
                .subList(w.stderrSeen, w.qemu.stderr().lines().size()).stream()
                .noneMatch(l -> l.startsWith(want))) {
              w.violations.add(SmmuReports.LABEL, "the host refused the vEVENTQ, QEMU did not"
                  + " report '" + want + "'");
            }
          }
          return leak(w, failed, before, "CR0 write");
        }
        return "not fired";
      }
    }
  }

  /**
   * After a GBPA write: each attach the kernel refused is reported with QEMU's hint naming the
   * GBPA HWPT (and the device ID, when the properties know it), then the summary line.
   */
  private static void gbpaReports(SmmuWorld w, int hwpt) {
    java.util.List<String> reports = w.qemu.stderr().lines().subList(w.stderrSeen,
        w.qemu.stderr().lines().size());
    boolean any = false;
    for (int k = 0; k < 2; k++) {
      if (w.devices[k] == null) {
        continue;
      }
      int fd = w.devices[k].fd;
      if (w.kernel.stepCalls.stream().noneMatch(c -> !c.ok()
          && c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT") && c.fd() == fd)) {
        continue;
      }
      any = true;
      String hint = "Failed to attach GBPA hwpt " + hwpt + " for hiodi devid "
          + (w.kernelDevids[k] >= 0 ? Long.toString(w.kernelDevids[k]) : "");
      if (reports.stream().noneMatch(r -> r.lines().anyMatch(l -> l.startsWith(hint)))) {
        w.violations.add(SmmuReports.LABEL, "no report with '" + hint + "' among " + reports);
      }
    }
    String summary = "Failed to attach all GBPA based HWPTs properly";
    if (any) {
      w.expectedReports.add(summary);
    }
    if (any != reports.contains(summary)) {
      w.violations.add(SmmuReports.LABEL, (any ? "no '" : "an unwarranted '") + summary + "'");
    }
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
