package org.iommufdsim.properties.suites.guests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.intel.GuestVtd;

/**
 * "QEMU's error reports say what the kernel answered" (VT-d): each report of a step is one of
 * QEMU's messages for a kernel call that failed in that step, in call order, with the ID and the
 * errno's text the kernel answered (glibc's {@code strerror}, written out here), or the
 * "Invalid PGTT type" refusal of an entry the guest wrote; the fault-fd write failure is reported
 * once per process.
 */
final class VtdReports {
  static final String LABEL = "QEMU's error reports say what the kernel answered";
  private static final Map<String, String> STRERROR = Map.of(
      "ENOMEM", "Cannot allocate memory", "EFAULT", "Bad address",
      "EINVAL", "Invalid argument", "ENOENT", "No such file or directory",
      "EBUSY", "Device or resource busy", "EOPNOTSUPP", "Operation not supported",
      "EBADF", "Bad file descriptor", "ENODEV", "No such device");
  private static final List<String> PREFIXES = List.of("Attaching to HWPT failed: ",
      "Replacing HWPT attachment failed: ", "Detaching from HWPT failed: ");

  private VtdReports() {}

  static void check(VtdWorld w, List<String> reports) {
    List<String> expected = new ArrayList<>();
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.ok() || !STRERROR.containsKey(c.errno())) {
        continue;
      }
      String text = STRERROR.get(c.errno());
      if (c.isIoctl("IOMMU_FAULT_QUEUE_ALLOC")) {
        expected.add("IOMMU_FAULT_QUEUE_ALLOC failed: " + text);
      } else if (c.isIoctl("IOMMU_HWPT_ALLOC")) {
        expected.add("Failed to allocate hwpt: " + text);
      } else if (c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT")) {
        expected.add("[iommufd=" + w.be.fd() + "] error attach vtd0 (" + w.vdev.fd + ") to id="
            + c.in("pt_id") + ": " + text);
      } else if (c.isIoctl("VFIO_DEVICE_DETACH_IOMMUFD_PT")) {
        expected.add("detach vtd0 failed: " + text);
      } else if (c.isIoctl("IOMMU_HWPT_INVALIDATE")) {
        expected.add("IOMMU_HWPT_INVALIDATE failed: total 1 entries, processed 0 entries: " + text);
      } else if ("read".equals(c.syscall())) {
        if (!w.readFailureReported && !c.errno().equals("EAGAIN") && !c.errno().equals("EINTR")) {
          w.readFailureReported = true;
          Integer fault = null;
          for (var e : w.kernel.faults.entrySet()) {
            if (e.getValue().fd == c.fd()) {
              fault = e.getKey();
            }
          }
          expected.add("FAULTQ(id " + fault + "): read failed (" + text + ")");
        }
      } else if ("write".equals(c.syscall())) {
        if (!w.writeFailureReported) {
          w.writeFailureReported = true;
          KernelModel.Answer a = w.kernel.stepAnswers.stream().filter(x -> !x.accepted())
              .findFirst().orElse(null);
          expected.add(a == null ? "?" : "FAULTQ(id " + a.faultId() + "): write failed [cookie 0x"
              + Integer.toHexString(a.cookie()) + " code 0x" + Integer.toHexString(a.code())
              + "] (" + text + ")");
        }
      }
    }
    int k = 0;
    for (String r : reports) {
      String body = r;
      for (String p : PREFIXES) {
        if (r.startsWith(p)) {
          body = r.substring(p.length());
        }
      }
      if (body.startsWith("Invalid PGTT type ")) {
        int pgtt = Integer.parseInt(body.substring("Invalid PGTT type ".length()));
        boolean written = w.guest.pasidTable().values().stream().anyMatch(e -> e.pgtt() == pgtt);
        if (pgtt == GuestVtd.VTD_SM_PASID_ENTRY_FST || pgtt == GuestVtd.VTD_SM_PASID_ENTRY_PT
            || !written || body.equals(r)) {
          w.violations.add(LABEL, "report '" + r + "' for no entry the guest wrote");
        }
        continue;
      }
      if (body.startsWith("FAULTQ(") && body.contains("write failed") && body.equals(r)
          && k < expected.size() && expected.get(k).startsWith("FAULTQ(id 0)")) {
        // a write to fd -1 (backend finding 1): QEMU names the entry's fault id, 0
        k++;
        continue;
      }
      if (k >= expected.size() || !body.equals(expected.get(k))
          || body.equals(r) == !body.startsWith("IOMMU_HWPT_INVALIDATE")
          && !body.startsWith("FAULTQ(")) {
        w.violations.add(LABEL, "report '" + r + "', expected "
            + (k < expected.size() ? "'" + expected.get(k) + "'" : "none") + " (kernel failures"
            + " of the step: " + expected + ")");
        return;
      }
      k++;
    }
    if (k < expected.size()) {
      w.violations.add(LABEL, "no report for the kernel's failure '" + expected.get(k) + "'");
    }
  }
}
