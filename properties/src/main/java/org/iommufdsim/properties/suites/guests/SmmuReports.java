package org.iommufdsim.properties.suites.guests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * "QEMU's error reports say what the kernel answered" (SMMUv3): every report of a step is QEMU's
 * message for a kernel call that failed in that step (with the ID, device and errno text the
 * kernel answered), an "Invalid STE config" for the StreamID of a device whose guest STE asks
 * for a stage QEMU cannot install, or a hint line of a report already explained; and every
 * refused {@code IOMMU_DESTROY} is reported with its ID.
 */
final class SmmuReports {
  static final String LABEL = VtdReports.LABEL;
  private static final Map<String, String> STRERROR = Map.of(
      "ENOMEM", "Cannot allocate memory", "EFAULT", "Bad address",
      "EINVAL", "Invalid argument", "ENOENT", "No such file or directory",
      "EBUSY", "Device or resource busy", "EOPNOTSUPP", "Operation not supported",
      "EIO", "Input/output error", "ENODEV", "No such device");

  private SmmuReports() {}

  static void check(SmmuWorld w, List<String> reports) {
    List<String> explained = new ArrayList<>();
    List<String> destroys = new ArrayList<>();
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.ok()) {
        continue;
      }
      String text = STRERROR.getOrDefault(c.errno(), c.errno());
      switch (c.request() == null ? "" : c.request()) {
        case "IOMMU_HWPT_ALLOC" -> explained.add("Failed to allocate hwpt: " + text);
        case "IOMMU_IOAS_IOVA_RANGES" -> explained.add("warning: Cannot get IOVA ranges: " + text);
        case "IOMMU_VDEVICE_ALLOC" -> explained.add("IOMMU_VDEVICE_ALLOC failed: " + text);
        case "IOMMU_VEVENTQ_ALLOC" -> explained.add("IOMMU_VEVENTQ_ALLOC failed: " + text);
        case "IOMMU_HWPT_INVALIDATE" -> explained.add("IOMMU_HWPT_INVALIDATE failed: total 1"
            + " entries, processed ");
        case "IOMMU_DESTROY" -> {
          String l = "Failed to free id: " + c.in("id") + " " + text;
          explained.add(l);
          destroys.add(l);
        }
        case "VFIO_DEVICE_ATTACH_IOMMUFD_PT" -> {
          for (int i = 0; i < 2; i++) {
            if (w.lastFds[i] == c.fd()) {
              explained.add("[iommufd=" + w.be.fd() + "] error attach " + SmmuWorld.NAMES[i]
                  + " (" + c.fd() + ") to id=" + c.in("pt_id") + ": " + text);
              explained.add("Unable to attach the default HW pagetable: hiodi devid 0x"
                  + Integer.toHexString(w.lastDevids[i]));
            }
          }
        }
        default -> { }
      }
    }
    explained.addAll(w.expectedReports);
    for (int i = 0; i < 2; i++) {
      if (w.steKind[i] == 5) {
        explained.add("Invalid STE config for sid 0x" + Integer.toHexString(SmmuWorld.DEVFNS[i]));
      }
    }
    for (String d : destroys) {
      if (reports.stream().noneMatch(r -> r.equals(d))) {
        w.violations.add(LABEL, "the refused destroy '" + d + "' was not reported");
      }
    }
    for (String r : reports) {
      String first = r.lines().findFirst().orElse("");
      boolean ok = explained.stream()
          .anyMatch(e -> first.equals(e) || e.endsWith(" ") && first.startsWith(e));
      if (!ok) {
        w.violations.add(LABEL, "report '" + r + "' explained by no failed kernel call of the"
            + " step (expected one of " + explained + ")");
        return;
      }
    }
  }
}
