package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;

import static org.iommufdsim.sim.kernel.decide.HwptCheck.*;

import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.Errno;

/** HW page table construction and teardown (mirrors hw_pagetable.c). */
final class Hwpts {
  private Hwpts() {}

  /**
   * Mirrors iommufd_hwpt_paging_alloc: checks the flags, reserves the ID, asks the driver for
   * a domain, optionally attaches the device first (auto domains), then adds the domain to the
   * IOAS. The new HWPT is not published; the caller finalises or aborts it.
   */
  static KResult<HwptPaging> allocPaging(IommufdFile ictx, Task task, Ioas ioas, Device idev,
      int pasid, long flags, boolean immediateAttach, UserData data) {
    long valid = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING
        | IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID;
    IommuDriver drv = idev.dev.driver();
    Decider dc = task.kernel().decider();
    if (dc.refuse(HWPT_PAGING_FLAGS, (flags & ~valid) != 0, flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "flags has bits outside NEST_PARENT, DIRTY_TRACKING,"
          + " FAULT_ID_VALID and PASID");
    }
    if (dc.refuse(HWPT_PAGING_DIRTY,
        (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0 && !drv.dirtyCapable(idev.dev))) {
      return KResult.err(Errno.EOPNOTSUPP, "DIRTY_TRACKING on a device whose IOMMU cannot"
          + " track dirty pages");
    }
    if (dc.refuse(HWPT_PAGING_FAULT_NEST_PARENT, (flags & IOMMU_HWPT_FAULT_ID_VALID) != 0
        && (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) != 0, flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "FAULT_ID_VALID together with NEST_PARENT: a nesting"
          + " parent cannot take I/O page faults");
    }
    Errno[] err = new Errno[1];
    HwptPaging hwpt = Lifecycle.alloc(ictx, task, new HwptPaging(ioas), "hwpt_paging", err);
    if (hwpt == null) {
      return KResult.err(err[0], "allocating the HWPT object failed");
    }
    hwpt.pasidCompat = (flags & IOMMU_HWPT_ALLOC_PASID) != 0;
    ioas.get();
    hwpt.nestParent = (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) != 0;
    if (task.shouldFail("domain_alloc_paging")) {
      Lifecycle.abortAndDestroy(ictx, hwpt);
      return KResult.err(Errno.ENOMEM, "the driver could not allocate the domain");
    }
    KResult<IommuDomain> d = drv.allocPaging(idev.dev, flags & ~IOMMU_HWPT_FAULT_ID_VALID, data);
    if (dc.refuseWith(DRIVER_DOMAIN_ALLOC_PAGING, d.errno(), d.reason())) {
      Lifecycle.abortAndDestroy(ictx, hwpt);
      return d.cast();
    }
    hwpt.domain = d.value();
    if (immediateAttach) {
      KResult<Boolean> a = DeviceCore.hwptAttach(ictx, task, hwpt, idev, pasid);
      if (!a.isOk()) {
        Lifecycle.abortAndDestroy(ictx, hwpt);
        return a.cast();
      }
    }
    Errno e = ioas.iopt().addDomain(task, hwpt.domain);
    if (e != null) {
      if (immediateAttach) {
        DeviceCore.hwptDetach(ictx, idev, pasid);
      }
      Lifecycle.abortAndDestroy(ictx, hwpt);
      return KResult.err(e, switch (e) {
        case EINVAL -> "the domain's smallest IO page is larger than PAGE_SIZE";
        case EADDRINUSE -> "the domain's aperture excludes an existing area or allowed range,"
            + " or its alignment breaks an area";
        case EFAULT -> "pinning the user memory of an existing area failed";
        default -> "adding the domain to the IOAS failed";
      });
    }
    hwpt.listed = true;
    ioas.hwpts.add(hwpt);
    return KResult.ok(hwpt);
  }

  /** Mirrors iommufd_hwpt_nested_alloc: a stage 1 on a nesting parent. */
  static KResult<HwptNested> allocNested(IommufdFile ictx, Task task, HwptPaging parent,
      Device idev, long flags, UserData data) {
    IommuDriver drv = idev.dev.driver();
    Decider dc = task.kernel().decider();
    if (dc.refuse(HWPT_NESTED_FLAGS,
        (flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) != 0 || data.len() == 0
        || !drv.hasNestedAlloc(), flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "nested allocation takes only FAULT_ID_VALID and"
          + " PASID flags and needs user data and a driver that nests");
    }
    if (dc.refuse(HWPT_NESTED_PARENT, parent.autoDomain || !parent.nestParent
        || !parent.domain.driver().name().equals(drv.name()), parent.id())) {
      return KResult.err(Errno.EINVAL, "the parent HWPT is an auto domain, was not allocated"
          + " with NEST_PARENT, or belongs to another driver");
    }
    Errno[] err = new Errno[1];
    HwptNested hwpt = Lifecycle.alloc(ictx, task, new HwptNested(parent, null), "hwpt_nested",
        err);
    if (hwpt == null) {
      return KResult.err(err[0], "allocating the HWPT object failed");
    }
    hwpt.pasidCompat = (flags & IOMMU_HWPT_ALLOC_PASID) != 0;
    parent.get();
    KResult<IommuDomain> d = drv.allocNested(idev.dev, parent.domain,
        flags & ~IOMMU_HWPT_FAULT_ID_VALID, data);
    if (dc.refuseWith(DRIVER_DOMAIN_ALLOC_NESTED, d.errno(), d.reason())) {
      Lifecycle.abortAndDestroy(ictx, hwpt);
      return d.cast();
    }
    hwpt.domain = d.value();
    return KResult.ok(hwpt);
  }

  /** iommufd_hwpt_paging_destroy / _abort and iommufd_hwpt_nested_destroy / _abort. */
  static void destroy(HwPagetable hwpt) {
    switch (hwpt) {
      case HwptPaging p -> {
        if (p.listed) {
          p.ioas.hwpts.remove(p);
          p.ioas.iopt().removeDomain(p.domain);
          p.listed = false;
        }
        p.ioas.put();
      }
      case HwptNested n -> {
        if (n.viommu != null) {
          n.viommu.put();
        } else {
          n.parent.put();
        }
      }
    }
    if (hwpt.fault != null) {
      hwpt.fault.put();
    }
  }
}
