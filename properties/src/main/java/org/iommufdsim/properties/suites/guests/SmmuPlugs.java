package org.iommufdsim.properties.suites.guests;

import org.iommufdsim.backend.qemu.QemuError;

/**
 * "QEMU plugs exactly the devices whose host SMMU suits the vSMMU": a plug (or a probe plug of a
 * host SMMU without ATS, one without S2FWB, or a device of another IOMMU) fails with QEMU's
 * message for the first incompatibility the properties expect ({@link SmmuCompat}), for a
 * non-SMMUv3 device's hw-info type, or for the vIOMMU the host refused; it fails for no other
 * reason than a refused kernel call; and a plug or unplug that happened is traced with the
 * devfn and the device ID the kernel gave at bind.
 */
final class SmmuPlugs {
  static final String LABEL = "QEMU plugs exactly the devices whose host SMMU suits the vSMMU";

  private SmmuPlugs() {}

  static void afterPlug(SmmuWorld w, int i, String out) {
    long devid = boundDevid(w);
    String want = SmmuCompat.expected(SmmuCompat.hostIdr(true), w.guestIdr);
    expect(w, SmmuWorld.NAMES[i], SmmuWorld.DEVFNS[i], devid, want, null, out);
    if ("ok".equals(out)) {
      w.kernelDevids[i] = devid;
    }
  }

  static void afterProbe(SmmuWorld w, int k, int devfn, String out) {
    long devid = boundDevid(w);
    String want;
    String hint = null;
    if (w.probeOccupied) {
      want = "Device already has an associated hiodi 0x" + Long.toHexString(devid);
    } else if (k == 2) {
      want = "Wrong data type (" + (int) 0xfeedbeefL + ") for Host SMMUv3 device info";
    } else {
      want = SmmuCompat.expected(SmmuCompat.hostIdr(k != 0), w.guestIdr);
      if (want == null && k == 1 && !w.viommuBefore) {
        hint = "Unable to alloc vIOMMU: hiodi devid 0x" + Long.toHexString(devid) + ": ";
      }
    }
    expect(w, SmmuWorld.PROBES[k], devfn, devid, want, hint, out);
    if ("ok".equals(out)) {
      traced(w, "smmuv3_accel_unset_iommu_device", devfn, devid);
    }
  }

  static void afterUnplug(SmmuWorld w, int i) {
    if (w.kernelDevids[i] >= 0) {
      traced(w, "smmuv3_accel_unset_iommu_device", SmmuWorld.DEVFNS[i], w.kernelDevids[i]);
    }
    w.kernelDevids[i] = -1;
  }

  private static void expect(SmmuWorld w, String name, int devfn, long devid, String want,
      String hint, String out) {
    QemuError e = w.lastPlugError;
    boolean refused = w.kernel.stepCalls.stream().anyMatch(c -> !c.ok());
    if (want != null) {
      if (!"failed".equals(out) || e == null || !want.equals(e.message())) {
        w.violations.add(LABEL, name + ": expected '" + want + "', got " + out + " "
            + (e == null ? "" : "'" + e.message() + "'"));
      } else if (w.kernel.stepCalls.stream().anyMatch(c -> c.isIoctl("IOMMU_VIOMMU_ALLOC"))) {
        w.violations.add(LABEL, name + ": refused, yet a vIOMMU was asked for");
      }
      return;
    }
    if (hint != null) {
      boolean viommuRefused = w.kernel.stepCalls.stream()
          .anyMatch(c -> c.isIoctl("IOMMU_VIOMMU_ALLOC") && !c.ok());
      if (!viommuRefused || !"failed".equals(out) || e == null || !hint.equals(e.hint())) {
        w.violations.add(LABEL, name + ": the host refused the vIOMMU (" + viommuRefused
            + "), QEMU answered " + out + " " + e);
      }
      return;
    }
    if ("failed".equals(out)) {
      if (!refused) {
        w.violations.add(LABEL, name + " failed with no refused kernel call: " + e);
      }
      return;
    }
    traced(w, "smmuv3_accel_set_iommu_device", devfn, devid);
  }

  private static void traced(SmmuWorld w, String event, int devfn, long devid) {
    String line = event + " devfn=0x" + Integer.toHexString(devfn) + " (idev devid=0x"
        + Long.toHexString(devid) + ")";
    if (!w.stepLines.contains(line)) {
      w.violations.add(TraceCheck.LABEL, "no '" + line + "' among " + w.stepLines);
    }
  }

  /** The device ID the kernel answered the step's (last) successful bind, or -1. */
  private static long boundDevid(SmmuWorld w) {
    long devid = -1;
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("VFIO_DEVICE_BIND_IOMMUFD") && c.ok()) {
        devid = c.out("out_devid");
      }
    }
    return devid;
  }
}
