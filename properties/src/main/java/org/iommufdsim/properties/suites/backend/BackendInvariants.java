package org.iommufdsim.properties.suites.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VFIOIOASHwpt;
import org.iommufdsim.properties.engine.StateMachine.Invariant;
import org.iommufdsim.properties.suites.backend.World.Be;
import org.iommufdsim.properties.suites.backend.World.Dev;
import org.iommufdsim.properties.suites.backend.World.RawHwpt;
import org.iommufdsim.properties.suites.backend.World.Target;

/** The invariants of {@code qemu-backend.md} §8, checked after every step. */
final class BackendInvariants {
  private BackendInvariants() {}

  static final String POSTCONDITION = "postcondition";
  static final String USERS = "users equals connects minus disconnects";
  static final String FDS = "owned fd open iff users > 0, passed fd never closed";
  static final String FAULT_ID = "FAULT_ID_VALID iff fault_id != 0";
  static final String DESTROY = "no EBUSY/ENOENT on IOMMU_DESTROY in a cleanup path";
  static final String LINKS = "device, hwpt and container lists agree";
  static final String ONE_CONTAINER = "one container per backend per address space";
  static final String OBJECTS = "QEMU's objects are the kernel's objects";
  static final String KERNEL_AREAS = "the kernel's areas follow the kernel's rules";
  static final String MAPPINGS = "QEMU's mappings agree with the kernel's";
  static final String PARSES = "every trace line parses with its format";
  static final String TRACE = "trace lines match the kernel's answers";
  static final String STDERR = "QEMU prints only the expected messages";
  static final String KERNEL = "kernel model invariants";

  static List<Invariant<World>> all(BackendFlows.Mode mode) {
    return List.of(
        new Invariant<>(KERNEL, w -> {
          List<String> v = w.host.checkInvariants();
          return v.isEmpty() ? null : String.join("; ", v);
        }),
        new Invariant<>(USERS, BackendInvariants::users),
        new Invariant<>(FDS, BackendInvariants::fds),
        new Invariant<>(FAULT_ID, BackendInvariants::faultId),
        new Invariant<>(DESTROY, BackendInvariants::destroy),
        new Invariant<>(LINKS, BackendInvariants::links),
        new Invariant<>(ONE_CONTAINER, w -> oneContainer(w, mode)),
        new Invariant<>(OBJECTS, BackendInvariants::objects),
        new Invariant<>(KERNEL_AREAS, w -> areas(w, false)),
        new Invariant<>(MAPPINGS, w -> areas(w, true)),
        new Invariant<>(PARSES, BackendInvariants::parses),
        new Invariant<>(TRACE, BackendInvariants::trace),
        new Invariant<>(STDERR, BackendInvariants::stderr));
  }

  private static String users(World w) {
    for (Be b : w.bes) {
      if (b.be.users() != w.expectedUsers(b)) {
        return b.name + " has users=" + b.be.users() + ", connects minus disconnects say "
            + w.expectedUsers(b);
      }
      if (b.be.iommufdBackendCanBeDeleted() != (b.be.users() == 0)) {
        return b.name + ": can_be_deleted is " + b.be.iommufdBackendCanBeDeleted() + " with "
            + b.be.users() + " users";
      }
      // CPR: with users, either the vmstate is registered or a blocker is installed (the
      // latter iff the first connect's CHANGE_PROCESS probe was refused); without, neither
      long vm = w.qemu.migration().vmstates().stream().filter(v -> v.opaque() == b.be).count();
      long blockers = w.qemu.migration().blockers().size();
      long wantBlockers = w.bes.stream().filter(x -> x.be.users() > 0 && x.cprBlocked).count();
      if (blockers != wantBlockers) {
        return blockers + " migration blockers, but " + wantBlockers
            + " connected backends with CPR refused";
      }
      boolean blocker = b.be.cprBlocker() != null
          && w.qemu.migration().blockers().contains(b.be.cprBlocker());
      if (b.be.users() == 0 ? vm != 0 || b.be.cprBlocker() != null
          : vm != (b.cprBlocked ? 0 : 1) || blocker != b.cprBlocked) {
        return b.name + " with " + b.be.users() + " users: " + vm + " vmstates, blocker "
            + b.be.cprBlocker() + " (the probe was " + (b.cprBlocked ? "refused" : "accepted")
            + ")";
      }
    }
    return null;
  }

  private static String fds(World w) {
    KernelView.Dump d = w.kernelNow();
    Map<Integer, String> fds = d.fds().getOrDefault(w.sys.pid(), Map.of());
    Be o = w.owned;
    if (o.be.users() > 0) {
      if (o.be.fd() < 0 || !"/dev/iommu".equals(fds.get(o.be.fd()))) {
        return "iommufd0 has " + o.be.users() + " users but its fd " + o.be.fd()
            + " is " + fds.get(o.be.fd());
      }
    } else {
      if (o.be.fd() != -1) {
        return "iommufd0 has no users but keeps fd " + o.be.fd();
      }
      if (w.qemu.cpr().cprFindFd(o.name, 0) >= 0) {
        return "iommufd0 has no users but CPR still holds its fd "
            + w.qemu.cpr().cprFindFd(o.name, 0);
      }
    }
    if (o.be.users() > 0 && w.qemu.cpr().cprFindFd(o.name, 0) != o.be.fd()) {
      return "iommufd0's CPR entry is " + w.qemu.cpr().cprFindFd(o.name, 0) + ", its fd "
          + o.be.fd();
    }
    Be p = w.passed;
    if (w.qemu.cpr().cprFindFd(p.name, 0) != p.passedFd) {
      return "the passed fd " + p.passedFd + " is saved for CPR as "
          + w.qemu.cpr().cprFindFd(p.name, 0);
    }
    if (p.be.fd() != p.passedFd || !"/dev/iommu".equals(fds.get(p.passedFd))) {
      return "the passed fd " + p.passedFd + " is " + fds.get(p.passedFd) + " (backend fd "
          + p.be.fd() + ")";
    }
    int ctxs = 1 + (o.be.users() > 0 ? 1 : 0);
    if (d.ctxs().size() != ctxs) {
      return "the kernel has " + d.ctxs().size() + " iommufd contexts, expected " + ctxs;
    }
    return null;
  }

  private static String faultId(World w) {
    for (KernelView.Call k : w.calls("IOMMU_HWPT_ALLOC")) {
      boolean valid = (k.inField("flags") & 4) != 0;
      if (valid != (k.inField("fault_id") != 0)) {
        return "IOMMU_HWPT_ALLOC flags=0x" + Long.toHexString(k.inField("flags")) + " fault_id="
            + k.inField("fault_id");
      }
    }
    return null;
  }

  private static String destroy(World w) {
    if (w.destroyErrorsExpected) {
      return null;
    }
    for (KernelView.Call k : w.calls("IOMMU_DESTROY")) {
      if ("EBUSY".equals(k.errno()) || "ENOENT".equals(k.errno())) {
        return "IOMMU_DESTROY id=" + k.inField("id") + " answered " + k.errno() + " in "
            + w.lastDescription;
      }
    }
    return null;
  }

  private static String links(World w) {
    for (Target t : w.containers) {
      for (VFIOIOASHwpt h : t.container.hwptList) {
        if (h.deviceList.isEmpty()) {
          return "HWPT " + h.hwptId + " of " + t.label() + " has no device";
        }
        for (VFIODevice v : h.deviceList) {
          if (v.hwpt != h || v.bcontainer != t.container) {
            return "device " + v.name + " is listed by HWPT " + h.hwptId + " but points at "
                + (v.hwpt == null ? "no HWPT" : "HWPT " + v.hwpt.hwptId);
          }
        }
      }
    }
    for (Dev d : w.attached()) {
      VFIODevice v = d.v;
      int listed = 0;
      for (Target t : w.containers) {
        for (VFIOIOASHwpt h : t.container.hwptList) {
          listed += (int) h.deviceList.stream().filter(x -> x == v).count();
        }
      }
      if (listed != 1) {
        return "device " + d.name + " is listed by " + listed + " HWPTs";
      }
      if (v.bcontainer == null || !v.bcontainer.hwptList.contains(v.hwpt)
          || !v.bcontainer.deviceList.contains(v)) {
        return "device " + d.name + "'s HWPT or container does not list it";
      }
    }
    return null;
  }

  private static String oneContainer(World w, BackendFlows.Mode mode) {
    Map<String, Integer> n = new TreeMap<>();
    for (Target t : w.containers) {
      for (int s = 0; s < w.spaces.size(); s++) {
        if (w.spaces.get(s).containers.contains(t.container)) {
          n.merge(t.be.name + " space " + s, 1, Integer::sum);
        }
      }
    }
    for (Map.Entry<String, Integer> e : n.entrySet()) {
      if (e.getValue() > 1) {
        w.met.add(Finding.ATTACH_EXISTING_FAILURE_BUILDS_SECOND_CONTAINER);
        if (!mode.tolerates(Finding.ATTACH_EXISTING_FAILURE_BUILDS_SECOND_CONTAINER)) {
          return e.getKey() + " has " + e.getValue() + " containers";
        }
      }
    }
    return null;
  }

  /** Every IOAS, HWPT, FAULT and DEVICE object of a context is one QEMU (or the test) holds. */
  private static String objects(World w) {
    KernelView.Dump d = w.kernelNow();
    for (Be b : w.bes) {
      KernelView.Ctx ctx = BackendFlows.ctxOf(w, d, b);
      TreeSet<String> want = new TreeSet<>();
      for (Target t : w.containers) {
        if (t.be == b) {
          want.add(t.ioasId + " IOAS");
          t.container.hwptList.forEach(h -> want.add(h.hwptId + " HWPT_PAGING"));
        }
      }
      b.rawIoas.forEach(t -> want.add(t.ioasId + " IOAS"));
      for (RawHwpt h : b.rawHwpts) {
        want.add(h.id() + " HWPT_PAGING");
        if (h.faultId() != 0) {
          want.add(h.faultId() + " FAULT");
        }
      }
      for (Dev dev : w.attached()) {
        if (dev.be == b) {
          want.add(dev.v.devid + " DEVICE");
        }
      }
      // reference counts: a HWPT is held by its IOAS link and each attached device; an IOAS
      // by itself and each HWPT on it
      Map<String, Integer> users = new TreeMap<>();
      for (Target t : w.containers) {
        if (t.be == b) {
          users.put(t.ioasId + " IOAS", 1 + t.container.hwptList.size());
          t.container.hwptList.forEach(h -> users.put(h.hwptId + " HWPT_PAGING",
              1 + h.deviceList.size()));
        }
      }
      for (Target t : b.rawIoas) {
        users.put(t.ioasId + " IOAS",
            1 + (int) b.rawHwpts.stream().filter(h -> h.pt() == t).count());
      }
      b.rawHwpts.forEach(h -> users.put(h.id() + " HWPT_PAGING", 1));
      TreeSet<String> have = new TreeSet<>();
      if (ctx != null) {
        for (String o : ctx.objects()) {
          String[] p = o.split(" ");
          have.add(p[1] + " " + p[2]);
          Integer u = users.get(p[1] + " " + p[2]);
          if (u != null && !o.contains(" users=" + u)) {
            return b.name + ": the kernel has " + o + " but QEMU's lists say users=" + u;
          }
        }
      }
      if (!have.equals(want)) {
        return b.name + ": the kernel holds " + have + ", QEMU and the test hold " + want;
      }
    }
    return null;
  }

  private static String areas(World w, boolean belief) {
    KernelView.Dump d = w.kernelNow();
    for (Target t : w.targets()) {
      KernelView.Ctx ctx = BackendFlows.ctxOf(w, d, t.be);
      KernelView.Ioas io = ctx == null ? null : ctx.ioas().get(t.ioasId);
      if (io == null) {
        return t.label() + " is not in the kernel";
      }
      List<long[]> real = new ArrayList<>(io.areas());
      String k = ranges(real);
      List<long[]> exact = new ArrayList<>();
      t.kernel.forEach((a, b) -> exact.add(new long[] {a, b}));
      String m = belief ? ranges(merge(t.belief)) : ranges(exact);
      if (belief) {
        k = ranges(merge(toMap(real)));
      }
      if (!k.equals(m)) {
        return t.label() + ": the kernel maps " + k + " but " + (belief ? "QEMU believes "
            : "the kernel's rules say ") + m;
      }
    }
    return null;
  }

  private static TreeMap<Long, Long> toMap(List<long[]> l) {
    TreeMap<Long, Long> m = new TreeMap<>();
    l.forEach(r -> m.put(r[0], r[1]));
    return m;
  }

  /** Adjacent and overlapping ranges joined (QEMU's view has no area boundaries). */
  private static List<long[]> merge(TreeMap<Long, Long> m) {
    List<long[]> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : m.entrySet()) {
      if (!out.isEmpty() && out.getLast()[1] + 1 >= e.getKey()) {
        out.getLast()[1] = Math.max(out.getLast()[1], e.getValue());
      } else {
        out.add(new long[] {e.getKey(), e.getValue()});
      }
    }
    return out;
  }

  private static String ranges(List<long[]> l) {
    StringBuilder sb = new StringBuilder("[");
    for (long[] r : l) {
      sb.append(sb.length() > 1 ? ", " : "").append("0x").append(Long.toHexString(r[0]))
          .append("-0x").append(Long.toHexString(r[1]));
    }
    return sb.append(']').toString();
  }

  private static String parses(World w) {
    for (String l : w.stepTrace) {
      String p = Expect.parses(l);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String trace(World w) {
    List<String> seen = w.stepTrace.stream().filter(Expect::derivedEvent).toList();
    if (!seen.equals(w.derivedTrace)) {
      return "QEMU traced\n  " + String.join("\n  ", seen) + "\nthe kernel's answers call for\n  "
          + String.join("\n  ", w.derivedTrace);
    }
    return null;
  }

  private static String stderr(World w) {
    if (w.expectedErr != null) {
      return w.stepErr.equals(w.expectedErr) ? null
          : "QEMU printed " + w.stepErr + ", expected " + w.expectedErr;
    }
    for (String l : w.stepErr) {
      for (String line : l.split("\n")) {
        if (w.allowedErr.stream().noneMatch(line::matches)) {
          return "QEMU printed an unexpected message: " + line;
        }
      }
    }
    return null;
  }
}
