package org.iommufdsim.sim.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.kernel.iommufd.Ioas;
import org.iommufdsim.sim.kernel.iommufd.IommufdFile;
import org.iommufdsim.sim.kernel.iommufd.IommufdObject;
import org.iommufdsim.sim.kernel.iommufd.ObjectRefs;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.util.U64;

/**
 * Every invariant of the kernel model, checked from scratch: the object table's allocator,
 * users counts recomputed from the references objects hold, and each IOAS's areas,
 * reservations, allowed ranges and alignment. Returns one line per violation.
 */
public final class Invariants {
  private Invariants() {}

  public static List<String> check(Kernel kernel) {
    List<String> errs = new ArrayList<>();
    Map<IoptPages, Integer> pageRefs = new LinkedHashMap<>();
    for (IommufdFile ctx : kernel.contexts()) {
      String where = "iommufd ctx of pid " + ctx.creator().pid();
      ctx.objects().checkAllocator().forEach(e -> errs.add(where + ": " + e));
      Map<IommufdObject, Integer> held = ObjectRefs.expectedUsers(ctx, errs, where);
      for (IommufdObject o : ctx.objects().live()) {
        int expected = 1 + held.getOrDefault(o, 0);
        if (o.users() != expected) {
          errs.add(where + ": " + o + " has users " + o.users() + ", references say "
              + expected);
        }
        if (o instanceof Ioas ioas) {
          checkIopt(where + ": " + o, ioas.iopt(), errs, pageRefs);
        }
      }
      if (ctx.vfioIoas() != null && ctx.objects().get(ctx.vfioIoas().id(),
          org.iommufdsim.sim.kernel.iommufd.ObjType.IOAS) != ctx.vfioIoas()) {
        errs.add(where + ": the compat IOAS is not a live IOAS of the context");
      }
    }
    pageRefs.forEach((p, n) -> {
      if (p.refs() != n) {
        errs.add("iopt_pages " + p.kind() + " at " + U64.hex(p.base()) + " has refs "
            + p.refs() + " but " + n + " areas use it");
      }
    });
    return errs;
  }

  private static void checkIopt(String where, IoPagetable iopt, List<String> errs,
      Map<IoptPages, Integer> pageRefs) {
    long align = iopt.iovaAlignment();
    long page = iopt.pageSize();
    long expectAlign = iopt.largePagesDisabled() ? page : 1;
    for (IoPagetable.AlignmentSource s : iopt.alignmentSources()) {
      expectAlign = Math.max(expectAlign, s.iovaAlignment());
    }
    for (org.iommufdsim.sim.kernel.iommu.IommuDomain d : iopt.domains()) {
      expectAlign = Math.max(expectAlign, d.minPageSize());
    }
    if (align < expectAlign || Long.bitCount(align) != 1) {
      errs.add(where + ": iova_alignment " + align + " but its sources need " + expectAlign);
    }
    IoptArea prev = null;
    for (IoptArea a : iopt.areas().values()) {
      String at = where + ": area [" + U64.hex(a.iova()) + ", " + U64.hex(a.last()) + "]";
      if (U64.gt(a.iova(), a.last())) {
        errs.add(at + " is empty or inverted");
      }
      if (prev != null && U64.le(a.iova(), prev.last())) {
        errs.add(at + " overlaps the previous area");
      }
      if (iopt.reserved().intersects(a.iova(), a.last())) {
        errs.add(at + " intersects a reserved range");
      }
      long m = align - 1;
      if ((a.iova() & m) != 0 || (a.length() & m) != 0 || ((a.startByte() % page) & m) != 0) {
        errs.add(at + " is not aligned to " + align);
      }
      if (U64.gt((a.startByte() + a.length() - 1) / page, a.pages().npages() - 1)) {
        errs.add(at + " runs past the end of its pages");
      }
      pageRefs.merge(a.pages(), 1, Integer::sum);
      prev = a;
    }
    List<long[]> merged = new ArrayList<>();
    for (IoptArea a : iopt.areas().values()) {
      long[] lastRun = merged.isEmpty() ? null : merged.getLast();
      if (lastRun != null && lastRun[1] != U64.MAX && lastRun[1] + 1 == a.iova()) {
        lastRun[1] = a.last();
      } else {
        merged.add(new long[] {a.iova(), a.last()});
      }
    }
    List<long[]> cover = iopt.areaCover().runs();
    boolean same = cover.size() == merged.size();
    for (int i = 0; same && i < cover.size(); i++) {
      same = cover.get(i)[0] == merged.get(i)[0] && cover.get(i)[1] == merged.get(i)[1]
          && cover.get(i)[2] == 1;
    }
    if (!same) {
      errs.add(where + ": the area coverage index disagrees with the areas");
    }
    for (Map.Entry<Long, Long> r : iopt.allowed().entrySet()) {
      if (iopt.reserved().intersects(r.getKey(), r.getValue())) {
        errs.add(where + ": allowed range [" + U64.hex(r.getKey()) + ", "
            + U64.hex(r.getValue()) + "] intersects a reserved range");
      }
    }
  }
}
