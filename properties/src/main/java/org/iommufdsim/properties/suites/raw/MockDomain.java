package org.iommufdsim.properties.suites.raw;

import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.Dev;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;
import org.iommufdsim.sim.uapi.Errno;

/**
 * IOMMU_TEST_OP_MOCK_DOMAIN in the model (selftest.c iommufd_test_mock_domain): reserve the
 * selftest object's ID, bind a new mock device (the DEVICE's ID), attach it to {@code id} (an
 * IOAS through the auto-domain search, or a HWPT directly), all or nothing.
 */
final class MockDomain {
  private MockDomain() {}

  record Plan(Expect expect, long stdev, long idev, Long hwpt) {}

  static Plan plan(RefModel m, Ctx c, long pt) {
    int stdev = RefModel.lowestFreeId(c);
    int idev = stdev + 1;
    while (c.objs.containsKey(idev)) {
      idev++;
    }
    int fresh = idev + 1;
    while (c.objs.containsKey(fresh)) {
      fresh++;
    }
    if (pt == idev) {
      // the mock device is bound (and its DEVICE published) before the attach looks pt_id up
      return new Plan(Expect.err(Errno.EINVAL), stdev, idev, null);
    }
    Obj target = RefModel.get(c, pt, null);
    if (target == null) {
      return new Plan(Expect.err(Errno.ENOENT), stdev, idev, null);
    }
    switch (target.kind) {
      case IOAS -> {
        if (!m.exact(c, target)) {
          return new Plan(Expect.UNKNOWN, stdev, idev, null);
        }
        Ops.AutoAttach a = Ops.attachIoas(m, c, target, m.newSelftestProbe(), false);
        if (a.expect().isErr()) {
          return new Plan(a.expect(), stdev, idev, null);
        }
        long h = a.reuse() != null ? a.reuse().id : fresh;
        return new Plan(Expect.ok(), stdev, idev, h);
      }
      case HWPT_PAGING -> {
        Obj ioas = RefModel.get(c, target.ioas, Kind.IOAS);
        if (ioas == null || !m.exact(c, ioas)) {
          return new Plan(Expect.UNKNOWN, stdev, idev, null);
        }
        return target.mockDomain ? new Plan(Expect.ok(), stdev, idev, (long) target.id)
            : new Plan(Expect.err(Errno.EINVAL), stdev, idev, null);
      }
      default -> {
        return new Plan(Expect.err(Errno.EINVAL), stdev, idev, null);
      }
    }
  }

  static void apply(RefModel m, Ctx c, String what, Plan plan, long stdev, long idev, long hwpt,
      long pt) {
    if (plan != null && (stdev != plan.stdev() || idev != plan.idev()
        || (plan.expect().known() && plan.hwpt() != null && hwpt != plan.hwpt()))) {
      throw new AssertionError(what + ": the model expected stdev/idev/hwpt " + plan.stdev()
          + "/" + plan.idev() + "/" + plan.hwpt() + ", the simulator answered " + stdev + "/"
          + idev + "/" + hwpt);
    }
    Dev d = m.newSelftestDev();
    Obj s = m.newObj(c, Kind.SELFTEST);
    s.dev = d;
    Obj dv = m.newObj(c, Kind.DEVICE);
    dv.dev = d;
    d.ctx = c;
    d.devId = dv.id;
    if (RefModel.get(c, hwpt, Kind.HWPT_PAGING) == null) {
      Obj target = RefModel.get(c, pt, Kind.IOAS);
      if (target == null || RefModel.lowestFreeId(c) != hwpt) {
        throw new AssertionError(what + ": the simulator answered a HWPT " + hwpt
            + " that is neither live nor the next free ID on the target IOAS");
      }
      m.addHwpt(c, target.id, true, RefModel.Driver.MOCK);
    }
    d.rid = (int) hwpt;
  }
}
