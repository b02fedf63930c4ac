package org.iommufdsim.properties.suites.raw;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_CMD;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_OP_MOCK_DOMAIN;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_test_cmd;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_DESTROY;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_ALLOC;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_ALLOW_IOVAS;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_COPY;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_IOVA_RANGES;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_MAP;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_UNMAP;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_OPTION;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.SplitMix64;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.suites.raw.RawState.SizeVariant;
import org.iommufdsim.properties.suites.raw.RefModel.Area;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The {@code raw-syscalls} property: one process drives a host with mock, PASID-capable mock,
 * VT-d and SMMUv3 devices through random, often malformed, system calls, and after every step
 * the simulator's own invariants hold and it agrees with {@link RefModel}, an independent model
 * of the object table, the fd table and every IOAS's areas.
 */
public final class RawSyscalls implements StateMachine<RawState> {
  /** A model that is deliberately wrong, to prove the suite can fail. */
  public enum Plant { NONE, UNMAP_SPLITS_AREAS }

  private final Plant plant;

  public RawSyscalls() {
    this(Plant.NONE);
  }

  public RawSyscalls(Plant plant) {
    this.plant = plant;
  }

  static final Map<String, String> DEVICES = new LinkedHashMap<>();

  static {
    DEVICES.put("m0", "mock");
    DEVICES.put("m1", "mock");
    DEVICES.put("v0", "intel_vtd");
    DEVICES.put("s0", "arm_smmuv3");
  }

  /** The host of a try: PAGE_SIZE 4 KiB usually, else 16 or 64 KiB (seeded stream "host"). */
  static HostConfig config(long seed) {
    long r = SplitMix64.stream(seed, "host").nextBelow(8);
    long page = r < 6 ? 4096 : r == 6 ? 16384 : 65536;
    return config().withPageSize(page);
  }

  static HostConfig config() {
    return HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("m0", "mock", Map.of()),
        DeviceSpec.of("m1", "mock", Map.of("pasid_bits", "20")),
        DeviceSpec.of("v0", "intel_vtd", Map.of()),
        DeviceSpec.of("s0", "arm_smmuv3", Map.of())));
  }

  @Override
  public String name() {
    return "raw-syscalls";
  }

  @Override
  public RawState init(long seed) {
    last = new RawState(config(seed), DEVICES);
    return last;
  }

  /** The state of the latest try (for tests that look at the host's trace). */
  RawState last;

  @Override
  public String transcript(RawState s) {
    return ScnTranscript.render("raw-syscalls", s.host.config(), s.sys);
  }

  @Override
  public List<Invariant<RawState>> invariants() {
    return List.of(
        new Invariant<>("simulator invariants", s -> {
          List<String> v = s.host.checkInvariants();
          return v.isEmpty() ? null : String.join("; ", v);
        }),
        new Invariant<>("model agrees with the simulator's state", s ->
            DumpView.diff(DumpView.fromModel(s.model), DumpView.fromDump(s.host.stateDump()))));
  }

  @Override
  public List<ActionType<RawState>> actions() {
    return List.of(
        type("ioas_alloc", 6, s -> true, RawSyscalls::ioasAlloc),
        type("open_iommu", 2, s -> Gen.iommuFds(s).size() < 2, RawSyscalls::openIommu),
        type("map", 12, s -> true, RawSyscalls::map),
        type("unmap", 7, s -> true, this::unmap),
        type("copy", 4, s -> true, RawSyscalls::copy),
        type("destroy", 4, s -> true, RawSyscalls::destroy),
        type("close", 2, s -> true, RawSyscalls::close),
        type("allow_iovas", 3, s -> true, RawSyscalls::allow),
        type("iova_ranges", 3, s -> true, RawSyscalls::ranges),
        type("option", 3, s -> true, RawSyscalls::option),
        type("mock_domain", 4, s -> true, RawSyscalls::mockDomain),
        type("mmap", 2, s -> s.model.mem.size() < 8, RawSyscalls::mmap),
        type("munmap", 1, s -> true, RawSyscalls::munmap),
        type("garbage_ioctl", 2, s -> true, RawSyscalls::garbage),
        type("open_device", 2, s -> true, DeviceActions::openDevice),
        type("bind", 3, DeviceActions::anyDeviceFd, DeviceActions::bind),
        type("attach", 6, DeviceActions::anyBoundDeviceFd, DeviceActions::attach),
        type("detach", 2, DeviceActions::anyBoundDeviceFd, DeviceActions::detach),
        type("hwpt_alloc", 4, s -> true, DeviceActions::hwptAlloc),
        type("fault_alloc", 2, s -> true, DeviceActions::faultAlloc),
        type("fault_rw", 1, s -> true, DeviceActions::faultRw),
        type("fail_nth", 3, s -> true, this::failNth));
  }

  // ---- plumbing ----

  static ActionType<RawState> type(String name, int weight, Predicate<RawState> enabled,
      BiFunction<RawState, Choices, Action<RawState>> gen) {
    return new ActionType<>() {
      public String name() {
        return name;
      }

      public int weight() {
        return weight;
      }

      public boolean enabled(RawState s) {
        return enabled.test(s);
      }

      public Action<RawState> generate(RawState s, Choices c) {
        return gen.apply(s, c);
      }
    };
  }

  static Action<RawState> act(String describe, Function<RawState, String> run) {
    return new Action<>() {
      public String describe() {
        return describe;
      }

      public String run(RawState s) {
        return run.apply(s);
      }
    };
  }

  static String v(SizeVariant size, boolean bad) {
    return (size == SizeVariant.FULL ? "" : " size=" + size) + (bad ? " ptr=BAD" : "");
  }

  static long out(RawState s, CStruct st, String field) {
    return st.field(field).get(s.lastOut);
  }

  private static void died(RawState s, int id) {
    if (!s.deadIds.contains(id)) {
      s.deadIds.add(id);
    }
  }

  // ---- fds ----

  private static Action<RawState> openIommu(RawState s, Choices c) {
    return act("open /dev/iommu", st -> {
      int fd = st.model.lowestFreeFd();
      SysResult r = st.sys.open("/dev/iommu");
      Ops.judge(st, "open", Expect.ok((long) fd), r);
      Ops.checkValue("open", Expect.ok((long) fd), "fd", r.value());
      st.model.fds.put(fd, new RefModel.IommuFd(st.model.newCtx()));
      return "ok";
    });
  }

  private static Action<RawState> close(RawState s, Choices c) {
    int fd = c.percent(70) && !s.model.fds.isEmpty()
        ? new ArrayList<>(s.model.fds.keySet()).get((int) c.below(s.model.fds.size()))
        : Gen.otherFd(s, c);
    return act("close " + fd, st -> {
      boolean open = st.model.fds.containsKey(fd);
      SysResult r = st.sys.close(fd);
      String o = Ops.judge(st, "close " + fd, open ? Expect.ok() : Expect.err(Errno.EBADF), r);
      if (open) {
        st.model.close(fd);
        st.closedFds.add(fd);
      }
      return o;
    });
  }

  // ---- IOAS_ALLOC, DESTROY ----

  private static Action<RawState> ioasAlloc(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    long flags = c.percent(5) ? 1L << c.below(32) : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_IOAS_ALLOC fd=" + fd + " flags=" + U64.hex(flags) + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_ALLOC.struct();
      byte[] b = t.newBuffer();
      t.field("flags").set(b, flags);
      Ctx ctx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = flags != 0 ? Expect.err(Errno.EOPNOTSUPP)
            : Expect.ok((long) RefModel.lowestFreeId(ctx));
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_ALLOC, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && ctx != null) {
        Ops.checkValue(d, e, "out_ioas_id", out(st, t, "out_ioas_id"));
        st.model.newObj(ctx, Kind.IOAS);
      }
      return o;
    });
  }

  private static Action<RawState> destroy(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    long id = Gen.id(s, Gen.ctxOf(s, fd), null, c);
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_DESTROY fd=" + fd + " id=" + id + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_DESTROY.struct();
      byte[] b = t.newBuffer();
      t.field("id").set(b, id);
      Ctx ctx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = Ops.destroy(st.model, ctx, id);
      }
      SysResult r = st.ioctl(fd, IOMMU_DESTROY, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && ctx != null) {
        Obj obj = RefModel.get(ctx, id, null);
        if (obj == null) {
          throw new AssertionError(d + ": succeeded on an ID the model does not have");
        }
        st.model.destroy(ctx, obj);
        died(st, (int) id);
      }
      return o;
    });
  }

  // ---- MAP, UNMAP, COPY ----

  private static Action<RawState> map(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long ioasId = Gen.id(s, ctx, Kind.IOAS, c);
    boolean fixed = c.percent(50);
    long flags = Gen.mapFlags(c, fixed);
    long len = Gen.length(s, c);
    long va = Gen.userVa(s, c);
    long iova = fixed ? Gen.iova(s, Gen.areas(ctx, ioasId), len, c) : 0;
    long resv = c.percent(3) ? 1 + c.below(0xffffffffL) : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_IOAS_MAP fd=" + fd + " ioas=" + ioasId + " flags=" + flags + " va="
        + U64.hex(va) + " length=" + U64.hex(len) + " iova=" + U64.hex(iova)
        + (resv != 0 ? " __reserved=" + resv : "") + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_MAP.struct();
      byte[] b = t.newBuffer();
      t.field("flags").set(b, flags);
      t.field("ioas_id").set(b, ioasId);
      t.field("__reserved").set(b, resv);
      t.field("user_va").set(b, va);
      t.field("length").set(b, len);
      t.field("iova").set(b, iova);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = Ops.map(st.model, cx, flags, resv, ioasId, va, len, iova);
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_MAP, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (o.equals("injected EFAULT") && cx != null) {
        Obj ioas = RefModel.get(cx, ioasId, Kind.IOAS);
        learnAreas(st, cx, ioas, d, List.of(new Area(0, len - 1, va, (flags & 2) != 0)));
      }
      if (r.isOk() && cx != null) {
        long got = out(st, t, "iova");
        Ops.checkValue(d, e, "iova", got);
        Obj ioas = RefModel.get(cx, ioasId, Kind.IOAS);
        Ops.addArea(st.model, ioas, new Area(got, got + len - 1, va, (flags & 2) != 0));
      }
      return o;
    });
  }

  private Action<RawState> unmap(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long ioasId = Gen.id(s, ctx, Kind.IOAS, c);
    List<Area> areas = Gen.areas(ctx, ioasId);
    long p = s.model.page;
    long iova;
    long len;
    int k = (int) c.below(10);
    if (k < 6 && !areas.isEmpty()) {
      Area a = areas.get((int) c.below(areas.size()));
      switch (k) {
        case 0, 1 -> {
          iova = a.start();
          len = a.length();
        }
        case 2 -> {
          iova = a.start() - p;
          len = a.length() + 2 * p;
        }
        case 3 -> {
          iova = a.start();
          len = Math.max(1, a.length() - p);
        }
        case 4 -> {
          iova = a.start() + p;
          len = a.length();
        }
        default -> {
          iova = a.start();
          len = areas.getLast().last() - a.start() + 1;
        }
      }
    } else if (k == 6 || k == 7) {
      iova = 0;
      len = U64.MAX;
    } else {
      len = Gen.length(s, c);
      iova = Gen.iova(s, areas, len, c);
    }
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_IOAS_UNMAP fd=" + fd + " ioas=" + ioasId + " iova=" + U64.hex(iova)
        + " length=" + U64.hex(len) + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_UNMAP.struct();
      byte[] b = t.newBuffer();
      t.field("ioas_id").set(b, ioasId);
      t.field("iova").set(b, iova);
      t.field("length").set(b, len);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      Ops.Unmap u = null;
      if (e == null) {
        u = Ops.unmap(cx, ioasId, iova, len);
        e = u.expect();
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_UNMAP, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (u != null) {
        if (r.isOk()) {
          Ops.checkValue(d, e, "length", out(st, t, "length"));
        }
        Obj ioas = RefModel.get(cx, ioasId, Kind.IOAS);
        for (long start : u.removed()) {
          ioas.areas.remove(start);
        }
        if (plant == Plant.UNMAP_SPLITS_AREAS && ioas != null) {
          // the planted belief: an unmap that starts inside an area trims it
          var cut = ioas.areas.lowerEntry(iova);
          if (cut != null && U64.le(iova, cut.getValue().last())) {
            Area a = cut.getValue();
            ioas.areas.put(a.start(), new Area(a.start(), iova - 1, a.va(), a.writable()));
          }
        }
      }
      return o;
    });
  }

  private static Action<RawState> copy(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long srcId = Gen.id(s, ctx, Kind.IOAS, c);
    long dstId = c.percent(30) ? srcId : Gen.id(s, ctx, Kind.IOAS, c);
    List<Area> areas = Gen.areas(ctx, srcId);
    long src;
    long len;
    if (!areas.isEmpty() && c.below(5) < 4) {
      Area a = areas.get((int) c.below(areas.size()));
      long p = s.model.page;
      switch ((int) c.below(4)) {
        case 0 -> {
          src = a.start();
          len = a.length();
        }
        case 1 -> {
          src = a.start() + Math.min(p, a.length() - 1);
          len = Math.max(1, a.length() - p);
        }
        case 2 -> {
          src = a.start();
          len = areas.getLast().last() - a.start() + 1;
        }
        default -> {
          src = a.start();
          len = a.length() + p;
        }
      }
    } else {
      len = Gen.length(s, c);
      src = Gen.iova(s, areas, len, c);
    }
    boolean fixed = c.percent(50);
    long flags = Gen.mapFlags(c, fixed);
    long dst = fixed ? Gen.iova(s, Gen.areas(ctx, dstId), len, c) : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_IOAS_COPY fd=" + fd + " dst_ioas=" + dstId + " src_ioas=" + srcId
        + " flags=" + flags + " length=" + U64.hex(len) + " dst_iova=" + U64.hex(dst)
        + " src_iova=" + U64.hex(src) + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_COPY.struct();
      byte[] b = t.newBuffer();
      t.field("flags").set(b, flags);
      t.field("dst_ioas_id").set(b, dstId);
      t.field("src_ioas_id").set(b, srcId);
      t.field("length").set(b, len);
      t.field("dst_iova").set(b, dst);
      t.field("src_iova").set(b, src);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      Ops.Copy cp = null;
      if (e == null) {
        cp = Ops.copy(st.model, cx, flags, dstId, srcId, len, dst, src);
        e = cp.expect();
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_COPY, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (o.equals("injected EFAULT") && cp != null && cp.slices() != null) {
        learnAreas(st, cx, RefModel.get(cx, dstId, Kind.IOAS), d, cp.slices());
      }
      if (r.isOk() && cp != null) {
        long got = out(st, t, "dst_iova");
        Ops.checkValue(d, e, "dst_iova", got);
        Obj dIoas = RefModel.get(cx, dstId, Kind.IOAS);
        long at = got;
        for (Area sl : cp.slices()) {
          Ops.addArea(st.model, dIoas, new Area(at, at + sl.length() - 1, sl.va(),
              sl.writable()));
          at += sl.length();
        }
      }
      return o;
    });
  }

  // ---- ALLOW_IOVAS, IOVA_RANGES, OPTION ----

  private static Action<RawState> allow(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long ioasId = Gen.id(s, ctx, Kind.IOAS, c);
    int n = (int) c.below(4);
    List<long[]> ranges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long len = Gen.length(s, c);
      long start = i > 0 && c.percent(30) ? ranges.get(i - 1)[1] + 1
          : Gen.iova(s, Gen.areas(ctx, ioasId), len, c);
      long last = c.percent(10) ? start : start + len - 1;
      ranges.add(new long[] {start, last});
    }
    boolean badRanges = n > 0 && c.percent(5);
    long resv = c.percent(3) ? 1 : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    StringBuilder rs = new StringBuilder();
    ranges.forEach(r -> rs.append(" [").append(U64.hex(r[0])).append(',').append(U64.hex(r[1]))
        .append(']'));
    String d = "IOMMU_IOAS_ALLOW_IOVAS fd=" + fd + " ioas=" + ioasId + " ranges" + rs
        + (badRanges ? " ranges_ptr=BAD" : "") + (resv != 0 ? " __reserved=1" : "")
        + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_ALLOW_IOVAS.struct();
      byte[] b = t.newBuffer();
      t.field("ioas_id").set(b, ioasId);
      t.field("num_iovas").set(b, n);
      t.field("__reserved").set(b, resv);
      byte[] arr = new byte[16 * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < 8; j++) {
          arr[16 * i + j] = (byte) (ranges.get(i)[0] >>> (8 * j));
          arr[16 * i + 8 + j] = (byte) (ranges.get(i)[1] >>> (8 * j));
        }
      }
      long ptr = badRanges ? RawState.UNMAPPED : st.store(1024, arr);
      t.field("allowed_iovas").set(b, ptr);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = Ops.allow(st.model, cx, resv, ioasId, badRanges ? null : ranges);
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && cx != null) {
        Obj ioas = RefModel.get(cx, ioasId, Kind.IOAS);
        // the new set replaces the old one; adjacent ranges stay separate nodes
        ioas.allowed.clear();
        ranges.forEach(x -> ioas.allowed.put(x[0], x[1]));
      }
      return o;
    });
  }

  private static Action<RawState> ranges(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    long ioasId = Gen.id(s, Gen.ctxOf(s, fd), Kind.IOAS, c);
    int cap = (int) c.below(4);
    long resv = c.percent(3) ? 1 : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_IOAS_IOVA_RANGES fd=" + fd + " ioas=" + ioasId + " num_iovas=" + cap
        + (resv != 0 ? " __reserved=1" : "") + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_IOAS_IOVA_RANGES.struct();
      byte[] b = t.newBuffer();
      t.field("ioas_id").set(b, ioasId);
      t.field("num_iovas").set(b, cap);
      t.field("__reserved").set(b, resv);
      long ptr = st.store(1024, new byte[64]);
      t.field("allowed_iovas").set(b, ptr);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      List<long[]> want = null;
      Obj ioas = null;
      if (e == null) {
        ioas = RefModel.get(cx, ioasId, Kind.IOAS);
        if (resv != 0) {
          e = Expect.err(Errno.EOPNOTSUPP);
        } else if (ioas == null) {
          e = Expect.err(Errno.ENOENT);
        } else if (!st.model.exact(cx, ioas)) {
          e = Expect.UNKNOWN;
        } else {
          want = Ops.ranges(st.model, cx, ioas);
          e = want.size() > cap ? Expect.err(Errno.EMSGSIZE) : Expect.ok();
        }
      }
      SysResult r = st.ioctl(fd, IOMMU_IOAS_IOVA_RANGES, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (want != null) {
        checkRanges(st, d, want, cap, st.model.alignment(cx, ioas));
      }
      return o;
    });
  }

  private static void checkRanges(RawState st, String d, List<long[]> want, int cap,
      long align) {
    CStruct t = IOMMU_IOAS_IOVA_RANGES.struct();
    long num = out(st, t, "num_iovas");
    long al = out(st, t, "out_iova_alignment");
    if (num != want.size() || al != align) {
      throw new AssertionError(d + ": the model expected num_iovas=" + want.size()
          + " alignment=" + align + ", the simulator wrote " + num + " and " + al);
    }
    for (int i = 0; i < Math.min(cap, want.size()); i++) {
      long start = st.sys.memory().load64(st.scratch + 1024 + 16L * i);
      long last = st.sys.memory().load64(st.scratch + 1024 + 16L * i + 8);
      if (start != want.get(i)[0] || last != want.get(i)[1]) {
        throw new AssertionError(d + ": range " + i + " is " + U64.hex(start) + "-"
            + U64.hex(last) + ", the model expected " + U64.hex(want.get(i)[0]) + "-"
            + U64.hex(want.get(i)[1]));
      }
    }
  }

  private static Action<RawState> option(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    boolean huge = c.below(4) != 0;
    long optionId = c.percent(4) ? 2 + c.below(8) : huge ? 1 : 0;
    long op = c.percent(5) ? 2 + c.below(8) : c.below(2);
    long val = c.percent(10) ? 2 + c.below(8) : c.below(2);
    long obj = huge ? Gen.id(s, ctx, Kind.IOAS, c) : c.percent(10) ? 1 : 0;
    long resv = c.percent(3) ? 1 : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_OPTION fd=" + fd + " option_id=" + optionId + " op=" + op + " object_id="
        + obj + " val64=" + val + (resv != 0 ? " __reserved=1" : "") + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_OPTION.struct();
      byte[] b = t.newBuffer();
      t.field("option_id").set(b, optionId);
      t.field("op").set(b, op);
      t.field("__reserved").set(b, resv);
      t.field("object_id").set(b, obj);
      t.field("val64").set(b, val);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = Options.predict(st.model, cx, optionId, op, obj, val, resv);
      }
      SysResult r = st.ioctl(fd, IOMMU_OPTION, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && cx != null) {
        Ops.checkValue(d, e, "val64", out(st, t, "val64"));
        Options.apply(st.model, cx, optionId, op, obj, val);
      }
      return o;
    });
  }

  // ---- selftest mock domain ----

  private static Action<RawState> mockDomain(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long pt = c.below(5) < 4 ? Gen.id(s, ctx, Kind.IOAS, c) : Gen.id(s, ctx, null, c);
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_TEST_OP_MOCK_DOMAIN fd=" + fd + " id=" + pt + v(size, bad);
    return act(d, st -> {
      CStruct t = iommu_test_cmd;
      byte[] b = t.newBuffer();
      t.field("op").set(b, IOMMU_TEST_OP_MOCK_DOMAIN);
      t.field("id").set(b, pt);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      MockDomain.Plan plan = null;
      if (e == null) {
        plan = MockDomain.plan(st.model, cx, pt);
        e = plan.expect();
      }
      SysResult r = st.ioctl(fd, IOMMU_TEST_CMD, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && cx != null) {
        MockDomain.apply(st.model, cx, d, plan, out(st, t, "mock_domain.out_stdev_id"),
            out(st, t, "mock_domain.out_idev_id"), out(st, t, "mock_domain.out_hwpt_id"), pt);
      }
      return o;
    });
  }

  /**
   * MAP and COPY answer EFAULT when only their final copy-out fails, with the mapping made
   * (ioas.c responds after the work): learn where from the dump. The new areas must be the
   * slices laid back to back in what was free, or nothing at all.
   */
  private static void learnAreas(RawState st, Ctx cx, Obj ioas, String d, List<Area> slices) {
    if (ioas == null) {
      return;
    }
    List<long[]> fresh = new ArrayList<>();
    for (long[] a : DumpView.areas(st.host.stateDump(), st.model.ctxs.indexOf(cx), ioas.id)) {
      if (!ioas.areas.containsKey(a[0])) {
        fresh.add(a);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    if (fresh.size() != slices.size()) {
      throw new AssertionError(d + ": after a failed copy-out the simulator shows "
          + fresh.size() + " new areas for " + slices.size() + " slices");
    }
    long at = fresh.getFirst()[0];
    for (int i = 0; i < slices.size(); i++) {
      Area sl = slices.get(i);
      Ops.addArea(st.model, ioas, new Area(at, at + sl.length() - 1, sl.va(), sl.writable()));
      at += sl.length();
    }
  }

  // ---- injected allocation failures ----

  /**
   * An allocating call with its n-th fallible point made to fail (fail-nth): if the failure
   * fires and the call fails, nothing may have changed (every invariant and the comparison with
   * the model check that); a call the failure did not reach is judged as usual.
   */
  private Action<RawState> failNth(RawState s, Choices c) {
    int n = (int) c.between(1, 12);
    List<BiFunction<RawState, Choices, Action<RawState>>> inner = List.of(
        RawSyscalls::ioasAlloc, RawSyscalls::map, RawSyscalls::copy, RawSyscalls::mockDomain,
        DeviceActions::hwptAlloc, DeviceActions::faultAlloc, DeviceActions::attach,
        DeviceActions::bind, RawSyscalls::allow);
    int k = (int) c.below(inner.size());
    if (k >= 6 && !DeviceActions.anyBoundDeviceFd(s)) {
      k = 0;
    }
    Action<RawState> a = inner.get(k).apply(s, c);
    return act("fail_nth=" + n + " " + a.describe(), st -> {
      st.sys.failNth(n);
      st.injecting = true;
      try {
        return a.run(st);
      } finally {
        st.injecting = false;
        st.sys.failNth(0);
      }
    });
  }

  // ---- memory ----

  private static Action<RawState> mmap(RawState s, Choices c) {
    long pages = 1 + c.below(16);
    return act("mmap " + pages + " pages", st -> {
      long at = st.mmap(pages * st.model.page);
      if (at < 0) {
        throw new AssertionError("mmap of " + pages + " pages failed");
      }
      return "ok";
    });
  }

  /** Unmaps a buffer that no area refers to (pinning of freed memory is out of scope). */
  private static Action<RawState> munmap(RawState s, Choices c) {
    List<Long> free = new ArrayList<>();
    for (var e : s.model.mem.entrySet()) {
      if (e.getKey() != s.scratch && !referenced(s.model, e.getKey(), e.getValue())) {
        free.add(e.getKey());
      }
    }
    if (free.isEmpty()) {
      return act("munmap nothing", st -> "skipped");
    }
    long at = free.get((int) c.below(free.size()));
    return act("munmap " + U64.hex(at), st -> {
      long last = st.model.mem.get(at);
      SysResult r = st.sys.munmap(at, last - at + 1);
      String o = Ops.judge(st, "munmap", Expect.ok(), r);
      st.model.mem.remove(at);
      return o;
    });
  }

  private static boolean referenced(RefModel m, long start, long last) {
    for (Ctx c : m.ctxs) {
      for (Obj o : c.objs.values()) {
        for (Area a : o.areas.values()) {
          if (U64.intersects(a.va(), a.va() + a.length() - 1, start, last)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // ---- garbage ----

  /**
   * An ioctl number the dispatcher does not know, or a known one with a bad pointer: ENOTTY or
   * EFAULT, and nothing changes.
   */
  private static Action<RawState> garbage(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    long req = switch ((int) c.below(5)) {
      case 0 -> 0x3B00 | (0x95 + c.below(11));
      case 1 -> 0x3B00 | (0xa1 + c.below(0x5f));
      case 2 -> 0x3B00 | c.below(0x60);
      case 3 -> IOMMU_IOAS_ALLOC.request() | (1L << 30) | (12L << 16);
      default -> ((0x3C + c.below(0xc0)) << 8) | (0x80 + c.below(0x21));
    };
    boolean bad = c.percent(30);
    String d = "ioctl fd=" + fd + " request=" + U64.hex(req) + (bad ? " ptr=BAD" : "");
    return act(d, st -> {
      long arg = st.store(0, new byte[64]);
      Expect e;
      long nr = req & 0xff;
      if (!st.model.fds.containsKey(fd)) {
        e = Expect.err(Errno.EBADF);
      } else if (!(st.model.fds.get(fd) instanceof RefModel.IommuFd)) {
        e = Expect.UNKNOWN;
      } else if (nr >= 0x80 && nr <= 0xa0 && bad) {
        e = Expect.err(Errno.EFAULT);
      } else {
        e = Expect.err(Errno.ENOTTY);
      }
      SysResult r = st.sys.ioctl(fd, req, bad ? RawState.UNMAPPED : arg);
      return Ops.judge(st, d, e, r);
    });
  }

}
