package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.DeviceCheck.*;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Binding devices and attaching them to HW page tables (mirrors device.c, v7.0): per-group,
 * per-PASID attach records, auto domains on an IOAS, replace, detach, reserved regions, and
 * the routing of I/O page faults to a HWPT's fault queue.
 */
final class DeviceCore {
  static final int NO_PASID = 0;

  private DeviceCore() {}

  // ---- bind / unbind ----

  /** Mirrors iommufd_device_bind. The new DEVICE has users 2 (table + the binding driver). */
  static KResult<Device> bind(IommufdFile ictx, Task task, IommuDevice dev, boolean holdsCtx) {
    IommufdGroup igroup = ictx.groups.computeIfAbsent(dev.group().id(),
        k -> new IommufdGroup(dev.group()));
    if (task.kernel().decider().refuse(BIND_DMA_OWNER, !dev.group().claimDmaOwner(ictx))) {
      dropGroup(ictx, igroup);
      return KResult.err(Errno.EPERM, "another owner holds the device's IOMMU group");
    }
    Errno[] err = new Errno[1];
    Device idev = Lifecycle.alloc(ictx, task, new Device(ictx, dev, igroup,
        dev.driver().enforceCacheCoherency(dev), holdsCtx), "iommufd_device", err);
    if (idev == null) {
      dev.group().releaseDmaOwner();
      dropGroup(ictx, igroup);
      return KResult.err(err[0], "allocating the device object failed");
    }
    igroup.refs++;
    if (holdsCtx) {
      ictx.get();
    }
    idev.get();
    Lifecycle.finalize(ictx, idev);
    return KResult.ok(idev);
  }

  private static void dropGroup(IommufdFile ictx, IommufdGroup igroup) {
    if (igroup.refs == 0) {
      ictx.groups.remove(igroup.group.id());
    }
  }

  /**
   * Mirrors iommufd_device_unbind: drops the driver's reference, tombstones the device's
   * vdevice (its ID is never reused, v6.17+), and destroys the DEVICE.
   */
  static void unbind(IommufdFile ictx, Device idev) {
    idev.put();
    Vdevice vd = idev.vdev;
    if (vd != null) {
      if (vd.users == 1) {
        vd.users = 0;
        ictx.objects().tombstone(vd.id());
        Lifecycle.destroyBody(ictx, vd);
      } else {
        ictx.kernel().tracer().note("WARN_ON: " + vd + " is in use at device unbind");
      }
    }
    Lifecycle.removeInternal(ictx, idev);
  }

  /** iommufd_device_destroy. */
  static void destroyDevice(IommufdFile ictx, Device idev) {
    idev.dev.group().releaseDmaOwner();
    idev.igroup.refs--;
    dropGroup(ictx, idev.igroup);
    if (idev.holdsCtx) {
      ictx.put();
    }
  }

  // ---- attach / replace / detach ----

  /** Mirrors iommufd_device_attach; on success the DEVICE gains a user. */
  static KResult<Integer> attach(IommufdFile ictx, Task task, Device idev, int pasid, int ptId) {
    KResult<Integer> r = changePt(ictx, task, idev, pasid, ptId, false);
    if (r.isOk()) {
      idev.get();
    }
    return r;
  }

  /** Mirrors iommufd_device_replace. */
  static KResult<Integer> replace(IommufdFile ictx, Task task, Device idev, int pasid, int ptId) {
    return changePt(ictx, task, idev, pasid, ptId, true);
  }

  /** Mirrors iommufd_device_change_pt: resolves pt_id to a HWPT or an IOAS's auto domain. */
  private static KResult<Integer> changePt(IommufdFile ictx, Task task, Device idev, int pasid,
      int ptId, boolean replace) {
    IommufdObject pt = ictx.get(ptId, ObjType.ANY);
    Decider dc = task.kernel().decider();
    if (dc.refuse(ATTACH_PT_LOOKUP, pt == null, ptId)) {
      return KResult.err(Errno.ENOENT, "pt_id " + Integer.toUnsignedString(ptId)
          + " does not exist");
    }
    KResult<HwPagetable> old;
    switch (pt) {
      case HwPagetable hwpt -> {
        old = replace ? doReplace(ictx, task, idev, pasid, hwpt) : doAttach(ictx, task, idev,
            pasid, hwpt);
        if (!old.isOk()) {
          return old.cast();
        }
        putHwpt(ictx, old.value());
        return KResult.ok(hwpt.id());
      }
      case Ioas ioas -> {
        return autoGetDomain(ictx, task, idev, pasid, ioas, replace);
      }
      default -> {
        dc.refuse(ATTACH_PT_TYPE, true);
        return KResult.err(Errno.EINVAL, "pt_id " + ptId + " is a " + pt.type()
            + ", not a HWPT or an IOAS");
      }
    }
  }

  /** A stand-in for "no old HWPT to drop". */
  private static final KResult<HwPagetable> NONE = new KResult<>(null, null, "");

  private static KResult<HwPagetable> doAttach(IommufdFile ictx, Task task, Device idev,
      int pasid, HwPagetable hwpt) {
    KResult<Boolean> r = hwptAttach(ictx, task, hwpt, idev, pasid);
    return r.isOk() ? NONE : r.cast();
  }

  /**
   * Mirrors iommufd_hw_pagetable_attach: joins the group's attach record at {@code pasid} or
   * creates it, really attaching the domain only for the group's first device.
   */
  static KResult<Boolean> hwptAttach(IommufdFile ictx, Task task, HwPagetable hwpt, Device idev,
      int pasid) {
    IommufdGroup g = idev.igroup;
    IommufdGroup.Attach a = g.pasidAttach.get(pasid);
    boolean fresh = a == null;
    if (fresh) {
      if (task.shouldFail("kzalloc(iommufd_attach)")) {
        return KResult.err(Errno.ENOMEM, "allocating the attach record failed");
      }
      a = new IommufdGroup.Attach();
    }
    Decider dc = task.kernel().decider();
    if (dc.refuse(ATTACH_ALREADY, a.devices.contains(idev), pasid)) {
      return KResult.err(Errno.EBUSY, "the device is already attached at PASID " + pasid
          + " (use replace)");
    }
    if (dc.refuse(ATTACH_GROUP_HWPT, a.hwpt != null && a.hwpt != hwpt, pasid)) {
      return KResult.err(Errno.EINVAL, "another device of the group is attached to HWPT "
          + a.hwpt.id() + " at PASID " + pasid);
    }
    HwptPaging paging = pagingOf(hwpt);
    boolean resv = pasid == NO_PASID && paging != null;
    if (resv) {
      Errno e = reserveDeviceRegions(task, paging.ioas, idev);
      if (e != null) {
        return KResult.err(e, "a reserved region of the device collides with an area or an"
            + " allowed range");
      }
    }
    if (a.hwpt == null) {
      KResult<Boolean> r = attachDevice(task, hwpt, idev, pasid);
      if (!r.isOk()) {
        if (resv) {
          paging.ioas.iopt().unreserve(idev);
        }
        return r;
      }
      a.hwpt = hwpt;
      g.pasidAttach.put(pasid, a);
    }
    hwpt.get();
    a.devices.add(idev);
    return KResult.ok(true);
  }

  /** The paging HWPT whose IOAS a HWPT translates through (a nested HWPT's parent). */
  static HwptPaging pagingOf(HwPagetable hwpt) {
    return switch (hwpt) {
      case HwptPaging p -> p;
      case HwptNested n -> n.parent;
    };
  }

  private static Errno reserveDeviceRegions(Task task, Ioas ioas, Device idev) {
    for (IommuDevice.ReservedRegion r : idev.dev.reservedRegions()) {
      Errno e = ioas.iopt().reserve(task, r.start(), r.last(), idev);
      if (e != null) {
        ioas.iopt().unreserve(idev);
        return e;
      }
    }
    return null;
  }

  /**
   * iommufd_hwpt_compatible_device: a fault-capable HWPT cannot take a PCI VF with PRI (PRI is
   * shared with the PF, and a failure response must not reach the hardware).
   */
  private static boolean compatibleDevice(HwPagetable hwpt, Device idev) {
    return hwpt.fault == null || !idev.dev.virtfn() || !idev.dev.pri();
  }

  /** Mirrors iommufd_hwpt_attach_device: PASID compatibility, then the driver's attach. */
  private static KResult<Boolean> attachDevice(Task task, HwPagetable hwpt, Device idev,
      int pasid) {
    Decider dc = task.kernel().decider();
    if (dc.refuse(ATTACH_COMPATIBLE_DEVICE, !compatibleDevice(hwpt, idev))) {
      return KResult.err(Errno.EINVAL, "a fault-capable HWPT cannot take a PCI VF with PRI");
    }
    Errno e = pasidCompat(dc, hwpt, idev, pasid);
    if (e != null) {
      return KResult.err(e, pasid == NO_PASID
          ? "a PASID of the group is attached, so the RID needs a PASID-compatible HWPT"
          : "attaching a PASID needs a PASID-compatible HWPT (IOMMU_HWPT_ALLOC_PASID), also at"
              + " the RID");
    }
    if (task.shouldFail("kzalloc(iommufd_attach_handle)")) {
      return KResult.err(Errno.ENOMEM, "allocating the attach handle failed");
    }
    if (dc.refuse(ATTACH_SAME_OWNER, !sameOwner(hwpt, idev))) {
      return KResult.err(Errno.EINVAL, "the domain belongs to another IOMMU driver ("
          + hwpt.domain.driver().name() + ") than the device's");
    }
    if (pasid == NO_PASID) {
      e = idev.dev.driver().attach(hwpt.domain, idev.dev);
      if (dc.refuseWith(DRIVER_ATTACH_DEV, e, e == null ? null : attachReason(e))) {
        return KResult.err(e, attachReason(e));
      }
      idev.dev.setRidDomain(hwpt.domain);
    } else {
      if (dc.refuse(ATTACH_PASID_RANGE,
          idev.dev.pasidBits() == 0 || pasid >= (1L << idev.dev.pasidBits()), pasid)) {
        return KResult.err(Errno.EINVAL, "the device does not support PASID " + pasid);
      }
      e = idev.dev.driver().setDevPasid(hwpt.domain, idev.dev, pasid);
      if (dc.refuseWith(DRIVER_SET_DEV_PASID, e, e == null ? null : attachReason(e))) {
        return KResult.err(e, attachReason(e));
      }
      idev.dev.setPasidDomain(pasid, hwpt.domain);
    }
    return KResult.ok(true);
  }

  private static String attachReason(Errno e) {
    return switch (e) {
      case EINVAL -> "the driver refused the domain for this device (incompatible)";
      case ENOENT -> "the device has no vdevice on the domain's vIOMMU";
      default -> "the driver's attach failed";
    };
  }

  /** The iommu core's domain->owner check: the domain's ops are the device's driver's ops. */
  private static boolean sameOwner(HwPagetable hwpt, Device idev) {
    return hwpt.domain.driver().name().equals(idev.dev.driver().name());
  }

  /** Mirrors iommufd_hwpt_pasid_compat. */
  private static Errno pasidCompat(Decider dc, HwPagetable hwpt, Device idev, int pasid) {
    IommufdGroup g = idev.igroup;
    if (pasid == NO_PASID) {
      if (dc.refuse(ATTACH_PASID_COMPAT_RID,
          !hwpt.pasidCompat && g.pasidAttach.higherKey(NO_PASID) != null)) {
        return Errno.EINVAL;
      }
      return null;
    }
    if (dc.refuse(ATTACH_PASID_COMPAT, !hwpt.pasidCompat, pasid)) {
      return Errno.EINVAL;
    }
    IommufdGroup.Attach rid = g.pasidAttach.get(NO_PASID);
    if (dc.refuse(ATTACH_PASID_COMPAT_RID_HWPT,
        rid != null && rid.hwpt != null && !rid.hwpt.pasidCompat)) {
      return Errno.EINVAL;
    }
    return null;
  }

  /** Mirrors iommufd_device_do_replace; returns the old HWPT for the caller to drop. */
  private static KResult<HwPagetable> doReplace(IommufdFile ictx, Task task, Device idev,
      int pasid, HwPagetable hwpt) {
    IommufdGroup g = idev.igroup;
    IommufdGroup.Attach a = g.pasidAttach.get(pasid);
    Decider dc = task.kernel().decider();
    if (dc.refuse(REPLACE_NOTHING, a == null, pasid)) {
      return KResult.err(Errno.EINVAL, "nothing is attached at PASID " + pasid + " to replace");
    }
    HwPagetable old = a.hwpt;
    if (dc.refuse(REPLACE_NOT_MEMBER, !a.devices.contains(idev), pasid)) {
      return KResult.err(Errno.EINVAL, "the device is not attached at PASID " + pasid);
    }
    if (hwpt == old) {
      return NONE;
    }
    HwptPaging newPaging = pagingOf(hwpt);
    HwptPaging oldPaging = pagingOf(old);
    boolean moveResv = pasid == NO_PASID && newPaging.ioas != oldPaging.ioas;
    if (moveResv) {
      for (Device d : a.devices) {
        Errno e = reserveDeviceRegions(task, newPaging.ioas, d);
        if (e != null) {
          a.devices.forEach(x -> newPaging.ioas.iopt().unreserve(x));
          return KResult.err(e, "a reserved region of the group collides in the new IOAS");
        }
      }
    }
    KResult<Boolean> r = replaceDevice(task, idev, pasid, hwpt, old);
    if (!r.isOk()) {
      if (moveResv) {
        a.devices.forEach(x -> newPaging.ioas.iopt().unreserve(x));
      }
      return r.cast();
    }
    if (moveResv) {
      a.devices.forEach(x -> oldPaging.ioas.iopt().unreserve(x));
    }
    a.hwpt = hwpt;
    int n = a.devices.size();
    for (int i = 0; i < n; i++) {
      hwpt.get();
    }
    for (int i = 0; i < n - 1; i++) {
      old.put();
    }
    return KResult.ok(old);
  }

  /** Mirrors iommufd_hwpt_replace_device: the new domain, then the old one's faults answered. */
  private static KResult<Boolean> replaceDevice(Task task, Device idev, int pasid,
      HwPagetable hwpt, HwPagetable old) {
    Decider dc = task.kernel().decider();
    if (dc.refuse(ATTACH_COMPATIBLE_DEVICE, !compatibleDevice(hwpt, idev))) {
      return KResult.err(Errno.EINVAL, "a fault-capable HWPT cannot take a PCI VF with PRI");
    }
    Errno e = pasidCompat(dc, hwpt, idev, pasid);
    if (e != null) {
      return KResult.err(e, "the new HWPT is not PASID-compatible while PASIDs are in use");
    }
    if (task.shouldFail("kzalloc(iommufd_attach_handle)")) {
      return KResult.err(Errno.ENOMEM, "allocating the attach handle failed");
    }
    if (dc.refuse(ATTACH_SAME_OWNER, !sameOwner(hwpt, idev))) {
      return KResult.err(Errno.EINVAL, "the domain belongs to another IOMMU driver");
    }
    for (Device d : idev.igroup.pasidAttach.get(pasid).devices) {
      if (pasid == NO_PASID) {
        e = d.dev.driver().attach(hwpt.domain, d.dev);
      } else {
        e = d.dev.driver().setDevPasid(hwpt.domain, d.dev, pasid);
      }
      if (dc.refuseWith(pasid == NO_PASID ? DRIVER_ATTACH_DEV : DRIVER_SET_DEV_PASID, e,
          e == null ? null : attachReason(e))) {
        return KResult.err(e, attachReason(e));
      }
    }
    for (Device d : idev.igroup.pasidAttach.get(pasid).devices) {
      if (pasid == NO_PASID) {
        d.dev.setRidDomain(hwpt.domain);
      } else {
        d.dev.setPasidDomain(pasid, hwpt.domain);
      }
      // v7.0 passes the new HWPT here (a bug fixed later): the intended behaviour is modelled.
      Faults.autoRespond(old, d, pasid);
    }
    return KResult.ok(true);
  }

  /** Mirrors iommufd_device_detach: a no-op when nothing is attached at {@code pasid}. */
  static void detach(IommufdFile ictx, Device idev, int pasid) {
    HwPagetable hwpt = hwptDetach(ictx, idev, pasid);
    if (hwpt == null) {
      return;
    }
    putHwpt(ictx, hwpt);
    idev.put();
  }

  /** Mirrors iommufd_hw_pagetable_detach; returns the HWPT whose reference the caller drops. */
  static HwPagetable hwptDetach(IommufdFile ictx, Device idev, int pasid) {
    IommufdGroup g = idev.igroup;
    IommufdGroup.Attach a = g.pasidAttach.get(pasid);
    if (a == null || !a.devices.remove(idev)) {
      return null;
    }
    HwPagetable hwpt = a.hwpt;
    if (a.devices.isEmpty()) {
      if (pasid == NO_PASID) {
        idev.dev.setRidDomain(null);
      } else {
        idev.dev.driver().setDevPasid(null, idev.dev, pasid);
        idev.dev.setPasidDomain(pasid, null);
      }
      Faults.autoRespond(hwpt, idev, pasid);
      g.pasidAttach.remove(pasid);
    }
    if (pasid == NO_PASID) {
      pagingOf(hwpt).ioas.iopt().unreserve(idev);
    }
    return hwpt;
  }

  /** Mirrors iommufd_hw_pagetable_put: an auto domain is destroyed when nobody else uses it. */
  static void putHwpt(IommufdFile ictx, HwPagetable hwpt) {
    if (hwpt == null) {
      return;
    }
    hwpt.put();
    if (hwpt instanceof HwptPaging p && p.autoDomain && p.users == 1) {
      Lifecycle.removeByUser(ictx, p.id());
    }
  }

  /**
   * Mirrors iommufd_device_auto_get_domain: reuse the first compatible auto domain of the IOAS
   * (EINVAL means "try the next one"), else make a new one.
   */
  private static KResult<Integer> autoGetDomain(IommufdFile ictx, Task task, Device idev,
      int pasid, Ioas ioas, boolean replace) {
    for (HwptPaging p : new ArrayList<>(ioas.hwpts)) {
      if (!p.autoDomain || p.users == 0) {
        continue;
      }
      KResult<HwPagetable> r = replace ? doReplace(ictx, task, idev, pasid, p)
          : doAttach(ictx, task, idev, pasid, p);
      if (!r.isOk()) {
        if (r.errno() == Errno.EINVAL) {
          continue;
        }
        return r.cast();
      }
      putHwpt(ictx, r.value());
      return KResult.ok(p.id());
    }
    KResult<HwptPaging> made = Hwpts.allocPaging(ictx, task, ioas, idev, pasid, 0, !replace,
        null);
    if (!made.isOk()) {
      return made.cast();
    }
    HwptPaging p = made.value();
    HwPagetable old = null;
    if (replace) {
      KResult<HwPagetable> r = doReplace(ictx, task, idev, pasid, p);
      if (!r.isOk()) {
        Lifecycle.abortAndDestroy(ictx, p);
        return r.cast();
      }
      old = r.value();
    }
    p.autoDomain = true;
    Lifecycle.finalize(ictx, p);
    putHwpt(ictx, old);
    return KResult.ok(p.id());
  }

  /** All PASIDs (RID last) a device is attached at, for unbind. */
  static List<Integer> attachedPasids(Device idev) {
    List<Integer> out = new ArrayList<>();
    idev.igroup.pasidAttach.forEach((pasid, a) -> {
      if (a.devices.contains(idev)) {
        out.add(pasid);
      }
    });
    out.sort((x, y) -> x == NO_PASID ? 1 : y == NO_PASID ? -1 : Integer.compare(x, y));
    return out;
  }

  /** The domain a fault at (device, pasid) is delivered through, per iommu_report_device_fault. */
  static IommufdGroup.Attach faultTarget(Device idev, int pasid, boolean pasidValid) {
    IommufdGroup g = idev.igroup;
    if (pasidValid) {
      IommufdGroup.Attach a = g.pasidAttach.get(pasid);
      if (a != null && a.hwpt != null && pasid != NO_PASID) {
        return a;
      }
      if (!idev.dev.driver().userPasidTable()) {
        return null;
      }
      IommufdGroup.Attach rid = g.pasidAttach.get(NO_PASID);
      if (rid != null && rid.hwpt != null
          && rid.hwpt.domain.type() == IommuDomain.Type.NESTED) {
        return rid;
      }
      return null;
    }
    return g.pasidAttach.get(NO_PASID);
  }
}
