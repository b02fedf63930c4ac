package org.iommufdsim.sim.kernel.iommufd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;

/**
 * Recomputes, from the relationships objects hold, how many references each object of a
 * context should carry beyond the table's own (the {@code users} table of kernel-spec §2.3),
 * and checks the attach records against the devices' domains.
 */
public final class ObjectRefs {
  private ObjectRefs() {}

  public static Map<IommufdObject, Integer> expectedUsers(IommufdFile ctx, List<String> errs,
      String where) {
    Map<IommufdObject, Integer> held = new LinkedHashMap<>();
    for (IommufdObject o : ctx.objects().live()) {
      switch (o) {
        case Ioas ioas -> { }
        case HwptPaging p -> {
          inc(held, p.ioas);
          if (p.fault != null) {
            inc(held, p.fault);
          }
        }
        case HwptNested n -> {
          inc(held, n.viommu != null ? n.viommu : n.parent);
          if (n.fault != null) {
            inc(held, n.fault);
          }
        }
        case Device d -> inc(held, d);
        case Fault f -> {
          if (f.file != null && f.file.refs() > 0) {
            inc(held, f);
          }
        }
        case Selftest s -> { }
        case Viommu v -> {
          inc(held, v.hwpt);
          for (int i = 0; i < v.mmapRefs; i++) {
            inc(held, v);
          }
        }
        case Vdevice vd -> {
          inc(held, vd.viommu);
          inc(held, vd.idev);
        }
        case Veventq q -> {
          inc(held, q.viommu);
          if (q.file != null && q.file.refs() > 0) {
            inc(held, q);
          }
        }
        case HwQueue q -> {
          if (q.viommuHeld) {
            inc(held, q.viommu);
          }
          if (q.dependsOn != null) {
            inc(held, q.dependsOn);
          }
          if (q.access != null) {
            inc(held, q.access);
          }
        }
        case Access a -> {
          if (a.ioas != null) {
            inc(held, a.ioas);
          }
          if (!a.internal) {
            inc(held, a);
          }
        }
      }
    }
    for (IommufdGroup g : ctx.groups.values()) {
      g.pasidAttach.forEach((pasid, a) -> {
        if (a.hwpt == null || a.devices.isEmpty()) {
          errs.add(where + ": an empty attach record at PASID " + pasid);
          return;
        }
        if (ctx.objects().get(a.hwpt.id(), ObjType.ANY) != a.hwpt) {
          errs.add(where + ": PASID " + pasid + " is attached to a dead " + a.hwpt);
        }
        for (Device d : a.devices) {
          inc(held, a.hwpt);
          inc(held, d);
          IommuDomain dom = pasid == 0 ? d.dev.ridDomain() : d.dev.pasidDomain(pasid);
          if (dom != a.hwpt.domain) {
            errs.add(where + ": " + d.dev + " at PASID " + pasid + " is not on the domain of "
                + a.hwpt);
          }
        }
      });
    }
    return held;
  }

  private static void inc(Map<IommufdObject, Integer> held, IommufdObject o) {
    held.merge(o, 1, Integer::sum);
  }
}
