package org.iommufdsim.properties.suites.guests;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommufdsim.backend.BackendTrace;
import org.iommufdsim.backend.arm.SmmuTrace;
import org.iommufdsim.backend.intel.VtdTrace;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.vfio.VfioTrace;

/**
 * The trace invariant: every line QEMU traced during a step names an event of QEMU's
 * trace-events catalogues and parses with its format, and the lines that report a kernel call
 * carry the IDs, flags and return the kernel answered, call by call in order (kernel-side
 * values come from {@link KernelCall}s, never from the port).
 */
final class TraceCheck {
  static final String LABEL = "trace lines carry the kernel's ids";

  /**
   * Each event's shape, from QEMU's trace-events declarations (the catalogues' verbatim text)
   * parsed at the time of the check: a line must parse with the format its declaration gives,
   * read afresh, not with a format parsed once, when the trace tables were built.
   */
  private static Map<String, Pattern> known() {
    Map<String, Pattern> known = new TreeMap<>();
    for (String text : List.of(BackendTrace.TRACE_EVENTS, VfioTrace.TRACE_EVENTS,
        VtdTrace.TRACE_EVENTS, SmmuTrace.TRACE_EVENTS)) {
      text.lines().filter(l -> !l.isBlank()).map(TraceEvent::parse)
          .forEach(e -> known.put(e.name(), shape(e)));
    }
    return known;
  }

  /** A line's shape as the event's C format allows it: literal text, then each conversion. */
  static Pattern shape(TraceEvent e) {
    StringBuilder re = new StringBuilder("^").append(Pattern.quote(e.name() + " "));
    Matcher m = Pattern.compile("%[-+ #0]*\\d*(?:\\.\\d+)?(?:hh|h|ll|l|z)?([diuxXps%])")
        .matcher(e.format());
    int at = 0;
    while (m.find()) {
      re.append(Pattern.quote(e.format().substring(at, m.start())));
      re.append(switch (m.group(1)) {
        case "d", "i" -> "-?\\d+";
        case "u" -> "\\d+";
        case "x", "X" -> "[0-9a-fA-F]+";
        case "p" -> "(?:0x[0-9a-f]+|\\(nil\\))";
        case "%" -> "%";
        default -> ".*?";
      });
      at = m.end();
    }
    re.append(Pattern.quote(e.format().substring(at))).append('$');
    return Pattern.compile(re.toString());
  }

  private static final Pattern ALLOC_HWPT = Pattern.compile("^iommufd_backend_alloc_hwpt  "
      + "iommufd=(\\d+) dev_id=(\\d+) pt_id=(\\d+) flags=0x([0-9a-f]+) hwpt_type=(\\d+) len=(\\d+)"
      + " data_ptr=0x[0-9a-f]+ fault_id=(\\d+) out_hwpt=(\\d+) \\((-?\\d+)\\)$");
  private static final Pattern FREE_ID =
      Pattern.compile("^iommufd_backend_free_id  iommufd=(\\d+) id=(-?\\d+) \\((-?\\d+)\\)$");
  private static final Pattern FAULTQ = Pattern.compile("^iommufd_backend_alloc_faultq  "
      + "iommufd=(\\d+) fault_id=(\\d+) fault_fd=(-?\\d+) \\((-?\\d+)\\)$");
  private static final Pattern VIOMMU = Pattern.compile("^iommufd_backend_alloc_viommu  "
      + "iommufd=(\\d+) type=(\\d+) dev_id=(\\d+) hwpt_id=(\\d+) viommu_id=(\\d+) \\((-?\\d+)\\)$");
  private static final Pattern VDEV = Pattern.compile("^iommufd_backend_alloc_vdev  "
      + "iommufd=(\\d+) dev_id=(\\d+) viommu_id=(\\d+) virt_id=0x([0-9a-f]+) vdev_id=(\\d+)"
      + " \\((-?\\d+)\\)$");
  private static final Pattern VEVENTQ = Pattern.compile("^iommufd_viommu_alloc_eventq  "
      + "iommufd=(\\d+) viommu_id=(\\d+) type=(\\d+) veventq_id=(\\d+) veventq_fd=(\\d+)"
      + " \\((-?\\d+)\\)$");
  private static final Pattern INVALIDATE = Pattern.compile("^iommufd_backend_invalidate_cache  "
      + "iommufd=(\\d+) id=(\\d+) data_type=(\\d+) entry_len=(\\d+) entry_num=(\\d+)"
      + " done_num=(\\d+) data_ptr=0x[0-9a-f]+ \\((-?\\d+)\\)$");
  private static final Pattern VTD_ATTACH = Pattern.compile(
      "^vtd_device_(?:attach_hwpt|reattach_def_hwpt) dev_id (\\d+) pasid (\\d+) hwpt_id (\\d+),"
      + " ret: (\\d+)$");
  private static final Pattern VTD_DETACH =
      Pattern.compile("^vtd_device_detach_hwpt dev_id (\\d+) pasid (\\d+) ret: (\\d+)$");
  private static final Pattern PRQ_READ =
      Pattern.compile("^vtd_prq_read_fault fault_id (\\d+) fault_fd (-?\\d+) bytes (-?\\d+)$");
  private static final Pattern PRQ_RESP = Pattern.compile("^vtd_prq_response_notify fault_id"
      + " (\\d+) fault_fd (-?\\d+) cookie (\\d+) code (\\d+) bytes (-?\\d+)$");

  private TraceCheck() {}

  /**
   * Checks one step's QEMU lines against the kernel's calls. {@code vtd}: the VT-d suite, where
   * every attach/detach and every fault-fd read/write has its own trace line.
   */
  static void check(List<String> lines, List<KernelCall> stepCalls,
      List<KernelModel.Answer> stepAnswers, boolean vtd, Violations v) {
    ArrayDeque<KernelCall> hwpt = calls(stepCalls, "IOMMU_HWPT_ALLOC");
    ArrayDeque<KernelCall> destroy = calls(stepCalls, "IOMMU_DESTROY");
    ArrayDeque<KernelCall> faultq = calls(stepCalls, "IOMMU_FAULT_QUEUE_ALLOC");
    ArrayDeque<KernelCall> viommu = calls(stepCalls, "IOMMU_VIOMMU_ALLOC");
    ArrayDeque<KernelCall> vdev = calls(stepCalls, "IOMMU_VDEVICE_ALLOC");
    ArrayDeque<KernelCall> veventq = calls(stepCalls, "IOMMU_VEVENTQ_ALLOC");
    ArrayDeque<KernelCall> inval = calls(stepCalls, "IOMMU_HWPT_INVALIDATE");
    ArrayDeque<KernelCall> attach = calls(stepCalls, "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
    ArrayDeque<KernelCall> detach = calls(stepCalls, "VFIO_DEVICE_DETACH_IOMMUFD_PT");
    ArrayDeque<KernelCall> reads = new ArrayDeque<>();
    ArrayDeque<KernelCall> writes = new ArrayDeque<>();
    for (KernelCall c : stepCalls) {
      if ("read".equals(c.syscall())) {
        reads.add(c);
      } else if ("write".equals(c.syscall())) {
        writes.add(c);
      }
    }
    ArrayDeque<KernelModel.Answer> answers = new ArrayDeque<>(stepAnswers);
    Map<String, Pattern> known = lines.isEmpty() ? Map.of() : known();
    for (String l : lines) {
      String name = l.contains(" ") ? l.substring(0, l.indexOf(' ')) : l;
      if (!known.containsKey(name)) {
        v.add(LABEL, "not an event of QEMU's trace-events: " + l);
        continue;
      }
      if (!known.get(name).matcher(l).matches()) {
        v.add(LABEL, "does not parse with its format: " + l);
        continue;
      }
      Matcher m;
      if ((m = ALLOC_HWPT.matcher(l)).matches()) {
        allocHwpt(l, m, hwpt.pollFirst(), v);
      } else if ((m = FREE_ID.matcher(l)).matches()) {
        KernelCall c = destroy.pollFirst();
        expect(l, c, v, c != null && (int) c.in("id") == Integer.parseInt(m.group(2))
            && ret(m.group(3)) == (c.ok() ? 0 : -1));
      } else if ((m = FAULTQ.matcher(l)).matches()) {
        KernelCall c = faultq.pollFirst();
        expect(l, c, v, c != null && ret(m.group(4)) == (c.ok() ? 0 : -1) && (!c.ok()
            || c.out("out_fault_id") == Long.parseLong(m.group(2))
            && c.out("out_fault_fd") == Long.parseLong(m.group(3))));
      } else if ((m = VIOMMU.matcher(l)).matches()) {
        allocViommu(l, m, viommu.pollFirst(), v);
      } else if ((m = VDEV.matcher(l)).matches()) {
        KernelCall c = vdev.pollFirst();
        expect(l, c, v, c != null && ret(m.group(6)) == (c.ok() ? 0 : -1)
            && c.in("dev_id") == Long.parseLong(m.group(2))
            && c.in("viommu_id") == Long.parseLong(m.group(3))
            && c.in("virt_id") == Long.parseUnsignedLong(m.group(4), 16)
            && (!c.ok() || c.out("out_vdevice_id") == Long.parseLong(m.group(5))));
      } else if ((m = VEVENTQ.matcher(l)).matches()) {
        KernelCall c = veventq.pollFirst();
        expect(l, c, v, c != null && ret(m.group(6)) == (c.ok() ? 0 : -1)
            && c.in("viommu_id") == Long.parseLong(m.group(2))
            && c.in("type") == Long.parseLong(m.group(3))
            && (!c.ok() || c.out("out_veventq_id") == Long.parseLong(m.group(4))
            && c.out("out_veventq_fd") == Long.parseLong(m.group(5))));
      } else if ((m = INVALIDATE.matcher(l)).matches()) {
        KernelCall c = inval.pollFirst();
        expect(l, c, v, c != null && c.in("hwpt_id") == Long.parseLong(m.group(2))
            && c.in("data_type") == Long.parseLong(m.group(3))
            && (ret(m.group(7)) == 0) == c.ok()
            && (!c.ok() || c.in("entry_num") == Long.parseLong(m.group(6))));
      } else if (vtd && (m = VTD_ATTACH.matcher(l)).matches()) {
        KernelCall c = attach.pollFirst();
        expect(l, c, v, c != null && pasidOf(c) == Long.parseLong(m.group(2))
            && c.in("pt_id") == Long.parseLong(m.group(3))
            && Integer.parseInt(m.group(4)) == (c.ok() ? 1 : 0));
      } else if (vtd && (m = VTD_DETACH.matcher(l)).matches()) {
        KernelCall c = detach.pollFirst();
        expect(l, c, v, c != null && pasidOf(c) == Long.parseLong(m.group(2))
            && Integer.parseInt(m.group(3)) == (c.ok() ? 1 : 0));
      } else if ((m = PRQ_READ.matcher(l)).matches()) {
        KernelCall c = reads.pollFirst();
        expect(l, c, v, c != null && c.fd() == Integer.parseInt(m.group(2))
            && ret(m.group(3)) == (c.ok() ? c.value() : -1));
      } else if ((m = PRQ_RESP.matcher(l)).matches()) {
        KernelCall c = writes.pollFirst();
        KernelModel.Answer a = answers.pollFirst();
        expect(l, c, v, c != null && a != null && c.fd() == Integer.parseInt(m.group(2))
            && (a.faultId() == Integer.parseInt(m.group(1)) || c.fd() < 0)
            && Integer.toUnsignedLong(a.cookie()) == Long.parseLong(m.group(3))
            && a.code() == Integer.parseInt(m.group(4))
            && ret(m.group(5)) == (c.ok() ? c.value() : -1));
      }
    }
    leftover(hwpt, v);
    leftover(destroy, v);
    leftover(faultq, v);
    leftover(viommu, v);
    leftover(vdev, v);
    leftover(veventq, v);
    leftover(inval, v);
    if (vtd) {
      leftover(attach, v);
      leftover(detach, v);
      leftover(reads, v);
      leftover(writes, v);
    }
  }

  private static void allocHwpt(String l, Matcher m, KernelCall c, Violations v) {
    long flags = Long.parseLong(m.group(4), 16);
    long faultId = Long.parseLong(m.group(7));
    if (((flags & 4) != 0) != (faultId != 0)) {
      v.add("FAULT_ID_VALID iff fault_id != 0", "traced: " + l);
    }
    expect(l, c, v, c != null && c.in("dev_id") == Long.parseLong(m.group(2))
        && c.in("pt_id") == Long.parseLong(m.group(3)) && c.in("flags") == flags
        && c.in("data_type") == Long.parseLong(m.group(5))
        && c.in("data_len") == Long.parseLong(m.group(6)) && c.in("fault_id") == faultId
        && ret(m.group(9)) == (c.ok() ? 0 : -1)
        && (!c.ok() || c.out("out_hwpt_id") == Long.parseLong(m.group(8))));
  }

  private static void allocViommu(String l, Matcher m, KernelCall c, Violations v) {
    if (c == null) {
      expect(l, null, v, false);
      return;
    }
    long typeLabel = Long.parseLong(m.group(2));
    long devLabel = Long.parseLong(m.group(3));
    boolean rest = c.in("hwpt_id") == Long.parseLong(m.group(4))
        && ret(m.group(6)) == (c.ok() ? 0 : -1)
        && (!c.ok() || c.out("out_viommu_id") == Long.parseLong(m.group(5)));
    if (typeLabel == c.in("type") && devLabel == c.in("dev_id")) {
      expect(l, c, v, rest);
    } else if (typeLabel == c.in("dev_id") && devLabel == c.in("type")) {
      v.finding(Finding.VIOMMU_TRACE_SWAPPED_LABELS, "traced '" + l + "' for " + c.line());
      expect(l, c, v, rest);
    } else {
      expect(l, c, v, false);
    }
  }

  private static long pasidOf(KernelCall c) {
    return (c.in("flags") & 1) != 0 ? c.in("pasid") : 0;
  }

  private static long ret(String s) {
    return Long.parseLong(s);
  }

  private static void expect(String line, KernelCall c, Violations v, boolean ok) {
    if (!ok) {
      v.add(LABEL, "'" + line + "' does not report the kernel's answer "
          + (c == null ? "(no such call)" : c.line()));
    }
  }

  private static void leftover(ArrayDeque<KernelCall> q, Violations v) {
    if (!q.isEmpty()) {
      v.add(LABEL, "no trace line for the kernel call " + q.peekFirst().line());
    }
  }

  private static ArrayDeque<KernelCall> calls(List<KernelCall> all, String request) {
    ArrayDeque<KernelCall> q = new ArrayDeque<>();
    for (KernelCall c : all) {
      if (c.isIoctl(request)) {
        q.add(c);
      }
    }
    return q;
  }
}
