package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.ViommuCheck.*;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hw_queue_alloc;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_vdevice_alloc;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_veventq_alloc;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_viommu_alloc;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/** vIOMMU, vdevice, vEVENTQ and HW queue ioctls (mirrors viommu.c and eventq.c). */
final class ViommuIoctls {
  private static final CField V_FLAGS = iommu_viommu_alloc.field("flags");
  private static final CField V_TYPE = iommu_viommu_alloc.field("type");
  private static final CField V_DEV = iommu_viommu_alloc.field("dev_id");
  private static final CField V_HWPT = iommu_viommu_alloc.field("hwpt_id");
  private static final CField V_OUT = iommu_viommu_alloc.field("out_viommu_id");
  private static final CField V_LEN = iommu_viommu_alloc.field("data_len");
  private static final CField V_PTR = iommu_viommu_alloc.field("data_uptr");

  private static final CField D_VIOMMU = iommu_vdevice_alloc.field("viommu_id");
  private static final CField D_DEV = iommu_vdevice_alloc.field("dev_id");
  private static final CField D_OUT = iommu_vdevice_alloc.field("out_vdevice_id");
  private static final CField D_VIRT = iommu_vdevice_alloc.field("virt_id");

  private static final CField Q_FLAGS = iommu_veventq_alloc.field("flags");
  private static final CField Q_VIOMMU = iommu_veventq_alloc.field("viommu_id");
  private static final CField Q_TYPE = iommu_veventq_alloc.field("type");
  private static final CField Q_DEPTH = iommu_veventq_alloc.field("veventq_depth");
  private static final CField Q_OUT_ID = iommu_veventq_alloc.field("out_veventq_id");
  private static final CField Q_OUT_FD = iommu_veventq_alloc.field("out_veventq_fd");
  private static final CField Q_RES = iommu_veventq_alloc.field("__reserved");

  private static final CField H_FLAGS = iommu_hw_queue_alloc.field("flags");
  private static final CField H_VIOMMU = iommu_hw_queue_alloc.field("viommu_id");
  private static final CField H_TYPE = iommu_hw_queue_alloc.field("type");
  private static final CField H_INDEX = iommu_hw_queue_alloc.field("index");
  private static final CField H_OUT = iommu_hw_queue_alloc.field("out_hw_queue_id");
  private static final CField H_IOVA = iommu_hw_queue_alloc.field("nesting_parent_iova");
  private static final CField H_LEN = iommu_hw_queue_alloc.field("length");

  private ViommuIoctls() {}

  private static Viommu viommu(Ucmd u, CField f) {
    return u.ictx.get(u.u32(f), ObjType.VIOMMU) instanceof Viommu v ? v : null;
  }

  /** Mirrors viommu.c: iommufd_viommu_alloc_ioctl. */
  static SysResult alloc(Ucmd u) {
    long type = u.get(V_TYPE);
    if (u.refuse(VIOMMU_ALLOC_FLAGS, u.get(V_FLAGS) != 0 || type == 0, type)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags must be 0 and type not DEFAULT");
    }
    IommufdObject vd = u.ictx.get(u.u32(V_DEV), ObjType.DEVICE);
    if (u.refuse(VIOMMU_ALLOC_DEV_LOOKUP, !(vd instanceof Device), u.get(V_DEV))
        || !(vd instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "dev_id is not a device");
    }
    if (u.refuse(VIOMMU_ALLOC_TYPE, !idev.dev.driver().supportsViommu(idev.dev, type), type)) {
      return SysResult.err(Errno.EOPNOTSUPP, idev.dev.driver().name()
          + " makes no vIOMMU of type 0x" + Long.toHexString(type));
    }
    IommufdObject vh = u.ictx.get(u.u32(V_HWPT), ObjType.HWPT_PAGING);
    if (u.refuse(VIOMMU_ALLOC_HWPT_LOOKUP, !(vh instanceof HwptPaging), u.get(V_HWPT))
        || !(vh instanceof HwptPaging hwpt)) {
      return SysResult.err(Errno.ENOENT, "hwpt_id is not a paging HWPT");
    }
    if (u.refuse(VIOMMU_ALLOC_NEST_PARENT, !hwpt.nestParent)) {
      return SysResult.err(Errno.EINVAL, "the HWPT was not allocated with NEST_PARENT");
    }
    Errno[] err = new Errno[1];
    Viommu v = Lifecycle.alloc(u.ictx, u.task, new Viommu(u.ictx, type, hwpt,
        idev.dev.driver()), "viommu", err);
    if (v == null) {
      return SysResult.err(err[0], "allocating the vIOMMU failed");
    }
    hwpt.get();
    long len = u.get(V_LEN);
    Errno e = idev.dev.driver().viommuInit(v, len != 0
        ? new UserData(u.task, type, u.get(V_PTR), len) : null);
    if (u.decider().refuseWith(DRIVER_VIOMMU_INIT, e, "the driver's viommu_init failed")) {
      Lifecycle.abortAndDestroy(u.ictx, v);
      return SysResult.err(e, "the driver's viommu_init failed");
    }
    v.initialised = true;
    u.set(V_OUT, v.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, v);
      return r;
    }
    Lifecycle.finalize(u.ictx, v);
    return SysResult.ok();
  }

  static void destroyViommu(IommufdFile ictx, Viommu v) {
    if (v.initialised) {
      v.driver.viommuDestroy(v);
    }
    ictx.freeMmaps(v);
    v.hwpt.put();
  }

  /** Mirrors viommu.c: iommufd_viommu_alloc_hwpt_nested (HWPT_ALLOC with pt_id a vIOMMU). */
  static KResult<HwptNested> allocNested(IommufdFile ictx, org.iommufdsim.sim.kernel.Task task,
      Viommu v, Device idev, long flags, UserData data) {
    org.iommufdsim.sim.kernel.decide.Decider dc = task.kernel().decider();
    if (dc.refuse(VIOMMU_NESTED_INSTANCE, !v.instance.equals(idev.dev.driver().instance()))) {
      return KResult.err(Errno.EINVAL, "the vIOMMU sits on another IOMMU instance than the"
          + " device");
    }
    if (dc.refuse(VIOMMU_NESTED_FLAGS,
        (flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) != 0 || data.len() == 0
        || !v.driver.viommuHasNestedAlloc(), flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "nested allocation takes only FAULT_ID_VALID and"
          + " PASID flags and needs user data");
    }
    Errno[] err = new Errno[1];
    HwptNested hwpt = Lifecycle.alloc(ictx, task, new HwptNested(v.hwpt, v), "hwpt_nested", err);
    if (hwpt == null) {
      return KResult.err(err[0], "allocating the HWPT failed");
    }
    hwpt.pasidCompat = (flags & IOMMU_HWPT_ALLOC_PASID) != 0;
    v.get();
    KResult<IommuDomain> d = v.driver.viommuAllocNested(v, flags & ~IOMMU_HWPT_FAULT_ID_VALID,
        data);
    if (dc.refuseWith(DRIVER_VIOMMU_ALLOC_DOMAIN_NESTED, d.errno(), d.reason())) {
      Lifecycle.abortAndDestroy(ictx, hwpt);
      return d.cast();
    }
    hwpt.domain = d.value();
    return KResult.ok(hwpt);
  }

  /** Mirrors viommu.c: iommufd_vdevice_alloc_ioctl. */
  static SysResult vdeviceAlloc(Ucmd u) {
    Viommu v = viommu(u, D_VIOMMU);
    if (u.refuse(VDEVICE_VIOMMU_LOOKUP, v == null, u.get(D_VIOMMU))) {
      return SysResult.err(Errno.ENOENT, "viommu_id is not a vIOMMU");
    }
    IommufdObject dd = u.ictx.get(u.u32(D_DEV), ObjType.DEVICE);
    if (u.refuse(VDEVICE_DEV_LOOKUP, !(dd instanceof Device), u.get(D_DEV))
        || !(dd instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "dev_id is not a device");
    }
    if (u.refuse(VDEVICE_INSTANCE, !v.instance.equals(idev.dev.driver().instance()))) {
      return SysResult.err(Errno.EINVAL, "the device sits behind another IOMMU instance");
    }
    if (u.refuse(VDEVICE_ONCE, idev.vdev != null)) {
      return SysResult.err(Errno.EEXIST, "the device already has vdevice " + idev.vdev.id());
    }
    long virtId = u.get(D_VIRT);
    Errno[] err = new Errno[1];
    Vdevice vd = Lifecycle.alloc(u.ictx, u.task, new Vdevice(v, idev, virtId), "vdevice", err);
    if (vd == null) {
      return SysResult.err(err[0], "allocating the vdevice failed");
    }
    v.get();
    idev.get();
    idev.vdev = vd;
    if (u.refuse(VDEVICE_VIRT_ID, v.vdevs.containsKey(virtId), virtId)) {
      Lifecycle.abortAndDestroy(u.ictx, vd);
      return SysResult.err(Errno.EEXIST, "virt_id 0x" + Long.toHexString(virtId)
          + " is taken in this vIOMMU");
    }
    v.vdevs.put(virtId, vd);
    Errno e = v.driver.vdeviceInit(v, idev.dev, virtId);
    if (u.decider().refuseWith(DRIVER_VDEVICE_INIT, e, "the driver's vdevice_init failed")) {
      Lifecycle.abortAndDestroy(u.ictx, vd);
      return SysResult.err(e, "the driver's vdevice_init failed");
    }
    u.set(D_OUT, vd.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, vd);
      return r;
    }
    Lifecycle.finalize(u.ictx, vd);
    return SysResult.ok();
  }

  static void destroyVdevice(Vdevice vd) {
    if (vd.viommu.vdevs.get(vd.virtId) == vd) {
      vd.viommu.vdevs.remove(vd.virtId);
    }
    vd.viommu.put();
    vd.idev.vdev = null;
    vd.idev.put();
  }

  /** Mirrors eventq.c: iommufd_veventq_alloc. */
  static SysResult veventqAlloc(Ucmd u) {
    long type = u.get(Q_TYPE);
    if (u.refuse(VEVENTQ_ALLOC_FLAGS, u.get(Q_FLAGS) != 0 || u.get(Q_RES) != 0 || type == 0,
        type)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags and __reserved must be 0, type not DEFAULT");
    }
    if (u.refuse(VEVENTQ_ALLOC_DEPTH, u.get(Q_DEPTH) == 0)) {
      return SysResult.err(Errno.EINVAL, "veventq_depth is 0");
    }
    Viommu v = viommu(u, Q_VIOMMU);
    if (u.refuse(VEVENTQ_ALLOC_VIOMMU_LOOKUP, v == null, u.get(Q_VIOMMU))) {
      return SysResult.err(Errno.ENOENT, "viommu_id is not a vIOMMU");
    }
    boolean taken = false;
    for (Veventq q : v.veventqs) {
      taken |= q.vtype == type;
    }
    if (u.refuse(VEVENTQ_ALLOC_TYPE_ONCE, taken, type)) {
      return SysResult.err(Errno.EEXIST, "the vIOMMU already has a vEVENTQ of this type");
    }
    Errno[] err = new Errno[1];
    Veventq q = Lifecycle.alloc(u.ictx, u.task, new Veventq(v, type, u.get(Q_DEPTH)), "veventq",
        err);
    if (q == null) {
      return SysResult.err(err[0], "allocating the vEVENTQ failed");
    }
    v.get();
    v.veventqs.add(q);
    return EventqFiles.publish(u, q, "[iommufd-viommu-event]", o -> {
      q.file = new VeventqFile(q, u.ictx);
      return q.file;
    }, Q_OUT_ID, Q_OUT_FD);
  }

  static void destroyVeventq(Veventq q) {
    q.deliver.clear();
    q.viommu.veventqs.remove(q);
    q.viommu.put();
  }

  /** Mirrors viommu.c: iommufd_hw_queue_alloc_ioctl. */
  static SysResult hwQueueAlloc(Ucmd u) {
    long type = u.get(H_TYPE);
    long length = u.get(H_LEN);
    long base = u.get(H_IOVA);
    if (u.refuse(HW_QUEUE_FLAGS, u.get(H_FLAGS) != 0 || type == 0, type)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags must be 0 and type not DEFAULT");
    }
    if (u.refuse(HW_QUEUE_LENGTH, length == 0)) {
      return SysResult.err(Errno.EINVAL, "length is 0");
    }
    if (u.refuse(HW_QUEUE_OVERFLOW, U64.addOverflows(base, length - 1))) {
      return SysResult.err(Errno.EOVERFLOW, "nesting_parent_iova + length - 1 overflows");
    }
    Viommu v = viommu(u, H_VIOMMU);
    if (u.refuse(HW_QUEUE_VIOMMU_LOOKUP, v == null, u.get(H_VIOMMU))) {
      return SysResult.err(Errno.ENOENT, "viommu_id is not a vIOMMU");
    }
    if (u.refuse(HW_QUEUE_TYPE, !v.driver.supportsHwQueue(v, type), type)) {
      return SysResult.err(Errno.EOPNOTSUPP, "the vIOMMU has no HW queue of this type");
    }
    Errno[] err = new Errno[1];
    HwQueue q = Lifecycle.alloc(u.ictx, u.task, new HwQueue(v, type, u.get(H_INDEX), base,
        length), "hw_queue", err);
    if (q == null) {
      return SysResult.err(err[0], "allocating the HW queue failed");
    }
    SysResult pinned = pinPhys(u, q);
    if (!pinned.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, q);
      return pinned;
    }
    v.get();
    q.viommuHeld = true;
    Object[] dep = new Object[1];
    Errno e = v.driver.hwQueueInit(v, q, q.index, dep);
    if (u.decider().refuseWith(DRIVER_HW_QUEUE_INIT, e, e == null ? null : switch (e) {
      case EINVAL -> "index is beyond the driver's maximum";
      case EEXIST -> "a queue with this index exists";
      case EIO -> "the queue before this index does not exist";
      default -> "the driver's hw_queue_init failed";
    })) {
      Lifecycle.abortAndDestroy(u.ictx, q);
      return SysResult.err(e, switch (e) {
        case EINVAL -> "index is beyond the driver's maximum";
        case EEXIST -> "a queue with this index exists";
        case EIO -> "the queue before this index does not exist";
        default -> "the driver's hw_queue_init failed";
      });
    }
    q.initialised = true;
    if (dep[0] instanceof HwQueue prev) {
      q.dependsOn = prev;
      prev.get();
    }
    u.set(H_OUT, q.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, q);
      return r;
    }
    Lifecycle.finalize(u.ictx, q);
    return SysResult.ok();
  }

  /** iommufd_hw_queue_alloc_phys: an internal access pins and locks the guest pages. */
  private static SysResult pinPhys(Ucmd u, HwQueue q) {
    long page = u.task.kernel().pageSize();
    long offset = q.baseIova % page;
    long aligned = q.baseIova - offset;
    long npages = (offset + q.length + page - 1) / page;
    if (u.task.shouldFail("kcalloc(pages)")) {
      return SysResult.err(Errno.ENOMEM, "allocating the page array failed");
    }
    Errno[] err = new Errno[1];
    Access a = Lifecycle.alloc(u.ictx, u.task, new Access(true), "access", err);
    if (a == null) {
      return SysResult.err(err[0], "allocating the internal access failed");
    }
    a.get();
    Lifecycle.finalize(u.ictx, a);
    Ioas ioas = q.viommu.hwpt.ioas;
    a.ioas = ioas;
    ioas.get();
    IoPagetable.AlignmentSource align = () -> page;
    a.alignment = align;
    Errno e = ioas.iopt().addAlignmentSource(align);
    if (e == null) {
      List<IoPagetable.AccessPin> pins = new ArrayList<>();
      e = ioas.iopt().accessPin(u.task, aligned, npages * page, false, true, pins);
      a.pins.addAll(pins);
    }
    q.access = a;
    if (e != null) {
      return SysResult.err(e, switch (e) {
        case ENOENT -> "the range is not fully mapped in the parent's IOAS";
        case EINVAL -> "an area is not page aligned or is being unmapped";
        case EPERM -> "an area is not readable";
        default -> "pinning the queue memory failed";
      });
    }
    return SysResult.ok();
  }

  static void destroyHwQueue(IommufdFile ictx, HwQueue q) {
    if (q.initialised) {
      q.viommu.driver.hwQueueDestroy(q.viommu, q);
    }
    if (q.dependsOn != null) {
      q.dependsOn.put();
    }
    Access a = q.access;
    if (a != null) {
      a.ioas.iopt().accessUnpin(a.pins, true);
      if (a.alignment != null) {
        a.ioas.iopt().removeAlignmentSource(a.alignment);
      }
      a.ioas.put();
      a.put();
      Lifecycle.removeInternal(ictx, a);
    }
    if (q.viommuHeld) {
      q.viommu.put();
    }
  }
}
