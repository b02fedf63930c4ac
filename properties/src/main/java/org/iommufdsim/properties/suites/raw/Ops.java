package org.iommufdsim.properties.suites.raw;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.suites.raw.RawState.SizeVariant;
import org.iommufdsim.properties.suites.raw.RefModel.Area;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.Fd;
import org.iommufdsim.properties.suites.raw.RefModel.IommuFd;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The reference model's predictions for the IOAS ioctls, in the kernel's check order (ioas.c,
 * io_pagetable.c), and the effects of a call that succeeded.
 */
final class Ops {
  private Ops() {}

  /**
   * The dispatcher's part (main.c iommufd_fops_ioctl) for a known command: a bad fd, a wrong
   * kind of fd (unknown), a bad pointer, a short struct or a non-zero tail. Null: go on.
   */
  static Expect dispatch(RawState s, int fd, SizeVariant v, boolean badPtr) {
    Fd f = s.model.fds.get(fd);
    if (f == null) {
      return Expect.err(Errno.EBADF);
    }
    if (!(f instanceof IommuFd)) {
      return Expect.UNKNOWN;
    }
    if (badPtr) {
      return Expect.err(Errno.EFAULT);
    }
    return switch (v) {
      case SHORT -> Expect.err(Errno.EINVAL);
      case LONG_JUNK -> Expect.err(Errno.E2BIG);
      default -> null;
    };
  }

  /** Compares a prediction with the answer; returns the outcome label. */
  static String judge(RawState st, String what, Expect e, SysResult r) {
    if (st.injecting && !r.isOk() && st.sys.failNthRemaining() == 0) {
      return "injected " + r.errno().name();
    }
    if (e.known() && e.errno() != r.errno()) {
      throw new AssertionError(what + ": the model expected " + e.label()
          + " but the simulator answered " + r);
    }
    return (r.isOk() ? "ok" : r.errno().name()) + (e.known() ? "" : "?");
  }

  static void checkValue(String what, Expect e, String field, long actual) {
    if (e.known() && e.errno() == null && e.value() != null && e.value() != actual) {
      throw new AssertionError(what + ": the model expected " + field + "=" + U64.hex(e.value())
          + " but the simulator wrote " + U64.hex(actual));
    }
  }

  // ---- MAP ----

  static Expect map(RefModel m, Ctx c, long flags, long resv, long ioasId, long va, long len,
      long iova) {
    if ((flags & ~7L) != 0 || resv != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (iova == U64.MAX || len == U64.MAX) {
      return Expect.err(Errno.EOVERFLOW);
    }
    if ((flags & 6) == 0) {
      return Expect.err(Errno.EINVAL);
    }
    Obj ioas = RefModel.get(c, ioasId, Kind.IOAS);
    if (ioas == null) {
      return Expect.err(Errno.ENOENT);
    }
    if (U64.addOverflows(va, len)) {
      return Expect.err(Errno.EOVERFLOW);
    }
    if (len == 0 || U64.lt(U64.MAX - m.page, len)) {
      return Expect.err(Errno.EINVAL);
    }
    if (!m.exact(c, ioas)) {
      return Expect.UNKNOWN;
    }
    long align = m.alignment(c, ioas);
    if (!U64.aligned(len, align)) {
      return Expect.err(Errno.EINVAL);
    }
    Expect placed;
    if ((flags & 1) == 0) {
      placed = m.allocIova(c, ioas, va, len);
      if (placed.isErr() || !placed.known()) {
        return placed;
      }
    } else {
      Errno e = m.checkIova(c, ioas, iova, len);
      if (e != null) {
        return Expect.err(e);
      }
      placed = Expect.ok(iova);
    }
    if (!U64.aligned(va % m.page, align)) {
      return Expect.err(Errno.EINVAL);
    }
    if (!m.hwptsOf(c, ioas.id).isEmpty() && !m.memValid(va, len)) {
      return Expect.err(Errno.EFAULT);
    }
    return placed;
  }

  /** Records a successful MAP at {@code iova}; refuses one that overlaps an existing area. */
  static void addArea(RefModel m, Obj ioas, Area a) {
    if (RefModel.hitsArea(ioas, a.start(), a.last())) {
      throw new AssertionError("the simulator mapped " + U64.hex(a.start()) + "-"
          + U64.hex(a.last()) + " over an existing area of IOAS " + ioas.id);
    }
    ioas.areas.put(a.start(), a);
  }

  // ---- UNMAP ----

  /** The outcome of UNMAP, and the areas it removes (even when it fails part-way). */
  record Unmap(Expect expect, List<Long> removed) {}

  static Unmap unmap(Ctx c, long ioasId, long iova, long len) {
    Obj ioas = RefModel.get(c, ioasId, Kind.IOAS);
    if (ioas == null) {
      return new Unmap(Expect.err(Errno.ENOENT), List.of());
    }
    boolean all = iova == 0 && len == U64.MAX;
    if (!all) {
      if (iova == U64.MAX || len == U64.MAX) {
        return new Unmap(Expect.err(Errno.EOVERFLOW), List.of());
      }
      if (len == 0) {
        return new Unmap(Expect.err(Errno.EINVAL), List.of());
      }
      if (U64.addOverflows(iova, len - 1)) {
        return new Unmap(Expect.err(Errno.EOVERFLOW), List.of());
      }
    }
    long last = all ? U64.MAX : iova + len - 1;
    List<Long> removed = new ArrayList<>();
    long total = 0;
    for (Area a : ioas.areas.values()) {
      if (!U64.intersects(a.start(), a.last(), iova, last)) {
        continue;
      }
      if (U64.lt(a.start(), iova) || U64.lt(last, a.last())) {
        return new Unmap(Expect.err(Errno.ENOENT), removed);
      }
      removed.add(a.start());
      total += a.length();
    }
    if (removed.isEmpty()) {
      return new Unmap(all ? Expect.ok(0L) : Expect.err(Errno.ENOENT), removed);
    }
    return new Unmap(Expect.ok(total), removed);
  }

  // ---- COPY ----

  /** The source slices of a COPY: one per covered area, with the user VA of its first byte. */
  static List<Area> slices(Obj src, long iova, long last) {
    List<Area> out = new ArrayList<>();
    long cur = iova;
    var e = src.areas.floorEntry(iova);
    if (e == null || U64.lt(e.getValue().last(), iova)) {
      return null;
    }
    Area a = e.getValue();
    while (true) {
      long end = U64.min(last, a.last());
      out.add(new Area(cur, end, a.va() + (cur - a.start()), a.writable()));
      if (U64.le(last, a.last())) {
        return out;
      }
      cur = a.last() + 1;
      a = src.areas.get(cur);
      if (a == null) {
        return null;
      }
    }
  }

  record Copy(Expect expect, List<Area> slices) {}

  static Copy copy(RefModel m, Ctx c, long flags, long dstId, long srcId, long len, long dst,
      long src) {
    if ((flags & ~7L) != 0) {
      return new Copy(Expect.err(Errno.EOPNOTSUPP), null);
    }
    if (len == U64.MAX || src == U64.MAX || dst == U64.MAX) {
      return new Copy(Expect.err(Errno.EOVERFLOW), null);
    }
    if ((flags & 6) == 0) {
      return new Copy(Expect.err(Errno.EINVAL), null);
    }
    Obj s = RefModel.get(c, srcId, Kind.IOAS);
    if (s == null) {
      return new Copy(Expect.err(Errno.ENOENT), null);
    }
    if (len == 0) {
      return new Copy(Expect.err(Errno.EINVAL), null);
    }
    if (U64.addOverflows(src, len - 1)) {
      return new Copy(Expect.err(Errno.EOVERFLOW), null);
    }
    List<Area> sl = slices(s, src, src + len - 1);
    if (sl == null) {
      return new Copy(Expect.err(Errno.ENOENT), null);
    }
    Obj d = RefModel.get(c, dstId, Kind.IOAS);
    if (d == null) {
      return new Copy(Expect.err(Errno.ENOENT), sl);
    }
    if (!m.exact(c, d)) {
      return new Copy(Expect.UNKNOWN, sl);
    }
    long align = m.alignment(c, d);
    if (!U64.aligned(len, align)) {
      return new Copy(Expect.err(Errno.EINVAL), sl);
    }
    Expect placed;
    if ((flags & 1) == 0) {
      placed = m.allocIova(c, d, sl.getFirst().va(), len);
      if (placed.isErr() || !placed.known()) {
        return new Copy(placed, sl);
      }
    } else {
      Errno e = m.checkIova(c, d, dst, len);
      if (e != null) {
        return new Copy(Expect.err(e), sl);
      }
      placed = Expect.ok(dst);
    }
    for (Area a : sl) {
      if ((flags & 2) != 0 && !a.writable()) {
        return new Copy(Expect.err(Errno.EPERM), sl);
      }
      if (!U64.aligned(a.va() % m.page, align)) {
        return new Copy(Expect.err(Errno.EINVAL), sl);
      }
    }
    if (!m.hwptsOf(c, d.id).isEmpty()
        && sl.stream().anyMatch(a -> !m.memValid(a.va(), a.length()))) {
      return new Copy(Expect.err(Errno.EFAULT), sl);
    }
    return new Copy(placed, sl);
  }

  // ---- ALLOW_IOVAS, IOVA_RANGES ----

  /** ALLOW_IOVAS for ranges that could be read (null ranges: the pointer faults). */
  static Expect allow(RefModel m, Ctx c, long resv, long ioasId, List<long[]> ranges) {
    if (resv != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    Obj ioas = RefModel.get(c, ioasId, Kind.IOAS);
    if (ioas == null) {
      return Expect.err(Errno.ENOENT);
    }
    if (ranges == null) {
      return Expect.err(Errno.EFAULT);
    }
    for (int i = 0; i < ranges.size(); i++) {
      long[] r = ranges.get(i);
      if (U64.le(r[1], r[0])) {
        return Expect.err(Errno.EINVAL);
      }
      for (int j = 0; j < i; j++) {
        if (U64.intersects(r[0], r[1], ranges.get(j)[0], ranges.get(j)[1])) {
          return Expect.err(Errno.EINVAL);
        }
      }
    }
    if (!m.exact(c, ioas)) {
      return Expect.UNKNOWN;
    }
    for (long[] r : ranges) {
      if (m.hitsReserved(c, ioas, r[0], r[1])) {
        return Expect.err(Errno.EADDRINUSE);
      }
    }
    return Expect.ok();
  }

  /** The usable ranges IOVA_RANGES reports for an exact IOAS: holes of the reservations. */
  static List<long[]> ranges(RefModel m, Ctx c, Obj ioas) {
    return RefModel.holes(RefModel.merge(new ArrayList<>(m.reserved(c, ioas))), 0, U64.MAX);
  }

  // ---- DESTROY ----

  static Expect destroy(RefModel m, Ctx c, long id) {
    Obj o = RefModel.get(c, id, null);
    if (o == null) {
      return Expect.err(Errno.ENOENT);
    }
    return m.busy(c, o) ? Expect.err(Errno.EBUSY) : Expect.ok();
  }

  /**
   * A device's RID attach (or replace, when it is attached already) to an exact IOAS
   * (device.c iommufd_device_auto_get_domain): the auto HWPTs in creation order, where a
   * reserved-region conflict ends the search and a driver mismatch (EINVAL) moves on; else a
   * new auto domain, attached before it is added to the IOAS (after, when replacing).
   */
  record AutoAttach(Expect expect, Obj reuse) {}

  static AutoAttach attachIoas(RefModel m, Ctx c, Obj ioas, RefModel.Dev dev,
      boolean replacing) {
    Obj old = replacing ? RefModel.get(c, dev.rid, Kind.HWPT_PAGING) : null;
    boolean enforce = old == null || old.ioas != ioas.id;
    for (Obj h : m.hwptsOf(c, ioas.id)) {
      if (!h.auto) {
        continue;
      }
      if (old == h) {
        return new AutoAttach(Expect.ok((long) h.id), h);
      }
      if (enforce && RefModel.enforceRegion(ioas, dev) != null) {
        return new AutoAttach(Expect.err(Errno.EADDRINUSE), null);
      }
      if (h.drv.family() == dev.driver) {
        return new AutoAttach(Expect.ok((long) h.id), h);
      }
    }
    Errno e;
    if (replacing) {
      e = m.addDomain(c, ioas, dev.driver);
      if (e == null && enforce) {
        e = RefModel.enforceRegion(ioas, dev);
      }
    } else {
      e = enforce ? RefModel.enforceRegion(ioas, dev) : null;
      if (e == null) {
        e = m.addDomain(c, ioas, dev.driver);
      }
    }
    return new AutoAttach(e != null ? Expect.err(e) : Expect.ok(null), null);
  }
}
