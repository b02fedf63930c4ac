package org.iommufdsim.properties.suites.guests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.iommufdsim.backend.arm.GuestSmmu;

/**
 * "Host events reach the guest with their vSID", against the properties' own model of both
 * queues: the kernel's vEVENTQ (iommufd eventq.c: at most {@code veventq_depth} events, then one
 * lost-events marker at the tail) and the guest's event queue ({@code 1 << log2size} records,
 * written only while CR0.EVENTQEN is set, else the record is dropped with
 * GERROR.EVENTQ_ABT_ERR). After a main-loop pass the guest holds exactly the events the host
 * raised, in order, with the vSID; each went through {@code smmuv3_propagate_event}'s trace
 * with QEMU's name for its type; the main loop called the handler once per record; an overflow
 * is reported once per QEMU process (error_report_once); EVTQ interrupts count the records
 * written and GERROR shows whether one was ever dropped.
 */
final class SmmuEvents {
  /** Event types a host event may carry, and QEMU's smmu_event_string for each. */
  static final int[] TYPES = {0x10, 0x13, 0x24, 0x01, 0x14, 0x25, 0x30};
  static final String[] NAMES = {"SMMU_EVT_F_TRANSLATION", "SMMU_EVT_F_PERMISSION",
      "SMMU_EVT_E_PAGE_REQ", "SMMU_EVT_F_UUT", "UNKNOWN", "INVALID", "INVALID"};

  private SmmuEvents() {}

  /** The kernel took event {@code evt} (vSID in place) into the vEVENTQ, or marked it lost. */
  static String raised(SmmuWorld w, long[] evt, String name) {
    if (w.kernelQueue.size() < w.veventqDepth) {
      w.kernelQueue.add(evt);
      w.kernelQueueNames.add(name);
      return "queued";
    }
    w.lostPending = true;
    return "queued, lost";
  }

  /** QEMU's vEVENTQ changed (made, freed): the kernel's queue went with the old one. */
  static void queueChanged(SmmuWorld w, int oldFd) {
    w.kernelQueue.clear();
    w.kernelQueueNames.clear();
    w.lostPending = false;
    w.veventqDepth = 0;
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_VEVENTQ_ALLOC") && c.ok()) {
        w.veventqDepth = c.in("veventq_depth");
        w.veventqKernelId = (int) c.out("out_veventq_id");
      }
    }
    if (oldFd >= 0 && w.mainLoop.hasHandler(oldFd)
        && (w.accel.veventq == null || w.accel.veventq.veventqFd != oldFd)) {
      w.violations.add(SmmuAccelMachine.BOOKKEEPING, "the freed vEVENTQ's fd " + oldFd
          + " still has a main-loop handler");
    }
  }

  static String afterMainLoop(SmmuWorld w, int calls) {
    int pending = w.guest.pendingEvents();
    List<long[]> got = w.guest.consumeEvents();
    if (pending != got.size()) {
      w.violations.add(SmmuAccelMachine.EVENTS, "the guest queue says " + pending
          + " pending, it held " + got.size());
    }
    List<long[]> want = new ArrayList<>();
    List<String> traces = new ArrayList<>();
    int cap = 1 << w.guestLog2size;
    boolean on = (w.guest.cr0 & GuestSmmu.CR0_EVENTQEN) != 0;
    for (int k = 0; k < w.kernelQueue.size(); k++) {
      long[] e = w.kernelQueue.get(k);
      traces.add("smmuv3_propagate_event " + w.kernelQueueNames.get(k) + " sid=0x"
          + Long.toHexString(e[0] >>> 32));
      if (on && want.size() < cap) {
        want.add(e);
      } else {
        w.totalDropped++;
      }
    }
    w.totalWritten += want.size();
    int records = w.kernelQueue.size() + (w.lostPending ? 1 : 0);
    String label = w.lostPending ? "overflow" : w.kernelQueue.isEmpty() ? "none" : "events";
    String overflow = "vEVENTQ(type 1 id " + w.veventqKernelId + "): overflowed";
    if (w.lostPending && !w.overflowReported) {
      w.overflowReported = true;
      w.expectedReports.add(overflow);
      if (w.qemu.stderr().lines().subList(w.stderrSeen, w.qemu.stderr().lines().size()).stream()
          .noneMatch(overflow::equals)) {
        w.violations.add(SmmuReports.LABEL, "the vEVENTQ overflowed, QEMU did not say so");
      }
    }
    w.kernelQueue.clear();
    w.kernelQueueNames.clear();
    w.lostPending = false;
    if (got.size() != want.size()) {
      w.violations.add(SmmuAccelMachine.EVENTS, "the guest got " + got.size()
          + " events, the host raised " + want.size() + " it could take");
    } else {
      for (int k = 0; k < got.size(); k++) {
        if (!Arrays.equals(got.get(k), want.get(k))) {
          w.violations.add(SmmuAccelMachine.EVENTS, "guest event " + k + " is "
              + Arrays.toString(got.get(k)) + ", the host raised " + Arrays.toString(want.get(k)));
          break;
        }
      }
    }
    List<String> seen = w.stepLines.stream().filter(l -> l.startsWith("smmuv3_propagate_event "))
        .toList();
    if (!seen.equals(traces)) {
      w.violations.add(TraceCheck.LABEL, "propagate_event traced " + seen + ", expected "
          + traces);
    }
    if (calls != records) {
      w.violations.add(SmmuAccelMachine.EVENTS, "the main loop made " + calls
          + " handler calls for " + records + " vEVENTQ records");
    }
    if (w.guest.evtqIrqs != w.totalWritten || w.guest.eventsDropped != w.totalDropped
        || ((w.guest.gerror & GuestSmmu.GERROR_EVENTQ_ABT_ERR) != 0) != (w.totalDropped > 0)) {
      w.violations.add(SmmuAccelMachine.EVENTS, w.guest.evtqIrqs + " EVTQ interrupts, GERROR 0x"
          + Integer.toHexString(w.guest.gerror) + "; expected " + w.totalWritten + " and "
          + w.totalDropped + " drops");
    }
    return label;
  }
}
