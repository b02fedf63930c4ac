package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMUFD_PAGE_RESP_INVALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_fault_alloc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Fault queues: IOMMU_FAULT_QUEUE_ALLOC, delivery of I/O page faults from a device to the HWPT
 * attached where it faulted (iommu_report_device_fault + iommufd_fault_iopf_handler), and the
 * automatic INVALID responses on detach, replace and destroy (mirrors eventq.c).
 */
final class Faults {
  /** IOMMU_FAULT_PAGE_REQUEST_PASID_VALID / _LAST_PAGE. */
  static final int PASID_VALID = 1;
  static final int LAST_PAGE = 2;

  private static final CField FLAGS = iommu_fault_alloc.field("flags");
  private static final CField OUT_ID = iommu_fault_alloc.field("out_fault_id");
  private static final CField OUT_FD = iommu_fault_alloc.field("out_fault_fd");

  private Faults() {}

  /** Mirrors iommufd_fault_alloc. */
  static SysResult alloc(Ucmd u) {
    if (u.refuse(org.iommufdsim.sim.kernel.decide.EventqCheck.FAULT_ALLOC_FLAGS,
        u.get(FLAGS) != 0, u.get(FLAGS))) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags must be 0");
    }
    Errno[] err = new Errno[1];
    Fault fault = Lifecycle.alloc(u.ictx, u.task, new Fault(), "fault", err);
    if (fault == null) {
      return SysResult.err(err[0], "allocating the fault object failed");
    }
    return EventqFiles.publish(u, fault, "[iommufd-pgfault]", o -> {
      fault.file = new FaultFile(fault, u.ictx);
      return fault.file;
    }, OUT_ID, OUT_FD);
  }

  /**
   * iommu_report_device_fault for a page request of {@code idev}: finds the HWPT attached where
   * it faulted; if that HWPT has a fault queue the whole group is queued, otherwise the device
   * gets an INVALID response at once. Returns whether it was queued.
   */
  static boolean report(org.iommufdsim.sim.kernel.Task task, Device idev,
      Fault.PageRequest req) {
    boolean pasidValid = (req.flags() & PASID_VALID) != 0;
    IommufdGroup.Attach a = DeviceCore.faultTarget(idev, req.pasid(), pasidValid);
    boolean noGroup = (req.flags() & LAST_PAGE) != 0 && task != null
        && a != null && a.hwpt != null && a.hwpt.fault != null
        && task.shouldFail("kzalloc(iopf_group)");
    if (a == null || a.hwpt == null || a.hwpt.fault == null || noGroup) {
      idev.dev.respond(new IommuDevice.PageResponse(req.pasid(), pasidValid, req.grpid(),
          (int) IOMMUFD_PAGE_RESP_INVALID));
      return false;
    }
    if ((req.flags() & LAST_PAGE) == 0) {
      idev.partialFaults.add(req);
      return true;
    }
    List<Fault.PageRequest> faults = new ArrayList<>();
    {
      for (Iterator<Fault.PageRequest> it = idev.partialFaults.iterator(); it.hasNext(); ) {
        Fault.PageRequest p = it.next();
        if (p.grpid() == req.grpid() && p.pasid() == req.pasid()) {
          faults.add(p);
          it.remove();
        }
      }
    }
    faults.add(req);
    int pasid = a == idev.igroup.pasidAttach.get(DeviceCore.NO_PASID) ? DeviceCore.NO_PASID
        : req.pasid();
    a.hwpt.fault.deliver.addLast(new Fault.Group(faults, idev, pasid, a.hwpt));
    return true;
  }

  /**
   * iommufd_auto_response_faults: every group of this attachment (device at pasid on hwpt),
   * queued or read but unanswered, is answered INVALID and freed.
   */
  static void autoRespond(HwPagetable hwpt, Device idev, int pasid) {
    Fault fault = hwpt.fault;
    if (fault == null) {
      return;
    }
    for (Iterator<Fault.Group> it = fault.deliver.iterator(); it.hasNext(); ) {
      Fault.Group g = it.next();
      if (g.idev == idev && g.pasid == pasid && g.hwpt == hwpt) {
        it.remove();
        FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
      }
    }
    for (Fault.Group g : List.copyOf(fault.response.values())) {
      if (g.idev == idev && g.pasid == pasid && g.hwpt == hwpt) {
        fault.takeResponse(g.cookie);
        FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
      }
    }
  }

  /** iommufd_fault_destroy: everything still pending or unanswered gets INVALID. */
  static void destroy(Fault fault) {
    for (Fault.Group g : fault.deliver) {
      FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
    }
    fault.deliver.clear();
    for (Fault.Group g : List.copyOf(fault.response.values())) {
      fault.takeResponse(g.cookie);
      FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
    }
  }
}
