package org.iommufdsim.properties.suites.raw;

import static org.iommufdsim.properties.suites.raw.RawSyscalls.act;
import static org.iommufdsim.properties.suites.raw.RawSyscalls.out;
import static org.iommufdsim.properties.suites.raw.RawSyscalls.v;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_FAULT_QUEUE_ALLOC;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_BIND_IOMMUFD;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine.Action;
import org.iommufdsim.properties.suites.raw.RawState.SizeVariant;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.Dev;
import org.iommufdsim.properties.suites.raw.RefModel.DeviceFd;
import org.iommufdsim.properties.suites.raw.RefModel.FaultFd;
import org.iommufdsim.properties.suites.raw.RefModel.Fd;
import org.iommufdsim.properties.suites.raw.RefModel.IommuFd;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * The device side: opening VFIO cdevs, BIND / ATTACH / DETACH (drivers/vfio/device_cdev.c,
 * iommufd/device.c), IOMMU_HWPT_ALLOC on an IOAS (hw_pagetable.c), fault queues and their fds.
 */
final class DeviceActions {
  private DeviceActions() {}

  static List<Integer> fdsOf(RawState s, Class<? extends Fd> kind) {
    List<Integer> out = new ArrayList<>();
    s.model.fds.forEach((fd, f) -> {
      if (kind.isInstance(f)) {
        out.add(fd);
      }
    });
    return out;
  }

  static boolean anyDeviceFd(RawState s) {
    return !fdsOf(s, DeviceFd.class).isEmpty();
  }

  static boolean anyBoundDeviceFd(RawState s) {
    return fdsOf(s, DeviceFd.class).stream()
        .anyMatch(fd -> ((DeviceFd) s.model.fds.get(fd)).dev().bound());
  }

  /** A device fd, bound ones first when {@code bound} (ATTACH, DETACH), unbound ones for BIND. */
  static int deviceFd(RawState s, Choices c, boolean bound) {
    List<Integer> devs = fdsOf(s, DeviceFd.class);
    List<Integer> pref = devs.stream()
        .filter(fd -> ((DeviceFd) s.model.fds.get(fd)).dev().bound() == bound).toList();
    if (!pref.isEmpty() && c.below(10) < 8) {
      return pref.get((int) c.below(pref.size()));
    }
    return c.below(10) < 9 && !devs.isEmpty() ? devs.get((int) c.below(devs.size()))
        : Gen.otherFd(s, c);
  }

  // ---- open ----

  static Action<RawState> openDevice(RawState s, Choices c) {
    List<String> closed = new ArrayList<>();
    s.model.devices.forEach((n, d) -> {
      if (fdsOf(s, DeviceFd.class).stream()
          .noneMatch(fd -> ((DeviceFd) s.model.fds.get(fd)).dev() == d)) {
        closed.add(n);
      }
    });
    String name = c.below(10) < 9 && !closed.isEmpty() ? closed.get((int) c.below(closed.size()))
        : "nosuch";
    return act("open /dev/vfio/devices/" + name, st -> {
      Dev dev = st.model.devices.get(name);
      int fd = st.model.lowestFreeFd();
      Expect e = dev == null ? Expect.err(Errno.ENOENT) : Expect.ok((long) fd);
      SysResult r = st.sys.open("/dev/vfio/devices/" + name);
      String o = Ops.judge(st, "open " + name, e, r);
      if (r.isOk()) {
        Ops.checkValue("open " + name, e, "fd", r.value());
        st.model.fds.put(fd, new DeviceFd(dev));
      }
      return o;
    });
  }

  // ---- BIND ----

  static Action<RawState> bind(RawState s, Choices c) {
    int fd = deviceFd(s, c, false);
    long iommufd = c.below(10) < 8 ? Gen.iommuFd(s, c) : c.percent(50) ? -1 : Gen.otherFd(s, c);
    long flags = c.percent(5) ? 1L << c.below(4) : 0;
    long argsz = c.percent(5) ? 8 : 24;
    boolean bad = Gen.badPtr(c);
    String d = "VFIO_DEVICE_BIND_IOMMUFD fd=" + fd + " iommufd=" + iommufd + " flags=" + flags
        + " argsz=" + argsz + v(SizeVariant.FULL, bad);
    return act(d, st -> {
      CStruct t = VFIO_DEVICE_BIND_IOMMUFD.struct();
      byte[] b = t.newBuffer();
      t.field("argsz").set(b, argsz);
      t.field("flags").set(b, flags);
      t.field("iommufd").set(b, iommufd);
      Fd f = st.model.fds.get(fd);
      Fd ifd = iommufd < 0 || iommufd > Integer.MAX_VALUE ? null
          : st.model.fds.get((int) iommufd);
      Expect e;
      if (f == null) {
        e = Expect.err(Errno.EBADF);
      } else if (!(f instanceof DeviceFd df)) {
        e = Expect.UNKNOWN;
      } else if (bad) {
        e = Expect.err(Errno.EFAULT);
      } else if (argsz < 16 || iommufd < 0 || (flags & ~1L) != 0) {
        e = Expect.err(Errno.EINVAL);
      } else if (flags != 0) {
        e = Expect.UNKNOWN;
      } else if (df.dev().bound()) {
        e = Expect.err(Errno.EINVAL);
      } else if (ifd == null) {
        e = Expect.err(Errno.EBADF);
      } else if (!(ifd instanceof IommuFd i)) {
        e = Expect.err(Errno.EBADFD);
      } else {
        e = Expect.ok((long) RefModel.lowestFreeId(i.ctx()));
      }
      SysResult r = st.ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, b, SizeVariant.AS_IS, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && f instanceof DeviceFd df && ifd instanceof IommuFd i) {
        Ops.checkValue(d, e, "out_devid", out(st, t, "out_devid"));
        Obj dv = st.model.newObj(i.ctx(), Kind.DEVICE);
        dv.dev = df.dev();
        df.dev().ctx = i.ctx();
        df.dev().devId = dv.id;
        i.ctx().fileRefs++;
      }
      return o;
    });
  }

  // ---- ATTACH / DETACH ----

  static Action<RawState> attach(RawState s, Choices c) {
    int fd = deviceFd(s, c, true);
    Ctx ctx = s.model.fds.get(fd) instanceof DeviceFd df ? df.dev().ctx : null;
    long flags = c.percent(15) ? 1 : c.percent(3) ? 2 : 0;
    long pasid = (flags & 1) != 0 ? new long[] {1, 100, 0, 1 << 20}[(int) c.below(4)] : 0;
    List<Obj> compat = Gen.objs(ctx, Kind.HWPT_PAGING).stream().filter(h -> h.pasidCompat)
        .toList();
    long pt = c.below(4) < 3 && (flags & 1) == 0 ? Gen.id(s, ctx, Kind.IOAS, c)
        : !compat.isEmpty() && c.percent(70) ? compat.get((int) c.below(compat.size())).id
        : Gen.id(s, ctx, Kind.HWPT_PAGING, c);
    long argsz = c.percent(4) ? 8 : 16;
    boolean bad = Gen.badPtr(c);
    String d = "VFIO_DEVICE_ATTACH_IOMMUFD_PT fd=" + fd + " pt_id=" + pt + " flags=" + flags
        + " pasid=" + pasid + " argsz=" + argsz + v(SizeVariant.FULL, bad);
    return act(d, st -> {
      CStruct t = VFIO_DEVICE_ATTACH_IOMMUFD_PT.struct();
      byte[] b = t.newBuffer();
      t.field("argsz").set(b, argsz);
      t.field("flags").set(b, flags);
      t.field("pt_id").set(b, pt);
      t.field("pasid").set(b, pasid);
      Fd f = st.model.fds.get(fd);
      Expect e = deviceCall(f, bad);
      Dev dev = f instanceof DeviceFd df ? df.dev() : null;
      if (e == null) {
        if (argsz < 12 || (flags & ~1L) != 0) {
          e = Expect.err(Errno.EINVAL);
        } else if (!dev.driver.known() || (!dev.mock && (flags != 0 || !dev.pasids.isEmpty()))) {
          e = Expect.UNKNOWN;
        } else if (flags != 0) {
          e = pasidAttach(st.model, dev, pt, pasid);
        } else if (!dev.pasids.isEmpty()) {
          e = ridAttachWithPasids(st.model, dev, pt);
        } else {
          e = attachTarget(st.model, dev, pt);
        }
      }
      SysResult r = st.ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, b, SizeVariant.AS_IS, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && dev != null && dev.bound()) {
        long got = out(st, t, "pt_id");
        Ops.checkValue(d, e, "pt_id", got);
        applyAttach(st.model, dev, d, pt, got, (flags & 1) != 0 ? (int) pasid : -1);
      } else if (o.equals("injected EFAULT") && dev != null && dev.bound() && !bad) {
        // With a good pointer the only fallible copy is pt_id's, back to user space, after
        // the attach (or replace) succeeded: vfio_df_ioctl_attach_pt then detaches
        // (out_detach), whatever was attached before, for every driver.
        if ((flags & 1) != 0) {
          st.model.detachPasid(dev.ctx, dev, (int) pasid);
        } else {
          st.model.detachRid(dev.ctx, dev);
        }
      }
      return o;
    });
  }

  /** The VFIO device fd's own checks before any command: EBADF, unknown, not bound, EFAULT. */
  private static Expect deviceCall(Fd f, boolean bad) {
    if (f == null) {
      return Expect.err(Errno.EBADF);
    }
    if (!(f instanceof DeviceFd df)) {
      return Expect.UNKNOWN;
    }
    if (!df.dev().bound()) {
      return Expect.err(Errno.EINVAL);
    }
    return bad ? Expect.err(Errno.EFAULT) : null;
  }

  /**
   * A mock device's first attach of a PASID to a HWPT (device.c iommufd_hw_pagetable_attach,
   * iommufd_hwpt_pasid_compat, then iommu.c's PASID width check; all refusals are EINVAL).
   * PASID 0 (which iommufd takes for the RID), re-attaches (replace) and IOAS targets are left
   * unknown.
   */
  static Expect pasidAttach(RefModel m, Dev dev, long pt, long pasid) {
    Ctx c = dev.ctx;
    if (pasid == 0 || dev.pasids.containsKey((int) pasid) || dev.pasids.containsKey(0)) {
      return Expect.UNKNOWN;
    }
    Obj target = RefModel.get(c, pt, null);
    if (target == null) {
      return Expect.err(Errno.ENOENT);
    }
    if (target.kind == Kind.IOAS) {
      return Expect.UNKNOWN;
    }
    if (target.kind != Kind.HWPT_PAGING) {
      return Expect.err(Errno.EINVAL);
    }
    Obj ioas = RefModel.get(c, target.ioas, Kind.IOAS);
    if (!target.mockDomain || ioas == null || !m.exact(c, ioas)) {
      return Expect.UNKNOWN;
    }
    Obj rid = dev.rid == 0 ? null : RefModel.get(c, dev.rid, Kind.HWPT_PAGING);
    if (!target.pasidCompat || (rid != null && !rid.pasidCompat)
        || pasid >= (1L << dev.pasidBits)) {
      return Expect.err(Errno.EINVAL);
    }
    return Expect.ok((long) target.id);
  }

  /**
   * A RID attach while PASIDs are attached: iommufd_hw_pagetable_attach refuses a HWPT that is
   * not PASID-compatible (EINVAL) before anything else; an IOAS's auto domains never are, and a
   * new one is attached before it is added to the IOAS, so an IOAS target is always EINVAL.
   * A replace is left unknown.
   */
  static Expect ridAttachWithPasids(RefModel m, Dev dev, long pt) {
    if (dev.rid != 0 || dev.pasids.containsKey(0)) {
      return Expect.UNKNOWN;
    }
    Obj target = RefModel.get(dev.ctx, pt, null);
    if (target == null) {
      return Expect.err(Errno.ENOENT);
    }
    if (target.kind != Kind.HWPT_PAGING) {
      return Expect.err(Errno.EINVAL);
    }
    if (!target.pasidCompat) {
      return Expect.err(Errno.EINVAL);
    }
    return attachTarget(m, dev, pt);
  }

  /** A RID attach or replace to {@code pt} (device.c iommufd_device_change_pt). */
  static Expect attachTarget(RefModel m, Dev dev, long pt) {
    Ctx c = dev.ctx;
    Obj target = RefModel.get(c, pt, null);
    if (target == null) {
      return Expect.err(Errno.ENOENT);
    }
    switch (target.kind) {
      case IOAS -> {
        if (!m.exact(c, target)) {
          return Expect.UNKNOWN;
        }
        Ops.AutoAttach a = Ops.attachIoas(m, c, target, dev, dev.rid != 0);
        if (a.expect().isErr()) {
          return a.expect();
        }
        return Expect.ok(a.reuse() != null ? (long) a.reuse().id : RefModel.lowestFreeId(c));
      }
      case HWPT_PAGING -> {
        Obj ioas = RefModel.get(c, target.ioas, Kind.IOAS);
        if (ioas == null || !m.exact(c, ioas)) {
          return Expect.UNKNOWN;
        }
        if (dev.rid == target.id) {
          return Expect.ok((long) target.id);
        }
        Obj old = dev.rid == 0 ? null : RefModel.get(c, dev.rid, Kind.HWPT_PAGING);
        if ((old == null || old.ioas != ioas.id) && RefModel.enforceRegion(ioas, dev) != null) {
          return Expect.err(Errno.EADDRINUSE);
        }
        return target.drv.family() == dev.driver ? Expect.ok((long) target.id)
            : Expect.err(Errno.EINVAL);
      }
      default -> {
        return Expect.err(Errno.EINVAL);
      }
    }
  }

  /** Follows a successful attach: the HWPT used (a new auto one if it is a new ID). */
  static void applyAttach(RefModel m, Dev dev, String what, long pt, long got, int pasid) {
    Ctx c = dev.ctx;
    if (RefModel.get(c, got, Kind.HWPT_PAGING) == null) {
      Obj ioas = RefModel.get(c, pt, Kind.IOAS);
      if (ioas == null || RefModel.lowestFreeId(c) != got) {
        throw new AssertionError(what + ": the simulator attached to HWPT " + got
            + ", neither a live HWPT nor the next free ID for an auto domain");
      }
      m.addHwpt(c, ioas.id, true, dev.driver);
    }
    if (pasid < 0) {
      int old = dev.rid;
      dev.rid = (int) got;
      if (old != 0 && old != got) {
        m.dropAutoIfUnused(c, old);
      }
    } else {
      Integer old = dev.pasids.put(pasid, (int) got);
      if (old != null && old != got) {
        m.dropAutoIfUnused(c, old);
      }
    }
  }

  static Action<RawState> detach(RawState s, Choices c) {
    int fd = deviceFd(s, c, true);
    long flags = c.percent(10) ? 1 : c.percent(3) ? 4 : 0;
    long pasid = (flags & 1) != 0 ? new long[] {0, 1, 100}[(int) c.below(3)] : 0;
    long argsz = c.percent(4) ? 4 : 12;
    boolean bad = Gen.badPtr(c);
    String d = "VFIO_DEVICE_DETACH_IOMMUFD_PT fd=" + fd + " flags=" + flags + " pasid=" + pasid
        + " argsz=" + argsz + v(SizeVariant.FULL, bad);
    return act(d, st -> {
      CStruct t = VFIO_DEVICE_DETACH_IOMMUFD_PT.struct();
      byte[] b = t.newBuffer();
      t.field("argsz").set(b, argsz);
      t.field("flags").set(b, flags);
      t.field("pasid").set(b, pasid);
      Fd f = st.model.fds.get(fd);
      Expect e = deviceCall(f, bad);
      Dev dev = f instanceof DeviceFd df ? df.dev() : null;
      if (e == null) {
        if (argsz < 8 || (flags & ~1L) != 0) {
          e = Expect.err(Errno.EINVAL);
        } else if ((flags != 0 && pasid == 0) || dev.pasids.containsKey(0)) {
          e = Expect.UNKNOWN;
        } else {
          e = Expect.ok();
        }
      }
      SysResult r = st.ioctl(fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, b, SizeVariant.AS_IS, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && dev != null && dev.bound()) {
        if ((flags & 1) != 0) {
          st.model.detachPasid(dev.ctx, dev, (int) pasid);
        } else {
          st.model.detachRid(dev.ctx, dev);
        }
      }
      return o;
    });
  }

  // ---- HWPT_ALLOC ----

  static Action<RawState> hwptAlloc(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    Ctx ctx = Gen.ctxOf(s, fd);
    long dev = Gen.id(s, ctx, Kind.DEVICE, c);
    long pt = c.below(5) < 4 ? Gen.id(s, ctx, Kind.IOAS, c) : Gen.id(s, ctx, null, c);
    long flags = switch ((int) c.below(12)) {
      case 7 -> 1;
      case 8 -> 2;
      case 9 -> 4;
      case 10, 6 -> 8;
      case 11 -> 1L << (c.below(6));
      default -> 0;
    } | (c.percent(10) ? 4 : 0);
    long fault = (flags & 4) != 0 ? Gen.id(s, ctx, Kind.FAULT, c) : 0;
    long resv = c.percent(3) ? 1 : 0;
    long dataLen = c.percent(4) ? 8 : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_HWPT_ALLOC fd=" + fd + " flags=" + flags + " dev_id=" + dev + " pt_id="
        + pt + " fault_id=" + fault + " data_len=" + dataLen
        + (resv != 0 ? " __reserved=1" : "") + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_HWPT_ALLOC.struct();
      byte[] b = t.newBuffer();
      t.field("flags").set(b, flags);
      t.field("dev_id").set(b, dev);
      t.field("pt_id").set(b, pt);
      t.field("__reserved").set(b, resv);
      t.field("data_len").set(b, dataLen);
      t.field("data_uptr").set(b, st.scratch + 2048);
      t.field("fault_id").set(b, fault);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = hwptPredict(st.model, cx, flags, dev, pt, fault, resv, dataLen);
      }
      SysResult r = st.ioctl(fd, IOMMU_HWPT_ALLOC, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && cx != null) {
        long got = out(st, t, "out_hwpt_id");
        Ops.checkValue(d, e, "out_hwpt_id", got);
        Obj ioas = RefModel.get(cx, pt, Kind.IOAS);
        if (ioas == null || got != RefModel.lowestFreeId(cx)) {
          throw new AssertionError(d + ": a HWPT " + got + " the model cannot place");
        }
        RefModel.Driver drv = RefModel.get(cx, dev, Kind.DEVICE).dev.driver;
        if (drv == RefModel.Driver.INTEL_VTD && (flags & 3) != 0) {
          drv = RefModel.Driver.INTEL_VTD_S2; // intel-iommu.c: second stage for these flags
        }
        Obj h = st.model.addHwpt(cx, ioas.id, false, drv);
        h.fault = (flags & 4) != 0 ? (int) fault : 0;
        h.pasidCompat = (flags & 8) != 0;
      }
      return o;
    });
  }

  static Expect hwptPredict(RefModel m, Ctx c, long flags, long dev, long pt, long fault,
      long resv, long dataLen) {
    if (resv != 0) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    if (dataLen != 0) {
      return Expect.err(Errno.EINVAL); // data_type NONE with data
    }
    Obj dv = RefModel.get(c, dev, Kind.DEVICE);
    if (dv == null) {
      return Expect.err(Errno.ENOENT);
    }
    Obj target = RefModel.get(c, pt, null);
    if (target == null) {
      return Expect.err(Errno.EINVAL);
    }
    if (target.kind == Kind.HWPT_PAGING) {
      return Expect.err(Errno.EOPNOTSUPP); // a nested HWPT needs driver data
    }
    if (target.kind != Kind.IOAS) {
      return Expect.err(Errno.EINVAL);
    }
    if (!dv.dev.mock) {
      return Expect.UNKNOWN;
    }
    if ((flags & ~0xfL) != 0 || (flags & 5) == 5) {
      return Expect.err(Errno.EOPNOTSUPP);
    }
    // the mock driver takes IOMMU_HWPT_ALLOC_PASID from any device (selftest.c)
    if (!m.exact(c, target)) {
      return Expect.UNKNOWN;
    }
    Errno add = m.addDomain(c, target, RefModel.Driver.MOCK);
    if (add != null) {
      return Expect.err(add);
    }
    if ((flags & 4) != 0 && RefModel.get(c, fault, Kind.FAULT) == null) {
      return Expect.err(Errno.ENOENT);
    }
    return Expect.ok((long) RefModel.lowestFreeId(c));
  }

  // ---- fault queues ----

  static Action<RawState> faultAlloc(RawState s, Choices c) {
    int fd = Gen.iommuFd(s, c);
    long flags = c.percent(5) ? 1L << c.below(32) : 0;
    SizeVariant size = Gen.size(c);
    boolean bad = Gen.badPtr(c);
    String d = "IOMMU_FAULT_QUEUE_ALLOC fd=" + fd + " flags=" + U64.hex(flags) + v(size, bad);
    return act(d, st -> {
      CStruct t = IOMMU_FAULT_QUEUE_ALLOC.struct();
      byte[] b = t.newBuffer();
      t.field("flags").set(b, flags);
      Ctx cx = Gen.ctxOf(st, fd);
      Expect e = Ops.dispatch(st, fd, size, bad);
      if (e == null) {
        e = flags != 0 ? Expect.err(Errno.EOPNOTSUPP)
            : Expect.ok((long) RefModel.lowestFreeId(cx));
      }
      int newFd = st.model.lowestFreeFd();
      SysResult r = st.ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, b, size, bad);
      String o = Ops.judge(st, d, e, r);
      if (r.isOk() && cx != null) {
        Ops.checkValue(d, e, "out_fault_id", out(st, t, "out_fault_id"));
        Ops.checkValue(d, Expect.ok((long) newFd), "out_fault_fd", out(st, t, "out_fault_fd"));
        Obj q = st.model.newObj(cx, Kind.FAULT);
        q.fdOpen = true;
        st.model.fds.put(newFd, new FaultFd(cx, q.id));
        cx.fileRefs++;
      }
      return o;
    });
  }

  /**
   * eventq.c iommufd_fault_fops_read/write with no fault ever raised: a count that is not a
   * whole number of records is ESPIPE; a read finds nothing (0); a write's first response
   * names no pending cookie (EINVAL), except that a response that cannot be copied in ends the
   * loop with copy_from_user's count of bytes left, which the write returns as its value.
   */
  static Expect faultRw(boolean write, long count, boolean badBuf) {
    long record = write ? IommufdUapi.iommu_hwpt_page_response.size()
        : IommufdUapi.iommu_hwpt_pgfault.size();
    if (count % record != 0) {
      return Expect.err(Errno.ESPIPE);
    }
    if (!write || count == 0) {
      return Expect.ok(0L);
    }
    return badBuf ? Expect.ok(record) : Expect.err(Errno.EINVAL);
  }

  /** read or write on a fault fd (or another): no fault is ever raised here, nothing changes. */
  static Action<RawState> faultRw(RawState s, Choices c) {
    List<Integer> faults = fdsOf(s, FaultFd.class);
    int fd = c.below(4) < 3 && !faults.isEmpty() ? faults.get((int) c.below(faults.size()))
        : Gen.otherFd(s, c);
    boolean write = c.percent(50);
    long count = new long[] {0, 40, 8, 80, 32, 4096, 7}[(int) c.below(7)];
    boolean bad = c.percent(10);
    String d = (write ? "write" : "read") + " fd=" + fd + " count=" + count
        + (bad ? " buf=BAD" : "");
    return act(d, st -> {
      long buf = bad ? RawState.UNMAPPED : st.store(2048, new byte[64]);
      Fd f = st.model.fds.get(fd);
      Expect e = f == null ? Expect.err(Errno.EBADF)
          : f instanceof FaultFd ? faultRw(write, count, bad) : Expect.UNKNOWN;
      SysResult r = write ? st.sys.write(fd, buf, count) : st.sys.read(fd, buf, count);
      String o = Ops.judge(st, d, e, r);
      Ops.checkValue(d, e, "return value", r.value());
      return o;
    });
  }
}
