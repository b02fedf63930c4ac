package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMUFD_PAGE_RESP_INVALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_fault_alloc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.decide.Event;
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
   * iommu_report_device_fault (io-pgfault.c) for a page request of {@code idev}: finds the
   * attach handle where it faulted (find_fault_handler: the PASID's, or with a driver that has
   * user_pasid_table the RID's nested domain; without PASID_VALID the RID's). Without a handle
   * whose domain has an iopf handler the core answers the device INVALID at once
   * (err_bad_iopf), partial or not. A request that is not its group's last page is kept; the
   * last one gathers the kept ones of its grpid (grpid alone is compared) into a group for
   * iommufd_fault_iopf_handler, which queues it. When the group cannot be allocated the core
   * answers FAILURE and frees that grpid's partials (err_abort). Returns whether it was kept
   * or queued.
   */
  static boolean report(org.iommufdsim.sim.kernel.Task task, Device idev,
      Fault.PageRequest req) {
    boolean pasidValid = (req.flags() & PASID_VALID) != 0;
    IommufdGroup.Attach a = DeviceCore.faultTarget(idev, req.pasid(), pasidValid);
    Decider d = idev.ictx.kernel().decider();
    long where = pasidValid ? Integer.toUnsignedLong(req.pasid()) : DeviceCore.NO_PASID;
    long grpid = Integer.toUnsignedLong(req.grpid());
    IommufdGroup.Attach rid = idev.igroup.pasidAttach.get(DeviceCore.NO_PASID);
    if (a == null || a.hwpt == null || a.hwpt.fault == null) {
      d.event(Event.IOPF_UNHANDLED, idev, unhandled(idev, a, rid, pasidValid), where,
          IOMMU_PAGE_RESP_INVALID);
      respond(idev, req, pasidValid, IOMMU_PAGE_RESP_INVALID);
      return false;
    }
    boolean viaRid = pasidValid && a == rid;
    if ((req.flags() & LAST_PAGE) == 0) {
      d.event(Event.IOPF_PARTIAL, idev, null, where, grpid);
      idev.partialFaults.add(req);
      return true;
    }
    List<Fault.PageRequest> faults = new ArrayList<>();
    for (Iterator<Fault.PageRequest> it = idev.partialFaults.iterator(); it.hasNext(); ) {
      Fault.PageRequest p = it.next();
      if (p.grpid() == req.grpid()) {
        faults.add(p);
        it.remove();
      }
    }
    faults.add(req);
    if (task != null && task.shouldFail("kzalloc(iopf_group)")) {
      d.event(Event.IOPF_ABORTED, idev, null, where, IOMMU_PAGE_RESP_FAILURE);
      respond(idev, req, pasidValid, IOMMU_PAGE_RESP_FAILURE);
      return false;
    }
    d.event(Event.IOPF_ROUTED, idev, a.hwpt, where, viaRid ? 1 : 0);
    int pasid = a == rid ? DeviceCore.NO_PASID : req.pasid();
    a.hwpt.fault.deliver.addLast(new Fault.Group(faults, idev, pasid, a.hwpt));
    d.event(Event.IOPF_QUEUED, a.hwpt.fault, a.hwpt, grpid, faults.size());
    return true;
  }

  /** Why find_fault_handler found no handle whose domain takes faults, for the explanation. */
  private static String unhandled(Device idev, IommufdGroup.Attach a, IommufdGroup.Attach rid,
      boolean pasidValid) {
    if (a != null && a.hwpt != null) {
      return GraphBuilder.label(a.hwpt) + " has no fault queue";
    }
    if (!pasidValid) {
      return "nothing is attached at the RID";
    }
    if (!idev.dev.driver().userPasidTable()) {
      return "nothing is attached at that PASID";
    }
    return rid == null || rid.hwpt == null
        ? "nothing is attached at that PASID or at the RID"
        : "nothing is attached at that PASID, and the RID's " + GraphBuilder.label(rid.hwpt)
            + " is not a nested domain";
  }

  /** enum iommu_page_response_code (include/linux/iommu.h), the core's answers to a device. */
  static final int IOMMU_PAGE_RESP_INVALID = 1;
  static final int IOMMU_PAGE_RESP_FAILURE = 2;

  private static void respond(Device idev, Fault.PageRequest req, boolean pasidValid, int code) {
    idev.dev.respond(new IommuDevice.PageResponse(req.pasid(), pasidValid, req.grpid(), code));
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
        idev.ictx.kernel().decider().event(Event.IOPF_AUTO_RESPONSE, g, null,
            IOMMUFD_PAGE_RESP_INVALID, 0);
        FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
      }
    }
    for (Fault.Group g : List.copyOf(fault.response.values())) {
      if (g.idev == idev && g.pasid == pasid && g.hwpt == hwpt) {
        fault.takeResponse(g.cookie);
        idev.ictx.kernel().decider().event(Event.IOPF_AUTO_RESPONSE, g, null,
            IOMMUFD_PAGE_RESP_INVALID, 0);
        FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
      }
    }
  }

  /** iommufd_fault_destroy: everything still pending or unanswered gets INVALID. */
  static void destroy(Fault fault) {
    for (Fault.Group g : fault.deliver) {
      g.idev.ictx.kernel().decider().event(Event.IOPF_DESTROY_RESPONSE, g, null,
          IOMMUFD_PAGE_RESP_INVALID, 0);
      FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
    }
    fault.deliver.clear();
    for (Fault.Group g : List.copyOf(fault.response.values())) {
      fault.takeResponse(g.cookie);
      g.idev.ictx.kernel().decider().event(Event.IOPF_DESTROY_RESPONSE, g, null,
          IOMMUFD_PAGE_RESP_INVALID, 0);
      FaultFile.respond(g, (int) IOMMUFD_PAGE_RESP_INVALID);
    }
  }
}
