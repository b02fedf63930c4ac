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

  static String check(SmmuWorld w, int i, int kind, String out) {
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
    if (!w.guest.smmuEnabled()) {
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
