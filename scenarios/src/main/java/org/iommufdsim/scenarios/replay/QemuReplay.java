package org.iommufdsim.scenarios.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.LinuxUapi;
import org.iommufdsim.sim.uapi.VfioUapi;

/**
 * Replays a QEMU {@code -trace 'iommufd*'} log through the port ({@link IOMMUFDBackend}) on a
 * fresh simulated host and reports where the simulator's answers (return codes, object IDs)
 * differ from the log's. See the {@code qemu-replay} section of {@code scenarios/README.md}
 * for the formats handled and the device-inference rule.
 *
 * <p>Inputs that name objects (ioas, hwpt, viommu, fault, device ids) are translated through
 * the IDs the simulator handed out for the log's allocations, so one divergent ID is reported
 * once and does not cascade. File descriptors and user pointers are never compared (QEMU holds
 * many other fds, and its addresses are its own): user memory is allocated fresh in the
 * simulated QEMU process, zero-filled where the kernel reads a payload.
 */
public final class QemuReplay {
  /** A {@code --device NAME=driver[,key=value...]} choice. */
  public record DeviceChoice(String name, String driver, Map<String, String> options) {
    /** Parses {@code NAME=driver[,key=value...]}; empty if the text has no {@code =}. */
    public static Optional<DeviceChoice> parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        return Optional.empty();
      }
      String[] parts = text.substring(eq + 1).split(",");
      Map<String, String> opts = new TreeMap<>();
      for (int i = 1; i < parts.length; i++) {
        int e = parts[i].indexOf('=');
        if (e <= 0) {
          return Optional.empty();
        }
        opts.put(parts[i].substring(0, e), parts[i].substring(e + 1));
      }
      return Optional.of(new DeviceChoice(text.substring(0, eq), parts[0], opts));
    }
  }

  /** The report lines, the counts, and the exit status they imply. */
  public record Result(List<String> lines, int calls, int divergences, int malformed) {
    public String summary() {
      return calls + (calls == 1 ? " call" : " calls") + " recognised, " + divergences
          + (divergences == 1 ? " divergence, " : " divergences, ") + malformed
          + (malformed == 1 ? " malformed line" : " malformed lines");
    }

    public int exitCode() {
      return divergences == 0 ? 0 : 1;
    }
  }

  // ---- the events ----

  private static final String CONNECT = "iommufd_backend_connect";
  private static final String DISCONNECT = "iommufd_backend_disconnect";
  private static final String CHANGE_PROCESS = "iommufd_change_process";
  private static final String SET_FD = "iommu_backend_set_fd";
  private static final String ALLOC_IOAS = "iommufd_backend_alloc_ioas";
  private static final String FREE_ID = "iommufd_backend_free_id";
  private static final String MAP_DMA = "iommufd_backend_map_dma";
  private static final String MAP_FILE_DMA = "iommufd_backend_map_file_dma";
  private static final String UNMAP_DMA = "iommufd_backend_unmap_dma";
  private static final String UNMAP_NON_EXIST = "iommufd_backend_unmap_dma_non_exist";
  private static final String ALLOC_HWPT = "iommufd_backend_alloc_hwpt";
  private static final String SET_DIRTY = "iommufd_backend_set_dirty";
  private static final String GET_DIRTY = "iommufd_backend_get_dirty_bitmap";
  private static final String INVALIDATE = "iommufd_backend_invalidate_cache";
  private static final String ALLOC_VIOMMU = "iommufd_backend_alloc_viommu";
  private static final String ALLOC_VDEV = "iommufd_backend_alloc_vdev";
  private static final String ALLOC_VEVENTQ = "iommufd_viommu_alloc_eventq";
  private static final String ALLOC_FAULTQ = "iommufd_backend_alloc_faultq";

  private static final String CDEV_BIND = "iommufd_cdev_connect_and_bind";
  private static final String CDEV_ATTACH = "iommufd_cdev_attach_ioas_hwpt";
  private static final String CDEV_DETACH = "iommufd_cdev_detach_ioas_hwpt";
  private static final String CDEV_PASID_ATTACH = "iommufd_cdev_pasid_attach_ioas_hwpt";
  private static final String CDEV_PASID_DETACH = "iommufd_cdev_pasid_detach_ioas_hwpt";
  /** VFIO events matched by {@code iommufd*} that carry no call to replay. */
  private static final List<String> INFORMATIONAL = List.of("iommufd_cdev_getfd",
      "iommufd_cdev_alloc_ioas", "iommufd_cdev_fail_attach_existing_container");

  private static final Pattern BIND = Pattern.compile(
      "\\[iommufd=-?\\d+\\] Successfully bound device (\\S+) \\(fd=-?\\d+\\): output devid=(-?\\d+)\\s*");
  private static final Pattern ATTACH = Pattern.compile(
      "\\[iommufd=-?\\d+\\] Successfully attached device (\\S+) \\(-?\\d+\\) to id=(-?\\d+)\\s*");
  private static final Pattern PASID_ATTACH = Pattern.compile(
      "\\[iommufd=-?\\d+\\] Successfully attached device (\\S+) \\(-?\\d+\\) pasid (-?\\d+) to id=(-?\\d+)\\s*");
  private static final Pattern DETACH = Pattern.compile(
      "\\[iommufd=-?\\d+\\] Successfully detached (\\S+)\\s*");
  private static final Pattern PASID_DETACH = Pattern.compile(
      "\\[iommufd=-?\\d+\\] Successfully detached (\\S+) pasid (-?\\d+)\\s*");

  /** {@code IOMMU_HWPT_FAULT_ID_VALID}: the port ORs it in itself when fault_id != 0. */
  private static final long FAULT_ID_VALID = 1L << 2;
  /** vEVENTQ depth: not in the trace line; any legal depth gives the same answers. */
  private static final int VEVENTQ_DEPTH = 64;
  private static final long PAGE = 4096;
  /** Largest buffer laid out for a payload; a longer logged length gets this much. */
  private static final long BUFFER_CAP = 1L << 26;
  /** Largest guest-RAM mapping made for map_dma; beyond it the kernel gets address 0. */
  private static final long RAM_CAP = 1L << 44;

  private final String label;
  private final List<String> out = new ArrayList<>();
  private int calls;
  private int divergences;
  private int malformed;

  private Host host;
  private Syscalls proc;
  private Qemu qemu;
  private Libc libc;
  private IOMMUFDBackend be;

  /** A device as the log knows it and as the simulated host has it. */
  private static final class Dev {
    final String logName;
    final String simName;
    int fd = -1;
    int simDevid;

    Dev(String logName, String simName) {
      this.logName = logName;
      this.simName = simName;
    }
  }

  private final List<Dev> preBound = new ArrayList<>();
  private final Map<String, Dev> byLogName = new TreeMap<>();
  private boolean preBoundDone;
  /** log object id -> simulator object id, for every allocation both sides made. */
  private final Map<Long, Long> ids = new TreeMap<>();
  /** log vaddr -> {sim address, length} of guest memory mapped for map_dma. */
  private final TreeMap<Long, long[]> ram = new TreeMap<>();
  /** log memfd -> {sim fd, length}. */
  private final Map<Long, long[]> memfds = new TreeMap<>();

  private QemuReplay(String label) {
    this.label = label;
  }

  /**
   * Replays {@code lines} (a log's text, one entry per line) and returns the report.
   *
   * @param label how report lines name the log (its path)
   * @param choices {@code --device} choices, by the log's device name (or {@code devN})
   * @throws IllegalArgumentException if a chosen driver or option is not one the host knows
   */
  public static Result replay(String label, List<String> lines, List<DeviceChoice> choices) {
    return replay(label, lines, choices, null);
  }

  /** Told about every replayed log line, for {@code explain} on a log. */
  public interface LineWatcher {
    /**
     * @param lineNo the log line's number (1 = the first)
     * @param text the line as the log has it
     * @param calls the system calls the port made to replay it, with their decision paths
     * @param before the object graph before the line was replayed
     * @param after the object graph after it
     * @param reports what the replay said about the line (divergences, malformed)
     */
    void line(int lineNo, String text, List<org.iommufdsim.sim.host.CallPath> calls,
        org.iommufdsim.sim.host.ObjectGraph before, org.iommufdsim.sim.host.ObjectGraph after,
        List<String> reports);
  }

  /** Same, telling {@code watcher} (when not null) about every line replayed. */
  public static Result replay(String label, List<String> lines, List<DeviceChoice> choices,
      LineWatcher watcher) {
    QemuReplay r = new QemuReplay(label);
    r.watcher = watcher;
    r.run(lines, choices);
    return new Result(List.copyOf(r.out), r.calls, r.divergences, r.malformed);
  }

  private LineWatcher watcher;

  // ---- pass 1: which devices does the log need? ----

  private record Parsed(int lineNo, TraceLine line) {}

  private void run(List<String> lines, List<DeviceChoice> choices) {
    List<Parsed> events = new ArrayList<>();
    List<String> bindOrder = new ArrayList<>();
    TreeSet<Long> boundDevids = new TreeSet<>();
    TreeSet<Long> usedDevids = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      if (raw.strip().startsWith("#")) {
        continue;
      }
      Optional<TraceLine> t = TraceLine.parse(raw);
      if (t.isEmpty()) {
        continue;
      }
      TraceLine l = t.get();
      events.add(new Parsed(i + 1, l));
      try {
        switch (l.name()) {
          case CDEV_BIND -> {
            Matcher m = match(BIND, l);
            if (!bindOrder.contains(m.group(1))) {
              bindOrder.add(m.group(1));
            }
            boundDevids.add(Long.parseLong(m.group(2)));
          }
          case ALLOC_HWPT, ALLOC_VDEV -> usedDevids.add(l.num("dev_id"));
          case ALLOC_VIOMMU -> usedDevids.add(viommuDevId(l));
          default -> { }
        }
      } catch (TraceLine.Malformed e) {
        // reported in pass 2
      }
    }
    usedDevids.removeAll(boundDevids);
    Map<String, DeviceChoice> chosen = new TreeMap<>();
    for (DeviceChoice c : choices) {
      chosen.put(c.name(), c);
    }
    List<DeviceSpec> specs = new ArrayList<>();
    for (long devid : usedDevids) {
      Dev d = new Dev("dev" + devid, "vfio" + specs.size());
      preBound.add(d);
      specs.add(spec(d, chosen));
    }
    for (String name : bindOrder) {
      Dev d = new Dev(name, "vfio" + specs.size());
      byLogName.put(name, d);
      specs.add(spec(d, chosen));
    }
    try {
      host = Host.create(HostConfig.defaults().withDevices(specs));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    proc = host.spawn();
    qemu = new Qemu(proc);
    libc = qemu.libc();
    be = new IOMMUFDBackend(qemu, "iommufd0");
    qemu.trace().clear();
    List<org.iommufdsim.sim.host.CallPath> pending = new ArrayList<>();
    if (watcher != null) {
      host.onDecisions(pending::add);
    }
    org.iommufdsim.sim.host.ObjectGraph graph = watcher == null ? null : host.objectGraph();

    for (Parsed p : events) {
      int reported = out.size();
      pending.clear();
      try {
        step(p.lineNo(), p.line());
      } catch (TraceLine.Malformed e) {
        malformed++;
        out.add(label + ":" + p.lineNo() + ": malformed: " + p.line().name() + ": "
            + e.getMessage());
      } catch (RuntimeException e) {
        // arguments no QEMU would pass that the simulated process cannot even lay out
        drain();
        malformed++;
        out.add(label + ":" + p.lineNo() + ": malformed: " + p.line().name()
            + ": cannot be replayed (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ')) + ")");
      }
      if (watcher != null) {
        org.iommufdsim.sim.host.ObjectGraph now = host.objectGraph();
        watcher.line(p.lineNo(), lines.get(p.lineNo() - 1), List.copyOf(pending), graph, now,
            List.copyOf(out.subList(reported, out.size())));
        graph = now;
      }
    }
  }

  private static DeviceSpec spec(Dev d, Map<String, DeviceChoice> chosen) {
    DeviceChoice c = chosen.get(d.logName);
    return c == null ? DeviceSpec.of(d.simName, "mock", Map.of())
        : DeviceSpec.of(d.simName, c.driver(), c.options());
  }

  private static Matcher match(Pattern p, TraceLine l) {
    Matcher m = p.matcher(l.rest().strip());
    if (!m.matches()) {
      throw new TraceLine.Malformed("not QEMU's text for this event");
    }
    return m;
  }

  /**
   * The dev_id of a vIOMMU line. QEMU until July 2026 prints {@code type=<dev_id>
   * dev_id=<type>} (labels swapped); the fixed line prints {@code dev_id=} first with the
   * right labels. The order of the two labels tells which one a line is.
   */
  private static long viommuDevId(TraceLine l) {
    return swapped(l) ? l.num("type") : l.num("dev_id");
  }

  private static long viommuType(TraceLine l) {
    return swapped(l) ? l.num("dev_id") : l.num("type");
  }

  private static boolean swapped(TraceLine l) {
    if (!l.has("type") || !l.has("dev_id")) {
      throw new TraceLine.Malformed("needs type= and dev_id=");
    }
    return l.indexOf("type") < l.indexOf("dev_id");
  }

  // ---- pass 2: replay ----

  private void step(int n, TraceLine l) {
    switch (l.name()) {
      case SET_FD -> {
        l.num("fd");
        calls++;
        int fd = libc.open("/dev/iommu");
        be.iommufdBackendSetFd(Integer.toString(fd), Errp.local());
        drain();
      }
      case CONNECT -> {
        long users = l.num("users");
        long ret = l.retOpt().isPresent() ? l.ret() : 0;  // QEMU <= 9.0 printed (ret)
        calls++;
        Errp err = Errp.local();
        boolean ok = be.iommufdBackendConnect(err);
        Optional<TraceLine> sim = emitted(CONNECT);
        if (ret != 0) {
          if (ok) {
            diverge(n, l.name(), "(" + ret + ")", "(0) users=" + be.users());
          }
        } else if (!ok || sim.isEmpty()) {
          diverge(n, l.name(), "users=" + users, "connect failed: " + err.pretty());
        } else if (sim.get().num("users") != users) {
          diverge(n, l.name(), "users=" + users, "users=" + sim.get().num("users"));
        }
      }
      case DISCONNECT -> {
        long users = l.num("users");
        calls++;
        be.iommufdBackendDisconnect();
        long simUsers = emitted(DISCONNECT).map(t -> t.num("users")).orElse(-1L);
        if (simUsers != users) {
          diverge(n, l.name(), "users=" + users, "users=" + simUsers);
        }
      }
      case CHANGE_PROCESS -> {
        long ret = l.ret();
        calls++;
        ensureConnected();
        boolean ok = be.iommufdChangeProcess(Errp.local());
        compareRet(n, l, ret, ok ? 1 : 0, false);
        drain();
      }
      case ALLOC_IOAS -> {
        long ioas = l.num("ioas");
        long ret = l.retOpt().isPresent() ? l.ret() : 0;  // QEMU <= 9.0 printed (ret)
        calls++;
        prepare();
        IntRef id = new IntRef();
        boolean ok = be.iommufdBackendAllocIoas(id, Errp.local());
        int errno = libc.errno();
        drain();
        if (ret != 0) {
          if (ok) {
            diverge(n, l.name(), "(" + ret + ")", "(0) ioas=" + u32(id.value));
          }
        } else if (!ok) {
          diverge(n, l.name(), "ioas=" + ioas, "(-1) " + errnoName(errno));
        } else {
          compareId(n, l.name(), "ioas", ioas, u32(id.value));
        }
      }
      case FREE_ID -> {
        long id = u32(l.num("id"));
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendFreeId((int) tr(id));
        simRet(n, l, ret, FREE_ID);
      }
      case MAP_DMA -> {
        long ioas = l.num("ioas");
        long iova = l.num("iova");
        long size = l.num("size");
        long addr = l.num("addr");
        long ro = l.num("readonly");
        long ret = l.ret();
        calls++;
        prepare();
        long va = addr == 0 ? 0 : guestRam(addr, size);
        be.iommufdBackendMapDma((int) tr(ioas), iova, size, va, ro != 0);
        simRet(n, l, ret, MAP_DMA);
      }
      case MAP_FILE_DMA -> {
        long ioas = l.num("ioas");
        long iova = l.num("iova");
        long size = l.num("size");
        long mfd = l.num("fd");
        long start = l.num("start");
        long ro = l.num("readonly");
        long ret = l.ret();
        calls++;
        prepare();
        int simFd = memfd(mfd, start + size);
        be.iommufdBackendMapFileDma((int) tr(ioas), iova, size, simFd, start, ro != 0);
        simRet(n, l, ret, MAP_FILE_DMA);
      }
      case UNMAP_DMA, UNMAP_NON_EXIST -> {
        long ioas = l.num("ioas");
        long iova = l.num("iova");
        long size = l.num("size");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendUnmapDma((int) tr(ioas), iova, size);
        int errno = libc.errno();
        Optional<TraceLine> sim = emitted(UNMAP_DMA, UNMAP_NON_EXIST);
        if (sim.isEmpty()) {
          diverge(n, l.name(), "(" + ret + ")", "no trace line");
        } else if (!sim.get().name().equals(l.name()) || sim.get().ret() != ret) {
          boolean same = sim.get().name().equals(l.name());
          diverge(n, l.name(), (same ? "" : l.name() + " ") + "(" + ret + ")",
              (same ? "" : sim.get().name() + " ") + "(" + sim.get().ret() + ")"
                  + (sim.get().ret() != 0 ? " " + errnoName(errno) : ""));
        }
      }
      case ALLOC_HWPT -> {
        long dev = l.num("dev_id");
        long pt = l.num("pt_id");
        long flags = l.num("flags");
        long type = l.num("hwpt_type");
        long len = l.num("len");
        long fault = l.has("fault_id") ? l.num("fault_id") : 0;  // before the PRQ series: none
        long out = l.num("out_hwpt");
        long ret = l.ret();
        calls++;
        prepare();
        long sentFlags = fault != 0 ? flags & ~FAULT_ID_VALID : flags;
        long data = len == 0 ? 0 : buffer(len);
        IntRef hwpt = new IntRef();
        be.iommufdBackendAllocHwpt((int) tr(dev), (int) tr(pt), (int) sentFlags, (int) type,
            (int) len, data, fault == 0 ? 0 : (int) tr(fault), hwpt, Errp.local());
        simAlloc(n, l, ret, ALLOC_HWPT, "out_hwpt", out);
      }
      case SET_DIRTY -> {
        long hwpt = l.num("hwpt");
        long enable = l.num("enable");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendSetDirtyTracking((int) tr(hwpt), enable != 0, Errp.local());
        simErrno(n, l, ret, SET_DIRTY);
      }
      case GET_DIRTY -> {
        long hwpt = l.num("hwpt");
        long iova = l.num("iova");
        long size = l.num("size");
        long flags = l.has("flags") ? l.num("flags") : 0;  // before NO_CLEAR: no flags
        long pageSize = l.num("page_size");
        long ret = l.ret();
        calls++;
        prepare();
        long pages = pageSize == 0 ? 1 : Math.max(1, Long.divideUnsigned(size, pageSize));
        be.iommufdBackendGetDirtyBitmap((int) tr(hwpt), iova, size, pageSize,
            buffer(Long.divideUnsigned(pages, 64) * 8 + 8), flags, Errp.local());
        simErrno(n, l, ret, GET_DIRTY);
      }
      case INVALIDATE -> {
        long id = l.num("id");
        long type = l.num("data_type");
        long entryLen = l.num("entry_len");
        long entryNum = l.num("entry_num");
        long done = l.num("done_num");
        long ret = l.ret();
        calls++;
        prepare();
        long bytes = entryLen == 0 || entryNum == 0 ? 0
            : entryNum > BUFFER_CAP / entryLen ? BUFFER_CAP : entryLen * entryNum;
        IntRef num = new IntRef();
        num.value = (int) entryNum;
        be.iommufdBackendInvalidateCache((int) tr(id), (int) type, (int) entryLen, num,
            bytes == 0 ? 0 : buffer(bytes), Errp.local());
        Optional<TraceLine> sim = emitted(INVALIDATE);
        if (sim.isEmpty()) {
          diverge(n, l.name(), "(" + ret + ")", "no trace line");
        } else if (sim.get().ret() != ret || sim.get().num("done_num") != done) {
          diverge(n, l.name(), "done_num=" + done + " (" + errnoText(ret) + ")",
              "done_num=" + sim.get().num("done_num") + " (" + errnoText(sim.get().ret()) + ")");
        }
      }
      case ALLOC_VIOMMU -> {
        long dev = viommuDevId(l);
        long type = viommuType(l);
        long hwpt = l.num("hwpt_id");
        long out = l.num("viommu_id");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendAllocViommu((int) tr(dev), (int) type, (int) tr(hwpt), new IntRef(),
            Errp.local());
        simAlloc(n, l, ret, ALLOC_VIOMMU, "viommu_id", out);
      }
      case ALLOC_VDEV -> {
        long dev = l.num("dev_id");
        long viommu = l.num("viommu_id");
        long virt = l.num("virt_id");
        long out = l.num("vdev_id");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendAllocVdev((int) tr(dev), (int) tr(viommu), virt, new IntRef(),
            Errp.local());
        simAlloc(n, l, ret, ALLOC_VDEV, "vdev_id", out);
      }
      case ALLOC_VEVENTQ -> {
        long viommu = l.num("viommu_id");
        long type = l.num("type");
        long out = l.num("veventq_id");
        l.num("veventq_fd");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendAllocVeventq((int) tr(viommu), (int) type, VEVENTQ_DEPTH, new IntRef(),
            new IntRef(), Errp.local());
        simAlloc(n, l, ret, ALLOC_VEVENTQ, "veventq_id", out);
      }
      case ALLOC_FAULTQ -> {
        long out = l.num("fault_id");
        l.num("fault_fd");
        long ret = l.ret();
        calls++;
        prepare();
        be.iommufdBackendAllocFaultq(new IntRef(), new IntRef(), Errp.local());
        simAlloc(n, l, ret, ALLOC_FAULTQ, "fault_id", out);
      }
      case CDEV_BIND -> {
        Matcher m = match(BIND, l);
        prepare();
        Dev d = byLogName.get(m.group(1));
        long logDevid = Long.parseLong(m.group(2));
        int errno = bind(d);
        if (errno != 0) {
          diverge(n, l.name(), "devid=" + logDevid, "bind failed: " + errnoName(errno));
        } else {
          compareId(n, l.name(), "devid", logDevid, d.simDevid);
        }
      }
      case CDEV_ATTACH, CDEV_PASID_ATTACH -> {
        boolean pasid = l.name().equals(CDEV_PASID_ATTACH);
        Matcher m = match(pasid ? PASID_ATTACH : ATTACH, l);
        prepare();
        Dev d = device(m.group(1));
        long pt = u32(Long.parseLong(m.group(pasid ? 3 : 2)));
        int errno = vfio(d, true, pasid ? Integer.parseInt(m.group(2)) : 0, tr(pt));
        if (errno != 0) {
          diverge(n, l.name(), "attached to id=" + pt, "attach failed: " + errnoName(errno));
        }
      }
      case CDEV_DETACH, CDEV_PASID_DETACH -> {
        boolean pasid = l.name().equals(CDEV_PASID_DETACH);
        Matcher m = match(pasid ? PASID_DETACH : DETACH, l);
        prepare();
        Dev d = device(m.group(1));
        int errno = vfio(d, false, pasid ? Integer.parseInt(m.group(2)) : 0, 0);
        if (errno != 0) {
          diverge(n, l.name(), "detached", "detach failed: " + errnoName(errno));
        }
      }
      default -> {
        if (!INFORMATIONAL.contains(l.name())) {
          throw new TraceLine.Malformed("unknown event");
        }
      }
    }
  }

  // ---- comparing ----

  /** The port's trace lines since the last call, parsed; the first one named {@code names}. */
  private Optional<TraceLine> emitted(String... names) {
    List<String> lines = qemu.trace().lines();
    Optional<TraceLine> found = Optional.empty();
    for (String s : lines) {
      Optional<TraceLine> t = TraceLine.parse(s);
      if (found.isEmpty() && t.isPresent() && List.of(names).contains(t.get().name())) {
        found = t;
      }
    }
    qemu.trace().clear();
    return found;
  }

  private void drain() {
    qemu.trace().clear();
  }

  /** Events whose {@code (ret)} is the ioctl's 0/-1. */
  private void simRet(int n, TraceLine l, long ret, String event) {
    int errno = libc.errno();
    Optional<TraceLine> sim = emitted(event);
    if (sim.isEmpty()) {
      diverge(n, l.name(), "(" + ret + ")", "no trace line");
      return;
    }
    compareRet(n, l, ret, sim.get().ret(), false, errno);
  }

  /** Events whose {@code (ret)} is the errno (0 on success). */
  private void simErrno(int n, TraceLine l, long ret, String event) {
    Optional<TraceLine> sim = emitted(event);
    if (sim.isEmpty()) {
      diverge(n, l.name(), "(" + ret + ")", "no trace line");
      return;
    }
    compareRet(n, l, ret, sim.get().ret(), true);
  }

  /** Allocations: the ret, then (both having succeeded) the new object's ID. */
  private void simAlloc(int n, TraceLine l, long ret, String event, String key, long logId) {
    int errno = libc.errno();
    Optional<TraceLine> sim = emitted(event);
    if (sim.isEmpty()) {
      diverge(n, l.name(), "(" + ret + ")", "no trace line");
      return;
    }
    long simRet = sim.get().ret();
    if (simRet != ret) {
      diverge(n, l.name(), (ret == 0 ? key + "=" + logId + " " : "") + "(" + ret + ")",
          (simRet == 0 ? key + "=" + sim.get().num(key) + " " : "") + "(" + simRet + ") "
              + (simRet != 0 ? errnoName(errno) : "").strip());
    } else if (ret == 0) {
      compareId(n, l.name(), key, u32(logId), u32(sim.get().num(key)));
    }
  }

  private void compareRet(int n, TraceLine l, long logRet, long simRet, boolean isErrno) {
    compareRet(n, l, logRet, simRet, isErrno, 0);
  }

  private void compareRet(int n, TraceLine l, long logRet, long simRet, boolean isErrno,
      int errno) {
    if (logRet == simRet) {
      return;
    }
    if (isErrno) {
      diverge(n, l.name(), "(" + errnoText(logRet) + ")", "(" + errnoText(simRet) + ")");
    } else {
      diverge(n, l.name(), "(" + logRet + ")", "(" + simRet + ")"
          + (simRet != 0 && errno != 0 ? " " + errnoName(errno) : ""));
    }
  }

  private void compareId(int n, String event, String key, long logId, long simId) {
    ids.put(logId, simId);
    if (logId != simId) {
      diverge(n, event, key + "=" + logId, key + "=" + simId);
    }
  }

  private void diverge(int n, String event, String logSaid, String simSaid) {
    divergences++;
    out.add(label + ":" + n + ": " + event + ": log " + logSaid + ", simulator " + simSaid);
  }

  private long tr(long logId) {
    return ids.getOrDefault(u32(logId), u32(logId));
  }

  private static long u32(long v) {
    return v & 0xffffffffL;
  }

  private static String errnoName(int errno) {
    return Errno.byNumber(errno).map(Enum::name).orElse("errno " + errno);
  }

  /** {@code 0} or {@code 22 EINVAL}. */
  private static String errnoText(long errno) {
    return errno == 0 ? "0" : errno + " " + errnoName((int) errno);
  }

  // ---- the simulated QEMU around the backend ----

  private void ensureConnected() {
    if (be.fd() < 0) {
      be.iommufdBackendConnect(Errp.local());
      drain();
    }
  }

  /**
   * Before any call that allocates or names an object: connect if the log has not (a log cut
   * after start-up), and bind the devices the log uses but never shows being bound, in
   * ascending devid order, so they get the low IDs QEMU's start-up gave them.
   */
  private void prepare() {
    ensureConnected();
    if (!preBoundDone) {
      preBoundDone = true;
      for (Dev d : preBound) {
        bind(d);
        ids.put(Long.parseLong(d.logName.substring(3)), (long) d.simDevid);
      }
    }
  }

  private Dev device(String logName) {
    Dev d = byLogName.get(logName);
    if (d == null || d.fd < 0) {
      throw new TraceLine.Malformed("device " + logName + " was never bound in this log");
    }
    return d;
  }

  /** Opens and binds a device: 0 or the errno. */
  private int bind(Dev d) {
    int fd = libc.open("/dev/vfio/devices/" + d.simName);
    if (fd < 0) {
      return libc.errno();
    }
    d.fd = fd;
    try (Frame f = libc.frame()) {
      UStruct bind = f.local(VfioUapi.vfio_device_bind_iommufd);
      bind.set("argsz", bind.size());
      bind.set("iommufd", be.fd());
      if (libc.ioctl(fd, VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, bind) != 0) {
        return libc.errno();
      }
      d.simDevid = bind.u32("out_devid");
      return 0;
    }
  }

  /** {@code VFIO_DEVICE_ATTACH/DETACH_IOMMUFD_PT}: 0 or the errno. */
  private int vfio(Dev d, boolean attach, int pasid, long ptId) {
    try (Frame f = libc.frame()) {
      if (attach) {
        UStruct at = f.local(VfioUapi.vfio_device_attach_iommufd_pt);
        at.set("argsz", at.size());
        at.set("flags", pasid == 0 ? 0 : VfioUapi.VFIO_DEVICE_ATTACH_PASID);
        at.set("pasid", pasid);
        at.set("pt_id", ptId);
        return libc.ioctl(d.fd, VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, at) == 0 ? 0
            : libc.errno();
      }
      UStruct de = f.local(VfioUapi.vfio_device_detach_iommufd_pt);
      de.set("argsz", de.size());
      de.set("flags", pasid == 0 ? 0 : VfioUapi.VFIO_DEVICE_DETACH_PASID);
      de.set("pasid", pasid);
      return libc.ioctl(d.fd, VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, de) == 0 ? 0
          : libc.errno();
    }
  }

  /** A zeroed buffer of {@code bytes} (unsigned), at most {@link #BUFFER_CAP}. */
  private long buffer(long bytes) {
    return libc.gMalloc0(Long.compareUnsigned(bytes, BUFFER_CAP) > 0 ? BUFFER_CAP : bytes);
  }

  /**
   * The simulated address for the log's guest-RAM address: a range inside one already mapped
   * reuses it (same backing pages), anything else gets a fresh anonymous mapping.
   */
  private long guestRam(long logVa, long size) {
    Map.Entry<Long, long[]> e = ram.floorEntry(logVa);
    if (e != null && Long.compareUnsigned(logVa - e.getKey() + size, e.getValue()[1]) <= 0) {
      return e.getValue()[0] + (logVa - e.getKey());
    }
    if (Long.compareUnsigned(size, RAM_CAP) > 0) {
      return 0;  // no QEMU has that much RAM: the kernel then answers EFAULT
    }
    long len = Math.max(PAGE, (size + PAGE - 1) / PAGE * PAGE);
    SysResult r = proc.mmap(0, len, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    if (!r.isOk()) {
      return 0;  // the kernel then answers EFAULT, which the report shows
    }
    ram.put(logVa, new long[] {r.value(), len});
    return r.value();
  }

  /** A memfd standing for the log's file-backed RAM fd, grown to at least {@code length}. */
  private int memfd(long logFd, long length) {
    if (length < 0 || length > RAM_CAP) {
      return -1;  // no such file QEMU could have: the kernel then answers EBADF
    }
    long[] m = memfds.get(logFd);
    if (m == null) {
      SysResult r = proc.memfdCreate("guest-ram", 0);
      if (!r.isOk()) {
        return -1;
      }
      m = new long[] {r.value(), 0};
      memfds.put(logFd, m);
    }
    if (m[1] < length) {
      proc.ftruncate((int) m[0], length);
      m[1] = length;
    }
    return (int) m[0];
  }
}
