package org.iommufdsim.properties.suites.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.iommufdsim.backend.BackendTrace;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.vfio.VfioTrace;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The properties' own expectations of QEMU's output, written from QEMU's trace-events formats
 * and error texts and filled with what the kernel answered, never with what the port printed.
 */
final class Expect {
  private Expect() {}

  /** glibc's strerror() texts for the errnos the flows meet (written out here on purpose). */
  private static final Map<String, String> STRERROR = Map.ofEntries(
      Map.entry("EPERM", "Operation not permitted"),
      Map.entry("ENOENT", "No such file or directory"),
      Map.entry("EBADF", "Bad file descriptor"),
      Map.entry("ENOMEM", "Cannot allocate memory"),
      Map.entry("EFAULT", "Bad address"),
      Map.entry("EBUSY", "Device or resource busy"),
      Map.entry("EEXIST", "File exists"),
      Map.entry("ENODEV", "No such device"),
      Map.entry("EINVAL", "Invalid argument"),
      Map.entry("ENOSPC", "No space left on device"),
      Map.entry("ERANGE", "Numerical result out of range"),
      Map.entry("E2BIG", "Argument list too long"),
      Map.entry("EMSGSIZE", "Message too long"),
      Map.entry("EOPNOTSUPP", "Operation not supported"),
      Map.entry("EOVERFLOW", "Value too large for defined data type"),
      Map.entry("ENOTTY", "Inappropriate ioctl for device"),
      Map.entry("EAGAIN", "Resource temporarily unavailable"),
      Map.entry("EADDRINUSE", "Address already in use"),
      Map.entry("EIO", "Input/output error"),
      Map.entry("ENXIO", "No such device or address"),
      Map.entry("EACCES", "Permission denied"),
      Map.entry("ESRCH", "No such process"),
      Map.entry("EDOM", "Numerical argument out of domain"));

  static String strerror(String errno) {
    String s = STRERROR.get(errno);
    if (s == null) {
      throw new AssertionError("the property has no strerror text for " + errno);
    }
    return s;
  }

  static int errnoNumber(String errno) {
    return Errno.valueOf(errno).number();
  }

  static String hex(long v) {
    return Long.toHexString(v);
  }

  // ---- trace lines from the kernel's answers ----

  /**
   * The trace lines QEMU must have emitted for {@code calls}, in order, for every event that
   * follows from one kernel call. {@code devNames} maps a device fd to its name and
   * {@code devIommufd} to the iommufd it is bound to (both filled from earlier steps too).
   */
  static List<String> traceFor(List<KernelView.Call> calls, Map<Integer, String> devNames,
      Map<Integer, Integer> devIommufd, boolean attachStep) {
    List<String> out = new ArrayList<>();
    for (KernelView.Call c : calls) {
      int r = c.ok() ? 0 : -1;
      int e = c.ok() ? 0 : errnoNumber(c.errno());
      switch (c.syscall().equals("ioctl") ? c.request() : c.syscall()) {
        case "open" -> {
          String path = c.request().replace("\"", "");
          if (path.startsWith("/dev/vfio/devices/")) {
            out.add("iommufd_cdev_getfd  " + path + " (fd=" + (c.ok() ? c.ret() : -1) + ")");
            if (c.ok()) {
              devNames.put((int) c.ret(), path.substring("/dev/vfio/devices/".length()));
            }
          }
        }
        case "IOMMU_IOAS_MAP" -> out.add("iommufd_backend_map_dma  iommufd=" + c.fd() + " ioas="
            + (int) c.inField("ioas_id") + " iova=0x" + hex(c.inField("iova")) + " size=0x"
            + hex(c.inField("length")) + " addr=0x" + hex(c.inField("user_va")) + " readonly="
            + ((c.inField("flags") & 2) == 0 ? 1 : 0) + " (" + r + ")");
        case "IOMMU_IOAS_MAP_FILE" -> out.add("iommufd_backend_map_file_dma  iommufd=" + c.fd()
            + " ioas=" + (int) c.inField("ioas_id") + " iova=0x" + hex(c.inField("iova"))
            + " size=0x" + hex(c.inField("length")) + " fd=" + (int) c.inField("fd") + " start="
            + c.inField("start") + " readonly=" + ((c.inField("flags") & 2) == 0 ? 1 : 0) + " ("
            + r + ")");
        case "IOMMU_IOAS_UNMAP" -> {
          String args = "iommufd=" + c.fd() + " ioas=" + (int) c.inField("ioas_id") + " iova=0x"
              + hex(c.inField("iova")) + " size=0x" + hex(c.inField("length")) + " (" + r + ")";
          out.add("ENOENT".equals(c.errno())
              ? "iommufd_backend_unmap_dma_non_exist  Unmap nonexistent mapping: " + args
              : "iommufd_backend_unmap_dma  " + args);
        }
        case "IOMMU_IOAS_ALLOC" -> {
          if (c.ok()) {
            out.add("iommufd_backend_alloc_ioas  iommufd=" + c.fd() + " ioas="
                + c.field("out_ioas_id"));
            if (attachStep) {
              out.add("iommufd_cdev_alloc_ioas  [iommufd=" + c.fd()
                  + "] new IOMMUFD container with ioasid=" + c.field("out_ioas_id"));
            }
          }
        }
        case "IOMMU_HWPT_ALLOC" -> out.add("iommufd_backend_alloc_hwpt  iommufd=" + c.fd()
            + " dev_id=" + c.inField("dev_id") + " pt_id=" + c.inField("pt_id") + " flags=0x"
            + hex(c.inField("flags")) + " hwpt_type=" + c.inField("data_type") + " len="
            + c.inField("data_len") + " data_ptr=0x" + hex(c.inField("data_uptr"))
            + " fault_id=" + c.inField("fault_id") + " out_hwpt=" + c.field("out_hwpt_id")
            + " (" + r + ")");
        case "IOMMU_DESTROY" -> out.add("iommufd_backend_free_id  iommufd=" + c.fd() + " id="
            + (int) c.inField("id") + " (" + r + ")");
        case "IOMMU_HWPT_SET_DIRTY_TRACKING" -> out.add("iommufd_backend_set_dirty  iommufd="
            + c.fd() + " hwpt=" + c.inField("hwpt_id") + " enable=" + (c.inField("flags") & 1)
            + " (" + e + ")");
        case "IOMMU_HWPT_GET_DIRTY_BITMAP" -> out.add("iommufd_backend_get_dirty_bitmap  iommufd="
            + c.fd() + " hwpt=" + c.inField("hwpt_id") + " iova=0x" + hex(c.inField("iova"))
            + " size=0x" + hex(c.inField("length")) + " flags=0x" + hex(c.inField("flags"))
            + " page_size=0x" + hex(c.inField("page_size")) + " (" + e + ")");
        case "IOMMU_HWPT_INVALIDATE" -> out.add("iommufd_backend_invalidate_cache  iommufd="
            + c.fd() + " id=" + c.inField("hwpt_id") + " data_type=" + c.inField("data_type")
            + " entry_len=" + c.inField("entry_len") + " entry_num=" + c.inField("entry_num")
            + " done_num=" + c.field("entry_num") + " data_ptr=0x" + hex(c.inField("data_uptr"))
            + " (" + e + ")");
        case "IOMMU_FAULT_QUEUE_ALLOC" -> out.add("iommufd_backend_alloc_faultq  iommufd="
            + c.fd() + " fault_id=" + c.field("out_fault_id") + " fault_fd="
            + (int) c.field("out_fault_fd") + " (" + r + ")");
        case "VFIO_DEVICE_BIND_IOMMUFD" -> {
          if (c.ok()) {
            int iommufd = (int) c.inField("iommufd");
            devIommufd.put(c.fd(), iommufd);
            out.add("iommufd_cdev_connect_and_bind  [iommufd=" + iommufd
                + "] Successfully bound device " + devNames.get(c.fd()) + " (fd=" + c.fd()
                + "): output devid=" + c.field("out_devid"));
          }
        }
        case "VFIO_DEVICE_ATTACH_IOMMUFD_PT" -> {
          if (c.ok()) {
            out.add("iommufd_cdev_attach_ioas_hwpt  [iommufd=" + devIommufd.get(c.fd())
                + "] Successfully attached device " + devNames.get(c.fd()) + " (" + c.fd()
                + ") to id=" + c.inField("pt_id"));
          }
        }
        case "VFIO_DEVICE_DETACH_IOMMUFD_PT" -> {
          if (c.ok()) {
            out.add("iommufd_cdev_detach_ioas_hwpt  [iommufd=" + devIommufd.get(c.fd())
                + "] Successfully detached " + devNames.get(c.fd()));
          }
        }
        default -> { }
      }
    }
    return out;
  }

  /** The events {@link #traceFor} derives from kernel calls (the others are checked apart). */
  static boolean derivedEvent(String line) {
    String name = line.split(" ", 2)[0];
    return !name.equals("iommufd_backend_connect") && !name.equals("iommufd_backend_disconnect")
        && !name.equals("iommufd_cdev_fail_attach_existing_container")
        && !name.equals("iommu_backend_set_fd") && !name.equals("iommufd_change_process");
  }

  // ---- parsing trace lines with their trace-events formats ----

  private static final Map<String, Pattern> FORMATS = new TreeMap<>();

  static {
    for (Map<String, TraceEvent> m : List.<Map<String, TraceEvent>>of(BackendTrace.EVENTS,
        VfioTrace.EVENTS)) {
      m.forEach((name, ev) -> FORMATS.put(name,
          Pattern.compile(Pattern.quote(name + " ") + regexOf(ev.format()))));
    }
  }

  /** A C printf format as a regex of what it can print. */
  static String regexOf(String format) {
    StringBuilder sb = new StringBuilder();
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char ch = format.charAt(i);
      if (ch != '%') {
        lit.append(ch);
        continue;
      }
      if (!lit.isEmpty()) {
        sb.append(Pattern.quote(lit.toString()));
        lit.setLength(0);
      }
      int j = i + 1;
      while (j < format.length() && "-+ #0123456789lhzj".indexOf(format.charAt(j)) >= 0) {
        j++;
      }
      char conv = format.charAt(j);
      sb.append(switch (conv) {
        case 'd', 'i' -> "-?[0-9]+";
        case 'u' -> "[0-9]+";
        case 'x' -> "[0-9a-f]+";
        case 'p' -> "(?:0x[0-9a-f]+|\\(nil\\))";
        case 's' -> ".*";
        case '%' -> "%";
        default -> throw new IllegalArgumentException("conversion %" + conv + " in " + format);
      });
      i = j;
    }
    if (!lit.isEmpty()) {
      sb.append(Pattern.quote(lit.toString()));
    }
    return sb.toString();
  }

  /** Null when {@code line} parses with its event's format, else what is wrong. */
  static String parses(String line) {
    String name = line.split(" ", 2)[0];
    Pattern p = FORMATS.get(name);
    if (p == null) {
      return "no trace event " + name + " for: " + line;
    }
    return p.matcher(line).matches() ? null : "does not parse with " + name + "'s format: " + line;
  }
}
