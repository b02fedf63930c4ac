package org.iommufdsim.properties.suites.guests;

import org.iommufdsim.backend.intel.GuestVtd;

/**
 * One guest page-group response and what must follow: if the group it answers still awaits a
 * response in the kernel and the code means something to iommufd, exactly that group is
 * answered; whatever else happens, no group with another PASID or PRGI is answered by it (a late
 * or duplicate answer may only be dropped or refused, or answer a newer group of the same PRGI,
 * which the protocol cannot tell apart).
 */
final class Answers {
  private final int index;
  private final int code;
  private KernelModel.Delivery origin;
  private boolean awaiting;
  private boolean found;
  private boolean cached;

  Answers(int index, int code) {
    this.index = index;
    this.code = code;
  }

  String run(VtdWorld w) {
    GuestVtd.PageRequest req = w.guest.pageRequests().get(index);
    origin = w.requestOrigins.get(index);
    KernelModel.FaultQ q = w.kernel.faults.get(origin.faultId());
    awaiting = q != null && q.awaiting.get(origin.cookie()) == origin.group();
    cached = w.vtdHiod.pasidCacheList.stream().anyMatch(p -> p.pasid == req.pasid());
    found = w.accel.vtdAccelPropagatePageGroupResponse(VtdWorld.DEVFN, req.pasid(),
        w.guest.respond(VtdWorld.DEVFN, req, code));
    return (awaiting ? "awaited" : "late") + (found ? "" : " (no cache entry)");
  }

  String check(VtdWorld w, String out) {
    if (found != cached) {
      w.violations.add(VtdPrqMachine.ANSWER, "the response for pasid " + origin.group().pasid()
          + " was " + (found ? "taken" : "refused") + " although QEMU "
          + (cached ? "caches" : "does not cache") + " that PASID");
    }
    if (!w.accel.vtdAccelPropagatePageGroupResponse(VtdWorld.DEVFN + 1, origin.group().pasid(),
        new org.iommufdsim.backend.intel.GuestVtd.PageGroupResponse(VtdWorld.DEVFN + 1,
            origin.group().pasid(), origin.group().grpid(), code)) == false) {
      w.violations.add(VtdPrqMachine.ANSWER, "a response from devfn 0x"
          + Integer.toHexString(VtdWorld.DEVFN + 1) + ", which has no host device, was taken");
    }
    boolean reached = false;
    for (KernelCall c : w.kernel.stepCalls) {
      if ("write".equals(c.syscall()) && c.fd() < 0) {
        w.violations.finding(Finding.STALE_PRQ_WRITE_WITHOUT_QUEUE, "the answer to page request #" + index
            + " (pasid " + origin.group().pasid() + " grpid " + origin.group().grpid()
            + ") was written to fd " + c.fd() + ": the PASID has no fault queue any more but"
            + " QEMU still lists the group: " + c.line());
      }
    }
    for (KernelModel.Answer a : w.kernel.stepAnswers) {
      if (!a.accepted() && a.group() != null) {
        // refused although the cookie was awaited: only a code iommufd does not know does that
        w.failureAnswered.add(a.group());
        w.violations.finding(Finding.RESPONSE_FAILURE_CODE_PASSED_THROUGH, "the kernel refused"
            + " code 0x" + Integer.toHexString(a.code()) + " for fault " + a.faultId()
            + " cookie " + a.cookie() + "; that group stays unanswered");
        continue;
      }
      if (!a.accepted() || a.group() == null) {
        continue;
      }
      if (a.group() == origin.group()) {
        reached = true;
      } else if (a.group().pasid() != origin.group().pasid()
          || a.group().grpid() != origin.group().grpid()) {
        w.violations.finding(Finding.STALE_PRQ_COOKIE, "the answer to page request #" + index
            + " (pasid " + origin.group().pasid() + " grpid " + origin.group().grpid()
            + ", fault " + origin.faultId() + " cookie " + origin.cookie()
            + ") was taken by the kernel as the answer to pasid " + a.group().pasid()
            + " grpid " + a.group().grpid() + " of fault " + a.faultId() + " (cookie "
            + a.cookie() + ")");
      }
      // else: a late answer to a PRGI the device has since reused answers the newer group;
      // the page-group protocol matches by PRGI, so nobody can tell them apart
    }
    if (awaiting && !reached) {
      if (w.forgotten.contains(origin.faultId())) {
        w.violations.finding(Finding.DELETE_PC_FORGETS_ATTACHED, "page request #" + index
            + " awaits an answer on fault " + origin.faultId() + ", whose cache entry QEMU"
            + " dropped while it stayed attached: the answer cannot reach it");
      } else if (w.failureAnswered.contains(origin.group())) {
        w.violations.finding(Finding.RESPONSE_FAILURE_CODE_PASSED_THROUGH, "page request #"
            + index + " was answered with a code iommufd refused; QEMU dropped its entry, so"
            + " this answer cannot reach the group (fault " + origin.faultId() + " cookie "
            + origin.cookie() + ") either");
      } else if (code != 0 && code != 1) {
        w.failureAnswered.add(origin.group());
        w.violations.finding(Finding.RESPONSE_FAILURE_CODE_PASSED_THROUGH, "the guest answered"
            + " page request #" + index + " with code 0x" + Integer.toHexString(code)
            + "; the group (fault " + origin.faultId() + " cookie " + origin.cookie()
            + ") is still awaiting a response in the kernel");
      } else {
        w.violations.add(VtdPrqMachine.ANSWER, "the answer to page request #" + index
            + " never reached its group (fault " + origin.faultId() + " cookie "
            + origin.cookie() + ")");
      }
    }
    return out;
  }
}
