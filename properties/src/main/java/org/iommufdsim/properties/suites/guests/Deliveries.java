package org.iommufdsim.properties.suites.guests;

import java.util.List;
import org.iommufdsim.backend.intel.GuestVtd;

/**
 * "Every page request the device raised reaches the guest exactly once": the requests QEMU
 * injected during a step are exactly the groups the kernel handed out on the fault fds in that
 * step, in order, each with the PASID, PRGI, permissions and address the device raised.
 */
final class Deliveries {
  private Deliveries() {}

  static void check(VtdWorld w, int before) {
    List<GuestVtd.PageRequest> all = w.guest.pageRequests();
    List<GuestVtd.PageRequest> added = all.subList(before, all.size());
    List<KernelModel.Delivery> got = w.kernel.stepDeliveries;
    if (added.size() != got.size()) {
      w.violations.add(VtdPrqMachine.DELIVERY, "the kernel handed out " + got.size()
          + " page requests, the guest received " + added.size() + ": " + added);
      return;
    }
    for (int i = 0; i < got.size(); i++) {
      KernelModel.Group g = got.get(i).group();
      GuestVtd.PageRequest want = VtdPrqMachine.expectedRequest(g.pasid(), g.grpid(), g.perm(),
          g.addr());
      if (!want.equals(added.get(i))) {
        w.violations.add(VtdPrqMachine.DELIVERY, "request " + (before + i) + ": the guest got "
            + added.get(i) + ", the device raised " + want);
      }
      w.requestOrigins.add(got.get(i));
    }
  }

  /** After a main-loop pass: no fault queue QEMU reads still holds an unread group. */
  static String drained(VtdWorld w, String out) {
    for (int fd : w.accel.fdHandlers()) {
      for (var e : w.kernel.faults.entrySet()) {
        if (e.getValue().fd == fd && !e.getValue().deliver.isEmpty()) {
          w.violations.add(VtdPrqMachine.DELIVERY, "after the main loop, fault " + e.getKey()
              + " (fd " + fd + ") still has " + e.getValue().deliver.size() + " unread groups");
        }
      }
    }
    return out;
  }
}
