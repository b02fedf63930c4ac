package org.iommufdsim.properties.suites.guests;

import org.iommufdsim.backend.arm.GuestSmmu;
import org.iommufdsim.backend.arm.SMMUv3Accel;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * "The device is on the HWPT its guest STE asks for": after a guest STE write and CFGI_STE, an
 * accelerated device is attached (kernel view) to the GBPA HWPT while the SMMU is off, else to
 * the abort HWPT for an invalid or aborting STE, the bypass HWPT for bypass, a new nested HWPT
 * on the vIOMMU for S1-translate; a Config QEMU cannot install is CERROR_ILL with nothing
 * attached; the install trace line names the type and the HWPT the kernel has.
 */
final class Ste {
  private Ste() {}

  /** STE word 0 fields the host may see (SMMUv3 spec): V, Config, S1Fmt, S1ContextPtr, S1CDMax. */
  static final long WORD0 = 0x1L | 0xeL | 0x30L | (((1L << 46) - 1) << 6) | (0x1fL << 59);
  /** STE word 1: S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS. */
  static final long WORD1 = 0xffL | (1L << 27) | (3L << 28);
  private static final java.util.regex.Pattern TRANSLATE = java.util.regex.Pattern.compile(
      "^smmuv3_accel_translate_ste vSID=0x([0-9a-f]+) hwpt_id=0x([0-9a-f]+)"
      + " ste=([0-9a-f]+):([0-9a-f]+)$");

  private static void translateLine(SmmuWorld w, int i, int hwpt, long[] ste) {
    for (String l : w.stepLines) {
      java.util.regex.Matcher m = TRANSLATE.matcher(l);
      if (m.matches()) {
        if (Integer.parseInt(m.group(1), 16) != SmmuWorld.DEVFNS[i]
            || Integer.parseInt(m.group(2), 16) != hwpt
            || Long.parseUnsignedLong(m.group(3), 16) != (ste[1] & WORD1)
            || Long.parseUnsignedLong(m.group(4), 16) != (ste[0] & WORD0)) {
          w.violations.add(TraceCheck.LABEL, "'" + l + "' for vSID 0x"
              + Integer.toHexString(SmmuWorld.DEVFNS[i]) + " hwpt " + hwpt + " STE "
              + Long.toHexString(ste[1] & WORD1) + ":" + Long.toHexString(ste[0] & WORD0));
        }
        return;
      }
    }
    w.violations.add(TraceCheck.LABEL, "no smmuv3_accel_translate_ste line for hwpt " + hwpt);
  }

  static String check(SmmuWorld w, int i, int kind, long[] ste, String out) {
    SMMUv3Accel.SMMUv3AccelDevice d = w.accel.device(SmmuWorld.DEVFNS[i]);
    boolean accelerated = w.devices[i] != null && w.accel.viommu != null && d != null
        && d.sAccel != null;
    KernelCall alloc = null;
    boolean attachedNow = false;
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_HWPT_ALLOC")) {
        alloc = c;
      } else if (c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT") && c.ok()) {
        attachedNow = true;
      }
    }
    if (!accelerated) {
      if (!"NONE".equals(out) || !w.kernel.stepCalls.isEmpty()) {
        w.violations.add(SmmuAccelMachine.STE, "a device that is not accelerated: " + out + ", "
            + w.kernel.stepCalls.size() + " calls");
      }
      return "not accelerated";
    }
    if (d.vdev == null || !"VDEVICE".equals(w.kernel.objects.get(d.vdev.vdeviceId))
        || d.vdev.virtId != SmmuWorld.DEVFNS[i]) {
      if (w.kernel.stepCalls.stream().noneMatch(c -> c.isIoctl("IOMMU_VDEVICE_ALLOC")
          && !c.ok())) {
        w.violations.add(SmmuAccelMachine.STE, "no live vdevice with virt_id the StreamID");
      }
      return out;
    }
    int abort = w.accel.abortHwptId;
    int bypass = w.accel.bypassHwptId;
    boolean gbpaAbort = (w.guest.gbpa & GuestSmmu.GBPA_ABORT) != 0;
    String wantType;
    Integer want;
    if ((w.guest.cr0 & GuestSmmu.CR0_SMMUEN) == 0) {
      want = gbpaAbort ? abort : bypass;
      wantType = gbpaAbort ? "abort" : "bypass";
    } else {
      switch (kind) {
        case 0, 4 -> {
          boolean made = alloc != null && alloc.ok();
          if (alloc == null || alloc.in("pt_id") != w.accel.viommu.viommuId
              || alloc.in("data_type") != IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3) {
            w.violations.add(SmmuAccelMachine.STE, "an S1 STE allocated " + (alloc == null
                ? "nothing" : alloc.line()));
            return out;
          }
          want = made ? (int) alloc.out("out_hwpt_id") : null;
          wantType = "translate";
          byte[] data = w.kernel.callData.get(alloc);
          if (data == null || data.length != 16 || PayloadTap.u64(data, 0) != (ste[0] & WORD0)
              || PayloadTap.u64(data, 8) != (ste[1] & WORD1)) {
            w.violations.add(SmmuAccelMachine.STE, "the S1 HWPT was allocated with STE "
                + (data == null ? "nothing" : Long.toHexString(PayloadTap.u64(data, 8)) + ":"
                + Long.toHexString(PayloadTap.u64(data, 0))) + ", the guest wrote "
                + Long.toHexString(ste[1]) + ":" + Long.toHexString(ste[0]));
          }
          if (made) {
            translateLine(w, i, want, ste);
          }
        }
        case 1 -> {
          want = bypass;
          wantType = "bypass";
        }
        case 2, 3 -> {
          want = abort;
          wantType = "abort";
        }
        default -> {
          want = null;
          wantType = null;
        }
      }
    }
    if (want == null) {
      if (!"ILL".equals(out) || attachedNow) {
        w.violations.add(SmmuAccelMachine.STE, "an STE QEMU cannot install gave " + out
            + (attachedNow ? " and attached the device" : ""));
      }
      String report = "Invalid STE config for sid 0x" + Integer.toHexString(SmmuWorld.DEVFNS[i]);
      if (kind == 5 && w.qemu.stderr().lines().subList(w.stderrSeen,
          w.qemu.stderr().lines().size()).stream().noneMatch(report::equals)) {
        w.violations.add(SmmuReports.LABEL, "the guest saw ILL, QEMU did not report '" + report
            + "'");
      }
      return out;
    }
    Integer on = w.attached(i);
    boolean attachFailed = w.kernel.stepCalls.stream().anyMatch(
        c -> c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT") && !c.ok());
    if (attachFailed) {
      if (!"ILL".equals(out)) {
        w.violations.add(SmmuAccelMachine.STE, "the kernel refused the attach, the guest saw "
            + out);
      }
      return out;
    }
    if (!"NONE".equals(out) || on == null || !on.equals(want)) {
      w.violations.add(SmmuAccelMachine.STE, SmmuWorld.NAMES[i] + " is on " + on + " (guest saw "
          + out + "), its STE asks for " + wantType + " hwpt " + want);
      return out;
    }
    String[] line = SmmuAccelMachine.installLine(w, w.stepLines);
    if (line == null || Integer.parseInt(line[0], 16) != SmmuWorld.DEVFNS[i]
        || !line[1].equals(wantType) || Integer.parseInt(line[2], 16) != want) {
      w.violations.add(TraceCheck.LABEL, "install_ste traced " + (line == null ? "nothing"
          : String.join(" ", line)) + ", the kernel has vSID 0x"
          + Integer.toHexString(SmmuWorld.DEVFNS[i]) + " " + wantType + " on " + want);
    }
    return out;
  }
}
