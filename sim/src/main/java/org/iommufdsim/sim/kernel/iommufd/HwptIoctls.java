package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_DATA_NONE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_CAP_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_FLAG_INPUT_TYPE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_TYPE_DEFAULT;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hw_info;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_alloc;

import static org.iommufdsim.sim.kernel.decide.HwptCheck.*;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/** IOMMU_HWPT_ALLOC and IOMMU_GET_HW_INFO (mirrors hw_pagetable.c and device.c). */
final class HwptIoctls {
  private static final CField A_FLAGS = iommu_hwpt_alloc.field("flags");
  private static final CField A_DEV = iommu_hwpt_alloc.field("dev_id");
  private static final CField A_PT = iommu_hwpt_alloc.field("pt_id");
  private static final CField A_OUT = iommu_hwpt_alloc.field("out_hwpt_id");
  private static final CField A_RES = iommu_hwpt_alloc.field("__reserved");
  private static final CField A_TYPE = iommu_hwpt_alloc.field("data_type");
  private static final CField A_LEN = iommu_hwpt_alloc.field("data_len");
  private static final CField A_PTR = iommu_hwpt_alloc.field("data_uptr");
  private static final CField A_FAULT = iommu_hwpt_alloc.field("fault_id");

  private static final CField H_FLAGS = iommu_hw_info.field("flags");
  private static final CField H_DEV = iommu_hw_info.field("dev_id");
  private static final CField H_LEN = iommu_hw_info.field("data_len");
  private static final CField H_PTR = iommu_hw_info.field("data_uptr");
  private static final CField H_TYPE = iommu_hw_info.field("in_data_type");
  private static final CField H_PASID = iommu_hw_info.field("out_max_pasid_log2");
  private static final CField H_CAPS = iommu_hw_info.field("out_capabilities");

  private HwptIoctls() {}

  /** Mirrors hw_pagetable.c: iommufd_hwpt_alloc, in the kernel's order of checks. */
  static SysResult alloc(Ucmd u) {
    if (u.refuse(HWPT_ALLOC_RESERVED, u.get(A_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    long type = u.get(A_TYPE);
    long len = u.get(A_LEN);
    if (u.refuse(HWPT_ALLOC_DATA_LEN, (type == IOMMU_HWPT_DATA_NONE && len != 0)
        || (type != IOMMU_HWPT_DATA_NONE && len == 0), len)) {
      return SysResult.err(Errno.EINVAL, "data_type NONE needs data_len 0, any other type a"
          + " non-zero data_len");
    }
    IommufdObject d = u.ictx.get(u.u32(A_DEV), ObjType.DEVICE);
    if (u.refuse(HWPT_ALLOC_DEV_LOOKUP, !(d instanceof Device), u.get(A_DEV))
        || !(d instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "dev_id " + Integer.toUnsignedString(u.u32(A_DEV))
          + " is not a device");
    }
    IommufdObject pt = u.ictx.get(u.u32(A_PT), ObjType.ANY);
    if (u.refuse(HWPT_ALLOC_PT_LOOKUP, pt == null, u.get(A_PT))) {
      return SysResult.err(Errno.EINVAL, "pt_id " + Integer.toUnsignedString(u.u32(A_PT))
          + " does not exist (HWPT_ALLOC answers EINVAL, not ENOENT)");
    }
    u.refuse(HWPT_ALLOC_PT_TYPE,
        !(pt instanceof Ioas || pt instanceof HwptPaging || pt instanceof Viommu));
    long flags = u.get(A_FLAGS);
    UserData data = new UserData(u.task, type, u.get(A_PTR), len);
    KResult<? extends HwPagetable> made = switch (pt) {
      case Ioas ioas -> Hwpts.allocPaging(u.ictx, u.task, ioas, idev, DeviceCore.NO_PASID, flags,
          false, len != 0 ? data : null);
      case HwptPaging parent -> Hwpts.allocNested(u.ictx, u.task, parent, idev, flags, data);
      case Viommu v -> ViommuIoctls.allocNested(u.ictx, u.task, v, idev, flags, data);
      default -> KResult.err(Errno.EINVAL, "pt_id is a " + pt.type()
          + ": only an IOAS, a nesting parent HWPT or a vIOMMU can back a new HWPT");
    };
    if (!made.isOk()) {
      return SysResult.err(made.errno(), made.reason());
    }
    HwPagetable hwpt = made.value();
    if ((flags & IOMMU_HWPT_FAULT_ID_VALID) != 0) {
      IommufdObject f = u.ictx.get(u.u32(A_FAULT), ObjType.FAULT);
      if (u.refuse(HWPT_ALLOC_FAULT_LOOKUP, !(f instanceof Fault), u.get(A_FAULT))
          || !(f instanceof Fault fault)) {
        Lifecycle.abortAndDestroy(u.ictx, hwpt);
        return SysResult.err(Errno.ENOENT, "FAULT_ID_VALID: fault_id "
            + Integer.toUnsignedString(u.u32(A_FAULT)) + " is not a fault queue");
      }
      hwpt.fault = fault;
      hwpt.domain.setIopfHandler(fault);
      fault.get();
    }
    u.set(A_OUT, hwpt.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, hwpt);
      return r;
    }
    Lifecycle.finalize(u.ictx, hwpt);
    return SysResult.ok();
  }

  private static final CField I_HWPT =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("hwpt_id");
  private static final CField I_PTR =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("data_uptr");
  private static final CField I_TYPE =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("data_type");
  private static final CField I_LEN =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("entry_len");
  private static final CField I_NUM =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("entry_num");
  private static final CField I_RES =
      org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_invalidate.field("__reserved");

  /** Mirrors hw_pagetable.c: iommufd_hwpt_invalidate; entry_num is always written back. */
  static SysResult invalidate(Ucmd u) {
    long done = 0;
    SysResult rc;
    if (u.refuse(INVALIDATE_RESERVED, u.get(I_RES) != 0)) {
      rc = SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    } else if (u.refuse(INVALIDATE_ARRAY,
        u.get(I_NUM) != 0 && (u.get(I_PTR) == 0 || u.get(I_LEN) == 0))) {
      rc = SysResult.err(Errno.EINVAL, "entry_num needs a data_uptr and an entry_len");
    } else {
      IommufdObject o = u.ictx.get(u.u32(I_HWPT), ObjType.ANY);
      org.iommufdsim.sim.kernel.iommu.UserArray arr = new org.iommufdsim.sim.kernel.iommu.UserArray(
          u.task, u.get(I_TYPE), u.get(I_PTR), u.get(I_LEN), u.get(I_NUM));
      if (u.refuse(INVALIDATE_LOOKUP, o == null, u.get(I_HWPT))) {
        rc = SysResult.err(Errno.ENOENT, "hwpt_id does not exist");
      } else if (o instanceof HwptNested n
          && u.refuse(INVALIDATE_NESTED_OP, !n.domain.driver().nestedHasInvalidate())) {
        rc = SysResult.err(Errno.EOPNOTSUPP, "the nested HWPT's driver has no"
            + " cache_invalidate_user");
      } else if (o instanceof HwptNested n) {
        Errno e = n.domain.driver().cacheInvalidateUser(n.domain, arr);
        done = arr.handled();
        rc = e == null ? SysResult.ok() : SysResult.err(e, driverFailed(done, arr));
        u.decider().refuseWith(DRIVER_CACHE_INVALIDATE, e, rc.reason());
      } else if (o instanceof Viommu v) {
        if (u.refuse(INVALIDATE_VIOMMU_OP, !v.driver.viommuHasInvalidate())) {
          rc = SysResult.err(Errno.EOPNOTSUPP, "the vIOMMU has no cache invalidation");
        } else {
          Errno e = v.driver.viommuInvalidate(v, arr);
          done = arr.handled();
          rc = e == null ? SysResult.ok() : SysResult.err(e, driverFailed(done, arr));
          u.decider().refuseWith(org.iommufdsim.sim.kernel.decide.ViommuCheck
              .DRIVER_VIOMMU_INVALIDATE, e, rc.reason());
        }
      } else {
        u.refuse(INVALIDATE_TYPE, true);
        rc = SysResult.err(Errno.EINVAL, "hwpt_id is a " + o.type()
            + ": only a nested HWPT or a vIOMMU takes invalidations");
      }
    }
    u.set(I_NUM, done);
    SysResult r = u.respond();
    if (!r.isOk()) {
      return r;
    }
    return rc;
  }

  /**
   * Why an invalidation failed, as far as entry_num tells: a driver that fails before it
   * touches the count (an allocation, say) leaves the request's count in it, so the answer then
   * seems to claim every entry handled.
   */
  private static String driverFailed(long done, org.iommufdsim.sim.kernel.iommu.UserArray arr) {
    return done == arr.entryNum()
        ? "the driver failed and left entry_num at the request's count, " + done
        : "the driver stopped at entry " + done;
  }

  /** Mirrors device.c: iommufd_get_hw_info. */
  static SysResult hwInfo(Ucmd u) {
    long flags = u.get(H_FLAGS);
    if (u.refuse(HW_INFO_FLAGS, (flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags has unknown bits");
    }
    boolean reserved = false;
    for (int i = 0; i < 3; i++) {
      reserved |= iommu_hw_info.field("__reserved[" + i + "]").get(u.cmd) != 0;
    }
    if (u.refuse(HW_INFO_RESERVED, reserved)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    long requested = (flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE) != 0 ? u.get(H_TYPE)
        : IOMMU_HW_INFO_TYPE_DEFAULT;
    IommufdObject d = u.ictx.get(u.u32(H_DEV), ObjType.DEVICE);
    if (u.refuse(HW_INFO_DEV_LOOKUP, !(d instanceof Device), u.get(H_DEV))
        || !(d instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "dev_id is not a device");
    }
    IommuDriver drv = idev.dev.driver();
    KResult<IommuDriver.HwInfo> info = drv.hwInfo(idev.dev, requested);
    if (u.decider().refuseWith(DRIVER_HW_INFO, info.errno(), info.reason())) {
      return SysResult.err(info.errno(), info.reason());
    }
    byte[] blob = info.value().data();
    long userLen = u.get(H_LEN);
    if (userLen != 0) {
      int n = (int) Math.min(userLen, blob.length);
      SysResult c = u.copyToUser(u.get(H_PTR), java.util.Arrays.copyOf(blob, n),
          "copy_to_user(data_uptr)");
      if (c.isOk() && userLen > n) {
        c = u.clearUser(u.get(H_PTR) + n, userLen - n, "clear_user(data_uptr tail)");
      }
      if (!c.isOk()) {
        return c;
      }
    }
    u.set(H_LEN, blob.length);
    u.set(H_TYPE, info.value().type());
    u.set(H_PASID, idev.dev.pasidBits());
    u.set(H_CAPS, drv.dirtyCapable(idev.dev) ? IOMMU_HW_CAP_DIRTY_TRACKING : 0);
    return u.respond();
  }
}
