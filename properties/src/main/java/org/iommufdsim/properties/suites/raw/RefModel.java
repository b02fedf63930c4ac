package org.iommufdsim.properties.suites.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.uapi.Errno;

/**
 * An independent reference model of the part of iommufd the raw-syscall suite exercises, written
 * from the kernel source (main.c, ioas.c, io_pagetable.c, device.c, hw_pagetable.c, selftest.c)
 * and never from the simulator: the fd table, per context the object table with the lowest-free
 * ID rule, which objects pin which (so DESTROY's EBUSY/ENOENT), each IOAS's areas, allowed ranges,
 * HUGE_PAGES option and the mock domains that set its alignment and reservations.
 *
 * <p>An IOAS is <em>exact</em> while every domain on it and every device reservation in it comes
 * from the mock driver, whose geometry the kernel source fixes (aperture [2^24, 2^31-1], 2 KiB
 * pages, no reserved regions). Calls whose answer depends on a hardware driver's geometry are
 * "unknown": their errno is not predicted, and the model follows what the call did.
 */
final class RefModel {
  static final long MOCK_AP_START = 1L << 24;
  static final long MOCK_AP_LAST = (1L << 31) - 1;
  static final long MOCK_PAGE = 2048;
  static final long HPAGE = 2L << 20;

  enum Kind { IOAS, HWPT_PAGING, DEVICE, SELFTEST, FAULT }

  /**
   * What the model knows of a driver's paging domains and devices: the aperture, the smallest
   * page (the IOAS alignment a domain imposes) and the reserved region every device reports.
   * VT-d (intel-iommu.c): the lower canonical half of the default 48-bit width, 4 KiB pages,
   * the IOAPIC window as IOMMU_RESV_MSI. The SMMUv3 geometry depends on its IAS and is left
   * unknown.
   */
  enum Driver {
    MOCK(MOCK_AP_START, MOCK_AP_LAST, MOCK_PAGE, null),
    INTEL_VTD(0, (1L << 47) - 1, 4096, new long[] {0xfee00000L, 0xfeefffffL}),
    /** A VT-d second-stage domain (NEST_PARENT or DIRTY_TRACKING): the whole 48-bit width. */
    INTEL_VTD_S2(0, (1L << 48) - 1, 4096, new long[] {0xfee00000L, 0xfeefffffL}),
    ARM_SMMUV3(0, 0, 0, null);

    final long apStart;
    final long apLast;
    final long minPage;
    final long[] region;

    Driver(long apStart, long apLast, long minPage, long[] region) {
      this.apStart = apStart;
      this.apLast = apLast;
      this.minPage = minPage;
      this.region = region;
    }

    boolean known() {
      return this != ARM_SMMUV3;
    }

    /** The driver that owns such a domain (a device attaches only to its own driver's). */
    Driver family() {
      return this == INTEL_VTD_S2 ? INTEL_VTD : this;
    }

    /** The reservations a domain's aperture makes: below its start and above its end. */
    List<long[]> apertureHoles() {
      List<long[]> out = new ArrayList<>();
      if (apStart != 0) {
        out.add(new long[] {0, apStart - 1});
      }
      if (apLast != U64.MAX) {
        out.add(new long[] {apLast + 1, U64.MAX});
      }
      return out;
    }

    static Driver of(String name) {
      return switch (name) {
        case "mock" -> MOCK;
        case "intel_vtd" -> INTEL_VTD;
        default -> ARM_SMMUV3;
      };
    }
  }

  /** An open file descriptor: what it refers to. */
  sealed interface Fd permits NullFd, IommuFd, DeviceFd, FaultFd {}

  record NullFd() implements Fd {}

  record IommuFd(Ctx ctx) implements Fd {}

  record DeviceFd(Dev dev) implements Fd {}

  record FaultFd(Ctx ctx, int faultId) implements Fd {}

  /**
   * One mapping: inclusive IOVA range, the user VA of its first byte, whether its pages are
   * writable. Whether its memory can be pinned is asked of the memory map when a pin happens
   * (memory an area refers to is never unmapped here, and addresses are never reused).
   */
  record Area(long start, long last, long va, boolean writable) {
    long length() {
      return last - start + 1;
    }
  }

  /** A device: a configured VFIO cdev or a selftest mock device. */
  static final class Dev {
    final String name;
    final Driver driver;
    final boolean mock;
    final boolean selftest;
    /** The PASID width the device reports (the host config's pasid_bits; 0 for selftest ones). */
    int pasidBits;
    Ctx ctx;
    int devId;
    int rid;
    final TreeMap<Integer, Integer> pasids = new TreeMap<>();

    Dev(String name, Driver driver, boolean selftest) {
      this.name = name;
      this.driver = driver;
      this.mock = driver == Driver.MOCK;
      this.selftest = selftest;
    }

    boolean bound() {
      return ctx != null;
    }
  }

  /** One object of a context; which fields matter depends on the kind. */
  static final class Obj {
    final Kind kind;
    final int id;
    final long serial;
    final TreeMap<Long, Area> areas = new TreeMap<>(Long::compareUnsigned);
    TreeMap<Long, Long> allowed = new TreeMap<>(Long::compareUnsigned);
    boolean hugeOff;
    int ioas;
    boolean auto;
    boolean mockDomain;
    Driver drv;
    /** Allocated with IOMMU_HWPT_ALLOC_PASID. */
    boolean pasidCompat;
    int fault;
    Dev dev;
    boolean fdOpen;

    Obj(Kind kind, int id, long serial) {
      this.kind = kind;
      this.id = id;
      this.serial = serial;
    }
  }

  /** One iommufd file (context). */
  static final class Ctx {
    final int serial;
    final TreeMap<Integer, Obj> objs = new TreeMap<>();
    int fileRefs = 1;
    boolean accountMm;

    Ctx(int serial) {
      this.serial = serial;
    }
  }

  final long page;
  final TreeMap<Integer, Fd> fds = new TreeMap<>();
  final List<Ctx> ctxs = new ArrayList<>();
  final TreeMap<String, Dev> devices = new TreeMap<>();
  /** Mapped user memory: start -> last (inclusive). */
  final TreeMap<Long, Long> mem = new TreeMap<>(Long::compareUnsigned);
  private int ctxSerial;
  private long objSerial;
  private int selftestSerial;

  RefModel(long page, Map<String, String> deviceDrivers) {
    this.page = page;
    for (int fd = 0; fd < 3; fd++) {
      fds.put(fd, new NullFd());
    }
    deviceDrivers.forEach((n, d) -> devices.put(n, new Dev(n, Driver.of(d), false)));
    devices.get("m1").pasidBits = 20;
  }

  // ---- small queries ----

  int lowestFreeFd() {
    int fd = 0;
    while (fds.containsKey(fd)) {
      fd++;
    }
    return fd;
  }

  static int lowestFreeId(Ctx c) {
    int id = 1;
    while (c.objs.containsKey(id)) {
      id++;
    }
    return id;
  }

  static Obj get(Ctx c, long id, Kind kind) {
    if (id <= 0 || id > Integer.MAX_VALUE) {
      return null;
    }
    Obj o = c.objs.get((int) id);
    return o != null && (kind == null || o.kind == kind) ? o : null;
  }

  Obj newObj(Ctx c, Kind kind) {
    Obj o = new Obj(kind, lowestFreeId(c), objSerial++);
    c.objs.put(o.id, o);
    return o;
  }

  boolean memValid(long va, long len) {
    if (len == 0 || U64.addOverflows(va, len - 1)) {
      return false;
    }
    long last = va + len - 1;
    var e = mem.floorEntry(va);
    return e != null && U64.le(va, e.getValue()) && U64.le(last, e.getValue());
  }

  List<Obj> hwptsOf(Ctx c, int ioasId) {
    List<Obj> out = new ArrayList<>();
    c.objs.values().stream().filter(o -> o.kind == Kind.HWPT_PAGING && o.ioas == ioasId)
        .sorted((a, b) -> Long.compare(a.serial, b.serial)).forEach(out::add);
    return out;
  }

  List<Dev> boundDevices(Ctx c) {
    List<Dev> out = new ArrayList<>();
    for (Obj o : c.objs.values()) {
      if (o.kind == Kind.DEVICE) {
        out.add(o.dev);
      }
    }
    return out;
  }

  /** Devices whose RID is attached to a HWPT on this IOAS (their regions are reserved). */
  List<Dev> ridDevices(Ctx c, Obj ioas) {
    List<Dev> out = new ArrayList<>();
    for (Dev d : boundDevices(c)) {
      // a VFIO "PASID" attach of PASID 0 is iommufd's RID attach
      int rid = d.rid != 0 ? d.rid : d.pasids.getOrDefault(0, 0);
      Obj h = rid == 0 ? null : get(c, rid, Kind.HWPT_PAGING);
      if (h != null && h.ioas == ioas.id) {
        out.add(d);
      }
    }
    return out;
  }

  /** Every domain and every reserving device on the IOAS is of a driver the model knows. */
  boolean exact(Ctx c, Obj ioas) {
    for (Obj h : hwptsOf(c, ioas.id)) {
      if (!h.drv.known()) {
        return false;
      }
    }
    for (Dev d : ridDevices(c, ioas)) {
      if (!d.driver.known()) {
        return false;
      }
    }
    return true;
  }

  long alignment(Ctx c, Obj ioas) {
    long a = ioas.hugeOff ? page : 1;
    for (Obj h : hwptsOf(c, ioas.id)) {
      a = Math.max(a, h.drv.minPage);
    }
    return a;
  }

  /** The reservations of an exact IOAS: domain apertures' complements and device regions. */
  List<long[]> reserved(Ctx c, Obj ioas) {
    List<long[]> out = new ArrayList<>();
    for (Obj h : hwptsOf(c, ioas.id)) {
      out.addAll(h.drv.apertureHoles());
    }
    for (Dev d : ridDevices(c, ioas)) {
      if (d.driver.region != null) {
        out.add(d.driver.region.clone());
      }
    }
    return out;
  }

  /** iopt_reserve_iova: a new reservation may not cover an area or an allowed range. */
  static boolean conflicts(Obj ioas, long[] r) {
    return hitsArea(ioas, r[0], r[1]) || hitsAllowed(ioas, r[0], r[1]);
  }

  /** Enforcing a device's reserved region on the IOAS (device.c): EADDRINUSE on conflict. */
  static Errno enforceRegion(Obj ioas, Dev d) {
    return d.driver.region != null && conflicts(ioas, d.driver.region) ? Errno.EADDRINUSE : null;
  }

  boolean hitsReserved(Ctx c, Obj ioas, long s, long l) {
    for (long[] r : reserved(c, ioas)) {
      if (U64.intersects(s, l, r[0], r[1])) {
        return true;
      }
    }
    return false;
  }

  static boolean hitsArea(Obj ioas, long s, long l) {
    var e = ioas.areas.floorEntry(l);
    return e != null && U64.le(s, e.getValue().last());
  }

  /** Whether anything besides the object table holds the object (IOMMU_DESTROY's EBUSY). */
  boolean busy(Ctx c, Obj o) {
    return switch (o.kind) {
      case IOAS -> !hwptsOf(c, o.id).isEmpty();
      case HWPT_PAGING -> boundDevices(c).stream()
          .anyMatch(d -> d.rid == o.id || d.pasids.containsValue(o.id));
      case DEVICE -> true;
      case SELFTEST -> false;
      case FAULT -> o.fdOpen || c.objs.values().stream()
          .anyMatch(h -> h.kind == Kind.HWPT_PAGING && h.fault == o.id);
    };
  }

  /**
   * The object's {@code users} count as the kernel keeps it: 1 for the object table, plus one
   * per holder (main.c, device.c, hw_pagetable.c, fault.c).
   */
  int users(Ctx c, Obj o) {
    int n = 1;
    switch (o.kind) {
      case IOAS -> n += hwptsOf(c, o.id).size();
      case HWPT_PAGING -> {
        for (Dev d : boundDevices(c)) {
          n += (d.rid == o.id ? 1 : 0)
              + (int) d.pasids.values().stream().filter(h -> h == o.id).count();
        }
      }
      case DEVICE -> n += 1 + (o.dev.rid != 0 ? 1 : 0) + o.dev.pasids.size();
      case SELFTEST -> { }
      case FAULT -> n += (o.fdOpen ? 1 : 0) + (int) c.objs.values().stream()
          .filter(h -> h.kind == Kind.HWPT_PAGING && h.fault == o.id).count();
    }
    return n;
  }

  // ---- shared kernel rules ----

  /** iopt_check_iova: a FIXED_IOVA placement. */
  Errno checkIova(Ctx c, Obj ioas, long iova, long len) {
    if (!U64.aligned(iova, alignment(c, ioas))) {
      return Errno.EINVAL;
    }
    if (U64.addOverflows(iova, len - 1)) {
      return Errno.EOVERFLOW;
    }
    long last = iova + len - 1;
    if (hitsReserved(c, ioas, iova, last)) {
      return Errno.EINVAL;
    }
    return hitsArea(ioas, iova, last) ? Errno.EEXIST : null;
  }

  /**
   * iopt_alloc_iova: the automatic placement, or an errno; null value when the model cannot say
   * which IOVA (an alignment hint above the huge page size, where kernels differ).
   */
  Expect allocIova(Ctx c, Obj ioas, long hint, long len) {
    if (len == 0 || !U64.lt(len, Long.MAX_VALUE)) {
      return Expect.err(Errno.EOVERFLOW);
    }
    long a = U64.roundUpPow2(len);
    if (hint != 0) {
      a = U64.min(a, Long.lowestOneBit(hint));
    }
    if (U64.lt(a, alignment(c, ioas))) {
      return Expect.err(Errno.EINVAL);
    }
    if (U64.lt(HPAGE, a)) {
      // kernels differ on capping the hint's alignment at the huge page size: predict only
      // what both readings agree on
      Expect full = place(c, ioas, hint, len, a);
      Expect capped = place(c, ioas, hint, len, HPAGE);
      return full.equals(capped) ? full : Expect.UNKNOWN;
    }
    return place(c, ioas, hint, len, a);
  }

  private Expect place(Ctx c, Obj ioas, long hint, long len, long a) {
    long off = hint % page;
    for (long[] w : windows(ioas)) {
      long ws = fit(w[0], w[1], len, a, off);
      if (ws == -1) {
        continue;
      }
      for (long[] h : holes(used(c, ioas), ws, w[1])) {
        long s = fit(h[0], h[1], len, a, off);
        if (s == -1) {
          continue;
        }
        // the selftest build re-checks the choice and refuses a bad one with EINVAL
        return checkIova(c, ioas, s, len) == null ? Expect.ok(s) : Expect.err(Errno.EINVAL);
      }
    }
    return Expect.err(Errno.ENOSPC);
  }

  /**
   * __alloc_iova_check_range (since the 2025 overflow fix): align {@code start} up without
   * wrapping, put the page offset back, and require it strictly below {@code last} with room
   * for the length. Answers the aligned start, or -1 (never a valid start: it is odd and at
   * the top) when the range does not fit.
   */
  static long fit(long start, long last, long len, long a, long off) {
    if (U64.addOverflows(start, a - 1)) {
      return -1;
    }
    long s = ((start + a - 1) & -a) | off;
    if (U64.le(last, s) || U64.lt(last - s, len - 1)) {
      return -1;
    }
    return s;
  }

  private List<long[]> windows(Obj ioas) {
    long lo = page;
    long hi = U64.MAX - page;
    List<long[]> out = new ArrayList<>();
    if (ioas.allowed.isEmpty()) {
      out.add(new long[] {lo, hi});
      return out;
    }
    List<long[]> merged = merge(new ArrayList<>(ioas.allowed.entrySet().stream()
        .map(e -> new long[] {e.getKey(), e.getValue()}).toList()));
    for (long[] r : merged) {
      long s = U64.max(r[0], lo);
      long l = U64.min(r[1], hi);
      if (U64.le(s, l)) {
        out.add(new long[] {s, l});
      }
    }
    return out;
  }

  private List<long[]> used(Ctx c, Obj ioas) {
    List<long[]> all = new ArrayList<>(reserved(c, ioas));
    ioas.areas.values().forEach(a -> all.add(new long[] {a.start(), a.last()}));
    return merge(all);
  }

  /** Sorted union of intervals, joining overlapping and adjacent ones. */
  static List<long[]> merge(List<long[]> in) {
    List<long[]> s = new ArrayList<>(in);
    s.sort((x, y) -> Long.compareUnsigned(x[0], y[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : s) {
      if (!out.isEmpty()) {
        long[] t = out.getLast();
        if (t[1] == U64.MAX || U64.le(r[0], t[1] + 1)) {
          t[1] = U64.max(t[1], r[1]);
          continue;
        }
      }
      out.add(new long[] {r[0], r[1]});
    }
    return out;
  }

  /** The gaps of the merged {@code used} intervals inside [from, to]. */
  static List<long[]> holes(List<long[]> used, long from, long to) {
    List<long[]> out = new ArrayList<>();
    long cur = from;
    boolean done = false;
    for (long[] u : used) {
      if (done || U64.lt(u[1], cur)) {
        continue;
      }
      if (U64.lt(to, u[0])) {
        break;
      }
      if (U64.lt(cur, u[0])) {
        out.add(new long[] {cur, u[0] - 1});
      }
      if (u[1] == U64.MAX || U64.le(to, u[1])) {
        done = true;
      } else {
        cur = u[1] + 1;
      }
    }
    if (!done && U64.le(cur, to)) {
      out.add(new long[] {cur, to});
    }
    return out;
  }

  /**
   * iopt_table_add_domain on an exact IOAS: the alignment the domain raises, its aperture's
   * reservations against areas and allowed ranges, then pinning every area. Null on success.
   */
  Errno addDomain(Ctx c, Obj ioas, Driver drv) {
    long cur = alignment(c, ioas);
    long next = Math.max(cur, drv.minPage);
    if (next > page) {
      return Errno.EINVAL;
    }
    if (next != cur) {
      for (Area a : ioas.areas.values()) {
        if (!U64.aligned(a.start(), next) || !U64.aligned(a.length(), next)
            || !U64.aligned(a.va() % page, next)) {
          return Errno.EADDRINUSE;
        }
      }
    }
    for (long[] r : drv.apertureHoles()) {
      if (conflicts(ioas, r)) {
        return Errno.EADDRINUSE;
      }
    }
    for (Area a : ioas.areas.values()) {
      if (!memValid(a.va(), a.length())) {
        return Errno.EFAULT;
      }
    }
    return null;
  }

  static boolean hitsAllowed(Obj ioas, long s, long l) {
    var e = ioas.allowed.floorEntry(l);
    return e != null && U64.le(s, e.getValue());
  }

  // ---- lifecycle effects ----

  /** Drops a HWPT that was created automatically once nothing uses it. */
  void dropAutoIfUnused(Ctx c, int hwptId) {
    Obj h = get(c, hwptId, Kind.HWPT_PAGING);
    if (h != null && h.auto && !busy(c, h)) {
      c.objs.remove(hwptId);
    }
  }

  void detachRid(Ctx c, Dev d) {
    int old = d.rid;
    d.rid = 0;
    if (old != 0) {
      dropAutoIfUnused(c, old);
    }
  }

  void detachPasid(Ctx c, Dev d, int pasid) {
    Integer old = d.pasids.remove(pasid);
    if (old != null) {
      dropAutoIfUnused(c, old);
    }
  }

  /** Unbinds a device: PASIDs, then the RID, then the DEVICE object. */
  void unbind(Dev d) {
    Ctx c = d.ctx;
    for (int p : new ArrayList<>(d.pasids.keySet())) {
      detachPasid(c, d, p);
    }
    detachRid(c, d);
    c.objs.remove(d.devId);
    d.ctx = null;
    d.devId = 0;
    if (!d.selftest) {
      putFile(c);
    }
  }

  void putFile(Ctx c) {
    if (--c.fileRefs == 0) {
      ctxs.remove(c);
    }
  }

  Ctx newCtx() {
    Ctx c = new Ctx(ctxSerial++);
    ctxs.add(c);
    return c;
  }

  /** A stand-in for the mock device a MOCK_DOMAIN call is about to create. */
  Dev newSelftestProbe() {
    return new Dev("probe", Driver.MOCK, true);
  }

  Dev newSelftestDev() {
    return new Dev("selftest" + selftestSerial++, Driver.MOCK, true);
  }

  /** Destroys an object the user asked to destroy (not busy). */
  void destroy(Ctx c, Obj o) {
    c.objs.remove(o.id);
    if (o.kind == Kind.SELFTEST && o.dev != null && o.dev.bound()) {
      unbind(o.dev);
    }
  }

  /** Closes an fd; false if it was not open. */
  boolean close(int fd) {
    Fd f = fds.remove(fd);
    if (f == null) {
      return false;
    }
    switch (f) {
      case NullFd n -> { }
      case IommuFd i -> putFile(i.ctx());
      case DeviceFd d -> {
        if (d.dev().bound()) {
          unbind(d.dev());
        }
      }
      case FaultFd ff -> {
        Obj o = get(ff.ctx(), ff.faultId(), Kind.FAULT);
        if (o != null) {
          o.fdOpen = false;
        }
        putFile(ff.ctx());
      }
    }
    return true;
  }

  /** Adds a hardware-or-mock auto HWPT learned from a call's output. */
  Obj addHwpt(Ctx c, int ioasId, boolean auto, Driver drv) {
    Obj h = newObj(c, Kind.HWPT_PAGING);
    h.ioas = ioasId;
    h.auto = auto;
    h.drv = drv;
    h.mockDomain = drv == Driver.MOCK;
    return h;
  }
}
