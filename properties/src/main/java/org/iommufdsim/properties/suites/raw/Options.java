package org.iommufdsim.properties.suites.raw;

import org.iommufdsim.properties.suites.raw.RefModel.Area;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;
import org.iommufdsim.sim.uapi.Errno;

/** IOMMU_OPTION in the model: RLIMIT_MODE (main.c, ioas.c) and HUGE_PAGES (io_pagetable.c). */
final class Options {
  private Options() {}

  static Expect predict(RefModel m, Ctx c, long optionId, long op, long obj, long val,
      long resv) {
    if (resv != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (optionId == 0) {
      return rlimit(c, op, obj, val);
    }
    if (optionId != 1) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    Obj ioas = RefModel.get(c, obj, Kind.IOAS);
    if (ioas == null) {
      return Expect.err(Errno.ENOENT);
    }
    if (op == 1) {
      return Expect.ok(ioas.hugeOff ? 0L : 1L);
    }
    if (op != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (val == 1) {
      return Expect.ok(val);
    }
    if (val != 0) {
      return Expect.err(Errno.EINVAL);
    }
    if (ioas.hugeOff) {
      return Expect.ok(val);
    }
    if (!m.hwptsOf(c, ioas.id).isEmpty() && !ioas.areas.isEmpty()) {
      return Expect.err(Errno.EINVAL);
    }
    if (!m.exact(c, ioas)) {
      return Expect.UNKNOWN;
    }
    long cur = m.alignment(c, ioas);
    long next = Math.max(cur, m.page);
    if (next > cur) {
      for (Area a : ioas.areas.values()) {
        if (!U64.aligned(a.start(), next) || !U64.aligned(a.length(), next)
            || !U64.aligned(a.va() % m.page, next)) {
          return Expect.err(Errno.EADDRINUSE);
        }
      }
    }
    return Expect.ok(val);
  }

  private static Expect rlimit(Ctx c, long op, long obj, long val) {
    if (obj != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (op == 1) {
      return Expect.ok(c.accountMm ? 1L : 0L);
    }
    if (op != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (!c.objs.isEmpty()) {
      return Expect.err(Errno.EBUSY);
    }
    return val == 0 || val == 1 ? Expect.ok(val) : Expect.err(Errno.EINVAL);
  }

  static void apply(RefModel m, Ctx c, long optionId, long op, long obj, long val) {
    if (op != 0) {
      return;
    }
    if (optionId == 0) {
      c.accountMm = val == 1;
    } else {
      Obj ioas = RefModel.get(c, obj, Kind.IOAS);
      ioas.hugeOff = val == 0;
    }
  }
}
