package org.iommufdsim.properties.suites.guests;

import java.util.List;
import org.iommufdsim.backend.arm.GuestSmmu;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * "The device is on the HWPT its guest STE asks for", for {@code CFGI_STE_RANGE} (SMMUv3 spec:
 * StreamIDs {@code sid & ~mask} to {@code (sid & ~mask) + mask}, {@code mask = 2^(Range+1) - 1}):
 * every plugged device of the range with a guest STE ends on the HWPT that STE asks for (the
 * GBPA one while the SMMU is off, abort, bypass, or a nested HWPT made in this step with the
 * STE's words), traced as installed; devices outside the range are left alone; the command is
 * CERROR_ILL exactly when some device of the range could not be installed, and each such
 * device is reported with its StreamID.
 */
final class SteRange {
  private SteRange() {}

  static String check(SmmuWorld w, int base, int range, String out) {
    long mask = (1L << (range + 1)) - 1;
    long start = base & ~mask;
    long end = start + mask;
    boolean refused = w.kernel.stepCalls.stream().anyMatch(c -> !c.ok());
    boolean anyInvalid = false;
    boolean any = false;
    for (int i = 0; i < 2; i++) {
      int sid = SmmuWorld.DEVFNS[i];
      boolean in = sid >= start && sid <= end;
      boolean live = w.devices[i] != null && w.accel.viommu != null;
      if (!in || !live || w.steWords[i] == null) {
        int fd = w.devices[i] == null ? -1 : w.devices[i].fd;
        if (fd >= 0 && w.kernel.stepCalls.stream().anyMatch(
            c -> c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT") && c.fd() == fd)) {
          w.violations.add(SmmuAccelMachine.STE, SmmuWorld.NAMES[i] + " (sid 0x"
              + Integer.toHexString(sid) + ") was attached by a range 0x" + Long.toHexString(start)
              + "-0x" + Long.toHexString(end) + (live ? " without a guest STE" : ""));
        }
        continue;
      }
      any = true;
      int kind = w.steKind[i];
      boolean gbpaAbort = (w.guest.gbpa & GuestSmmu.GBPA_ABORT) != 0;
      Integer want;
      String type;
      if ((w.guest.cr0 & GuestSmmu.CR0_SMMUEN) == 0) {
        want = gbpaAbort ? w.accel.abortHwptId : w.accel.bypassHwptId;
        type = gbpaAbort ? "abort" : "bypass";
      } else if (kind == 1) {
        want = w.accel.bypassHwptId;
        type = "bypass";
      } else if (kind == 2 || kind == 3) {
        want = w.accel.abortHwptId;
        type = "abort";
      } else if (kind == 5) {
        anyInvalid = true;
        String report = "Invalid STE config for sid 0x" + Integer.toHexString(sid)
            + "\nDevice 0x" + Integer.toHexString(sid) + ": Failed to install STE";
        if (w.qemu.stderr().lines().subList(w.stderrSeen, w.qemu.stderr().lines().size())
            .stream().noneMatch(l -> l.startsWith(report))) {
          w.violations.add(SmmuReports.LABEL, "no '" + report + "' report");
        }
        continue;
      } else {
        // a nested HWPT made in this step with these words (both devices may share them)
        List<Integer> made = made(w, w.steWords[i]);
        Integer now = w.attached(i);
        want = made.contains(now) ? now : made.isEmpty() ? null : made.getFirst();
        type = "translate";
      }
      if (refused) {
        continue;
      }
      Integer on = w.attached(i);
      if (want == null || !want.equals(on)) {
        w.violations.add(SmmuAccelMachine.STE, SmmuWorld.NAMES[i] + " is on " + on
            + " after a range, its STE asks for " + type + " hwpt " + want);
        continue;
      }
      String line = "smmuv3_accel_install_ste vSID=0x" + Integer.toHexString(sid) + " ste type="
          + type + " hwpt_id=0x" + Integer.toHexString(want);
      if (!w.stepLines.contains(line)) {
        w.violations.add(TraceCheck.LABEL, "no '" + line + "' among " + w.stepLines);
      }
    }
    boolean fails = anyInvalid || any && refused;
    if (fails) {
      w.expectedReports.add("Failed to install all STEs properly");
    }
    if (refused && any) {
      return out; // which install failed is the kernel's business; "ILL" or not, checked above
    }
    if (!out.equals(fails ? "ILL" : "NONE")) {
      w.violations.add(SmmuAccelMachine.STE, "range 0x" + Long.toHexString(start) + "-0x"
          + Long.toHexString(end) + " answered " + out + (fails ? ", a device could not be"
          + " installed" : ", every device was"));
    }
    if (fails && w.qemu.stderr().lines().subList(w.stderrSeen, w.qemu.stderr().lines().size())
        .stream().noneMatch(l -> l.equals("Failed to install all STEs properly"))) {
      w.violations.add(SmmuReports.LABEL, "a failed range was not reported");
    }
    return out;
  }

  /** The nested HWPTs the kernel made in this step on the vIOMMU with these STE words. */
  private static List<Integer> made(SmmuWorld w, long[] ste) {
    List<Integer> out = new java.util.ArrayList<>();
    List<KernelCall> calls = w.kernel.stepCalls;
    for (KernelCall c : calls) {
      if (c.isIoctl("IOMMU_HWPT_ALLOC") && c.ok() && c.in("pt_id") == w.accel.viommu.viommuId
          && c.in("data_type") == IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3) {
        byte[] d = w.kernel.callData.get(c);
        if (d != null && d.length == 16 && PayloadTap.u64(d, 0) == (ste[0] & Ste.WORD0)
            && PayloadTap.u64(d, 8) == (ste[1] & Ste.WORD1)) {
          out.add((int) c.out("out_hwpt_id"));
        }
      }
    }
    return out;
  }
}
