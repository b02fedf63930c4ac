package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.decide.Event;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * Words an {@link Event} for a reader of a call's path, from the objects and numbers its site
 * recorded. The objects are named as the object graph names them ({@code HWPT nested 5}).
 */
public final class EventText {
  private EventText() {}

  /** The text of event {@code e} recorded with {@code a}, {@code b}, {@code x}, {@code y}. */
  public static String of(Event e, Object a, Object b, long x, long y) {
    return switch (e) {
      case RELEASE_KEPT -> "pass " + x + ": " + name(a) + " kept for a later pass, "
          + refs(y - 1) + " besides the table's";
      case RELEASE_DESTROYED -> "pass " + x + ": " + name(a)
          + " destroyed (the table held the only reference)";
      case REMOVED_BY_OWNER -> name(a) + " destroyed by its kernel owner";
      case IOPF_PARTIAL -> name(a) + " " + where(x) + ": request of group " + y
          + " is not the group's last page, kept until the last one comes";
      case IOPF_UNHANDLED -> name(a) + " " + where(x) + ": the fault goes nowhere (" + b
          + "); the core answers the device " + deviceCode(y);
      case IOPF_ABORTED -> name(a) + " " + where(x) + ": the group could not be allocated, so"
          + " it is aborted (err_abort) and the core answers the device " + deviceCode(y);
      case IOPF_ROUTED -> y == 1
          ? name(a) + " " + where(x) + ": nothing is attached at that PASID; the driver keeps"
              + " PASID tables in the guest (user_pasid_table), so the RID's nested domain, "
              + name(b) + ", takes it; its faults go to " + name(((HwPagetable) b).fault)
          : name(a) + " " + where(x) + " is attached to " + name(b) + ", whose faults go to "
              + name(((HwPagetable) b).fault);
      case IOPF_QUEUED -> "group " + x + " (" + y + (y == 1 ? " request" : " requests")
          + ") queued on " + name(a) + " for " + name(b);
      case IOPF_RESPONDED -> "cookie " + y + ": " + groupOf(a) + " answered "
          + Uapi.symbolic("iommufd_page_response_code", x);
      case IOPF_AUTO_RESPONSE, IOPF_DESTROY_RESPONSE -> groupOf(a) + " answered "
          + deviceCode(x)
          + (e == Event.IOPF_AUTO_RESPONSE ? " (its attachment went away)"
              : " (its fault queue went away)");
    };
  }

  /** The core's own response codes (enum iommu_page_response_code, not the uAPI's). */
  private static String deviceCode(long code) {
    return code == 0 ? "IOMMU_PAGE_RESP_SUCCESS" : code == 1 ? "IOMMU_PAGE_RESP_INVALID"
        : code == 2 ? "IOMMU_PAGE_RESP_FAILURE" : Long.toString(code);
  }

  private static String name(Object o) {
    return o instanceof IommufdObject obj ? GraphBuilder.label(obj) : String.valueOf(o);
  }

  private static String where(long pasid) {
    return pasid == DeviceCore.NO_PASID ? "at its RID" : "at PASID " + pasid;
  }

  private static String refs(long n) {
    return n == 1 ? "1 reference" : n + " references";
  }

  private static String groupOf(Object g) {
    if (g instanceof Fault.Group group) {
      Fault.PageRequest last = group.faults.getLast();
      return name(group.idev) + "'s group " + Integer.toUnsignedString(last.grpid());
    }
    return String.valueOf(g);
  }
}
