package org.iommufdsim.properties.suites.backend;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VFIOIOASHwpt;
import org.iommufdsim.backend.vfio.VFIOIOMMUFDContainer;
import org.iommufdsim.backend.vfio.VfioIommufd;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.suites.backend.World.Be;
import org.iommufdsim.properties.suites.backend.World.Dev;
import org.iommufdsim.properties.suites.backend.World.RawHwpt;
import org.iommufdsim.properties.suites.backend.World.Target;
import org.iommufdsim.properties.transcript.ScnTranscript;

/**
 * The backend properties: random programs of QEMU backend flows (connect/disconnect of an owned
 * and a passed-in backend, IOAS allocation, DMA map/unmap through containers and raw IOASes,
 * VFIO cdev attach/detach with auto domains, HWPTs with and without a fault queue, free_id,
 * dirty tracking, dirty-bitmap queries, device info, cache invalidation), with
 * {@code qemu-backend.md} §8's invariants checked after every step. With fail-nth on, each
 * flow may be run with the n-th fallible point failing ({@code backend-fail-nth}).
 */
public final class BackendFlows implements StateMachine<World> {
  /**
   * How a property runs: {@code failNth} arms fail-nth inside flows; {@code strict} are the
   * known findings whose tolerance is off (the property must find them).
   */
  public record Mode(boolean failNth, Set<Finding> strict) {
    public static Mode tolerant(boolean failNth) {
      return new Mode(failNth, Set.of());
    }

    public static Mode strict(boolean failNth, Finding f) {
      return new Mode(failNth, EnumSet.of(f));
    }

    boolean tolerates(Finding f) {
      return !strict.contains(f);
    }
  }

  private static final long IOVA_BASE = 0x1000000;
  private static final int MAX_FAIL_NTH = 30;

  private final String name;
  private final Mode mode;

  public BackendFlows(String name, Mode mode) {
    this.name = name;
    this.mode = mode;
  }

  public static BackendFlows flows() {
    return new BackendFlows("backend-flows", Mode.tolerant(false));
  }

  public static BackendFlows failNth() {
    return new BackendFlows("backend-fail-nth", Mode.tolerant(true));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public World init(long seed) {
    return new World(mode);
  }

  @Override
  public String transcript(World w) {
    return ScnTranscript.render(name, w.host.config(), w.sys);
  }

  // ---- actions ----

  /** A flow: describe, then run with fail-nth armed at {@code n} (0: none). */
  private record Flow(String describe, int n, Consumer<World> body)
      implements StateMachine.Action<World> {
    public String run(World w) {
      w.begin(describe);
      w.arm(n);
      String[] outcome = {"ok"};
      try {
        w.outcome = "ok";
        body.accept(w);
        outcome[0] = w.outcome;
      } finally {
        w.disarm(n);
      }
      w.collect();
      w.check.run();
      return (w.fired ? "fired:" : "") + outcome[0];
    }
  }

  private int drawN(Choices c) {
    if (!mode.failNth()) {
      return 0;
    }
    // both draws always made, so that shrinking "no injection" keeps the later draws in place
    boolean inject = c.percent(85);
    int n = c.intBetween(1, MAX_FAIL_NTH);
    return inject ? n : 0;
  }

  private static String nText(int n) {
    return n > 0 ? " fail_nth=" + n : "";
  }

  private static ActionType<World> type(String name, int weight,
      java.util.function.Predicate<World> enabled,
      java.util.function.BiFunction<World, Choices, StateMachine.Action<World>> gen) {
    return new ActionType<>() {
      public String name() {
        return name;
      }

      public int weight() {
        return weight;
      }

      public boolean enabled(World w) {
        return enabled.test(w);
      }

      public StateMachine.Action<World> generate(World w, Choices c) {
        return gen.apply(w, c);
      }
    };
  }

  @Override
  public List<ActionType<World>> actions() {
    // always-possible kinds first: a weighted draw then picks the same kind when shrinking
    // deletes an earlier action that changed which later kinds are enabled
    return List.of(
        type("map", 6, w -> !w.targets().isEmpty(), this::map),
        type("unmap", 4, w -> !w.targets().isEmpty(), this::unmap),
        type("connect", 3, w -> true, this::connect),
        type("free_id", 2, w -> true, this::freeId),
        type("only_migratable", 1, w -> true, this::onlyMigratable),
        type("attach", 4, w -> w.devs.stream().anyMatch(d -> d.v == null), this::attach),
        type("detach", 2, w -> !w.attached().isEmpty(), this::detach),
        type("disconnect", 2, w -> w.bes.stream().anyMatch(b -> canDisconnect(b)),
            this::disconnect),
        type("alloc_ioas", 2, w -> w.bes.stream().anyMatch(b -> b.explicit > 0),
            this::allocIoas),
        type("alloc_hwpt", 3, w -> !hwptHosts(w).isEmpty(), this::allocHwpt),
        type("dirty_tracking", 2, w -> !w.containers.isEmpty(), this::dirty),
        type("get_dirty_bitmap", 2, w -> !w.containers.isEmpty(), this::query),
        type("get_device_info", 1, w -> !w.attached().isEmpty(), this::deviceInfo),
        type("invalidate_cache", 1, w -> w.bes.stream().anyMatch(b -> !b.rawHwpts.isEmpty()),
            this::invalidate),
        type("cpr_save_load", 1, w -> w.bes.stream().anyMatch(b -> b.be.users() > 0),
            this::cprSaveLoad),
        type("cpr_inherit_connect", 1, w -> w.owned.be.users() == 0
            && w.owned.rawIoas.isEmpty(), this::cprInheritConnect),
        // last, and off in the strict variants, so that their pinned programs stay the same
        type("set_fd", 1, w -> mode.strict().isEmpty(), this::setFd),
        type("hiod_reattach", 1, w -> mode.strict().isEmpty() && !w.attached().isEmpty(),
            this::hiodReattach));
  }

  private static boolean canDisconnect(Be b) {
    return b.explicit > 0 && (b.explicit > 1 || (b.rawIoas.isEmpty() && b.rawHwpts.isEmpty()));
  }

  private static void fail(String what) {
    throw new AssertionError(what);
  }

  private static void eq(Object expected, Object actual, String what) {
    if (!java.util.Objects.equals(expected, actual)) {
      fail(what + ": expected " + expected + " but was " + actual);
    }
  }

  private static KernelView.Call one(World w, String request) {
    List<KernelView.Call> l = w.calls(request);
    if (l.size() != 1) {
      fail("expected one " + request + " call, the kernel saw " + l.size());
    }
    return l.get(0);
  }

  /** The error text errp holds: QEMU's message, ": ", strerror of what the kernel answered. */
  private static void errpIs(Errp err, String message, KernelView.Call c) {
    eq(message + ": " + Expect.strerror(c.errno()), err.pretty(), "the error reported");
  }

  // connect / disconnect

  private StateMachine.Action<World> connect(World w, Choices c) {
    int bi = (int) c.below(2);
    int n = drawN(c);
    return new Flow("connect " + w.bes.get(bi).name + nText(n), n, x -> {
      Be b = x.bes.get(bi);
      int usersBefore = b.be.users();
      int fdBefore = b.be.fd();
      Errp err = Errp.local();
      boolean ok = b.be.iommufdBackendConnect(err);
      x.outcome = ok ? "ok" : "failed";
      if (ok) {
        b.explicit++;
      }
      x.check = () -> {
        List<KernelView.Call> probe = x.calls("IOMMU_IOAS_CHANGE_PROCESS");
        eq(usersBefore == 0 && (ok || !probe.isEmpty()) ? 1 : 0, probe.size(),
            "CHANGE_PROCESS probes (one on the first user)");
        if (!x.fired) {
          boolean refused = !probe.isEmpty() && !probe.get(0).ok();
          eq(!(refused && x.onlyMigratable), ok, "connect succeeded");
        }
        if (ok) {
          int fd = fdBefore;
          if (b.owned && usersBefore == 0) {
            List<KernelView.Call> opens = x.stepCalls.stream()
                .filter(k -> k.syscall().equals("open")).toList();
            fd = opens.isEmpty() ? fdBefore : (int) opens.get(0).ret();
          }
          eq(List.of("iommufd_backend_connect fd=" + fd + " owned=" + (b.owned ? 1 : 0)
              + " users=" + (usersBefore + 1)), x.stepTrace, "connect's trace");
        } else {
          eq(List.of(), x.stepTrace, "a failed connect's trace");
          if (!x.fired) {
            eq("disallowing migration blocker (--only-migratable) for: vfio iommufd backend"
                + " does not support IOMMU_IOAS_CHANGE_PROCESS", err.pretty(),
                "the error of a refused CPR registration");
          }
          if (b.owned && usersBefore == 0 && x.qemu.cpr().cprFindFd(b.name, 0) >= 0) {
            x.met.add(Finding.CPR_STALE_FD_AFTER_FAILED_REGISTRATION);
            if (mode.tolerates(Finding.CPR_STALE_FD_AFTER_FAILED_REGISTRATION)) {
              x.qemu.cpr().cprDeleteFd(b.name, 0); // the cpr_delete_fd QEMU leaves out
            }
          }
          noLeak(x);
        }
      };
    });
  }

  private StateMachine.Action<World> disconnect(World w, Choices c) {
    List<Be> can = w.bes.stream().filter(BackendFlows::canDisconnect).toList();
    Be pick = can.get((int) c.below(can.size()));
    int bi = w.bes.indexOf(pick);
    return new Flow("disconnect " + pick.name, 0, x -> {
      Be b = x.bes.get(bi);
      int usersBefore = b.be.users();
      int fdBefore = b.be.fd();
      b.be.iommufdBackendDisconnect();
      b.explicit--;
      x.dropClosedObjects();
      x.check = () -> {
        boolean closes = b.owned && usersBefore == 1;
        eq(List.of("iommufd_backend_disconnect fd=" + (closes ? -1 : fdBefore) + " users="
            + (usersBefore - 1)), x.stepTrace, "disconnect's trace");
        List<KernelView.Call> closesSeen = x.stepCalls.stream()
            .filter(k -> k.syscall().equals("close")).toList();
        eq(closes ? List.of(Integer.toString(fdBefore)) : List.of(),
            closesSeen.stream().map(KernelView.Call::request).toList(), "fds closed");
      };
    });
  }

  // attach / detach

  private StateMachine.Action<World> attach(World w, Choices c) {
    List<Dev> free = w.devs.stream().filter(d -> d.v == null).toList();
    Dev pick = free.get((int) c.below(free.size()));
    int di = w.devs.indexOf(pick);
    int bi = (int) c.below(2);
    int si = (int) c.below(2);
    int n = drawN(c);
    return new Flow("attach " + pick.name + " to " + w.bes.get(bi).name + " space " + si
        + nText(n), n, x -> {
      Dev d = x.devs.get(di);
      Be b = x.bes.get(bi);
      int usersBefore = b.be.users();
      boolean hadContainer = x.spaces.get(si).containers.stream().anyMatch(ct -> ct.be == b.be);
      VFIODevice v = new VFIODevice(d.name, b.be);
      Errp err = Errp.local();
      x.attachStep = true;
      boolean ok = VfioIommufd.iommufdCdevAttach(d.name, v, x.spaces.get(si), err);
      x.outcome = ok ? "ok" : "failed";
      if (ok) {
        d.v = v;
        d.be = b;
        d.space = si;
      }
      x.reconcileContainers();
      x.check = () -> {
        recordHwptFlags(x, b);
        if (!x.fired && !ok) {
          fail("attach failed without an injected failure: " + err.pretty());
        }
        KernelView.Call inj = x.stepCalls.stream().filter(KernelView.Call::injected)
            .findFirst().orElse(null);
        String injMsg = inj == null ? null : attachMessage(x, inj, b);
        List<String> failTrace = x.stepTrace.stream()
            .filter(l -> l.startsWith("iommufd_cdev_fail_attach_existing_container ")).toList();
        // the injected failure hit an attempt on an existing container (after the bind, before
        // any successful attach and before a new IOAS): QEMU traces it and goes on
        List<KernelView.Call> sc = x.stepCalls;
        int at = inj == null ? -1 : sc.indexOf(inj);
        int bindAt = sc.indexOf(sc.stream().filter(k -> k.request()
            .equals("VFIO_DEVICE_BIND_IOMMUFD")).findFirst().orElse(null));
        int attachedAt = sc.indexOf(sc.stream().filter(k -> k.ok() && k.request()
            .equals("VFIO_DEVICE_ATTACH_IOMMUFD_PT")).findFirst().orElse(null));
        int ioasAt = sc.indexOf(sc.stream().filter(k -> k.request().equals("IOMMU_IOAS_ALLOC"))
            .findFirst().orElse(null));
        boolean onExisting = hadContainer && at > bindAt && bindAt >= 0
            && (attachedAt < 0 || at < attachedAt) && (ioasAt < 0 || at < ioasAt);
        eq(onExisting ? List.of("iommufd_cdev_fail_attach_existing_container  " + injMsg)
            : List.of(), failTrace, "the trace of a failed attach to an existing container");
        // QEMU's auto domains track dirty pages iff the device's IOMMU can (no vIOMMU here)
        for (KernelView.Call h : x.calls("IOMMU_HWPT_ALLOC")) {
          eq(d.dirty ? 2L : 0L, h.inField("flags"), "an auto domain's flags");
          eq(x.calls("VFIO_DEVICE_BIND_IOMMUFD").getFirst().field("out_devid"),
              h.inField("dev_id"), "the auto domain's device (the devid of the bind)");
        }
        List<String> conn = x.stepTrace.stream().filter(l ->
            l.startsWith("iommufd_backend_connect ") || l.startsWith("iommufd_backend_disconnect "))
            .toList();
        boolean bound = !x.calls("VFIO_DEVICE_BIND_IOMMUFD").isEmpty();
        if (!ok) {
          noLeak(x);
          if (injMsg != null) {
            eq(injMsg, err.pretty(), "the error of the failed attach");
          }
          eq(bound ? List.of(connectLine(b, fdAfterConnect(x, b, usersBefore), usersBefore + 1),
              "iommufd_backend_disconnect fd=" + (b.owned && usersBefore == 0 ? -1 : b.be.fd())
                  + " users=" + usersBefore) : List.of(), conn, "connect/disconnect traced");
          // a new HWPT attached before the failure already warned, as QEMU does
          List<String> warn = new ArrayList<>();
          for (KernelView.Call h : x.calls("IOMMU_HWPT_ALLOC")) {
            boolean attachedToIt = x.calls("VFIO_DEVICE_ATTACH_IOMMUFD_PT").stream()
                .anyMatch(a -> a.ok() && a.inField("pt_id") == h.field("out_hwpt_id"));
            boolean dirtyContainer = x.containers.stream().anyMatch(ct -> ct.be == b
                && ct.dirtySupported && ct.ioasId == h.inField("pt_id"));
            if (h.ok() && attachedToIt && !d.dirty && dirtyContainer) {
              warn.add("warning: IOMMU instance for device " + d.name
                  + " doesn't support dirty tracking");
            }
          }
          x.expectedErr = warn;
          return;
        }
        eq(List.of(connectLine(b, b.be.fd(), usersBefore + 1)), conn, "connect traced");
        eq(true, v.hwpt != null && v.bcontainer != null, "the device has a HWPT and a container");
        eq(true, v.hiod instanceof org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD h
            && h.devid() == v.devid && h.hwptId() == v.hwpt.hwptId && h.iommufd() == b.be,
            "the host IOMMU device is realized for the device's devid and HWPT");
        hostIommuDeviceCaps(x, d, (org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD) v.hiod);
        // hiod_iommufd_vfio_realize: hiod->name is the VFIO device's name, its agent the
        // device, its caps the kernel's GET_HW_INFO answer
        eq(v.name, v.hiod.name(), "the host IOMMU device's name");
        eq(true, v.hiod.agent() == v, "the host IOMMU device's agent is the VFIO device");
        KernelView.Call info = x.calls("IOMMU_GET_HW_INFO").getLast();
        eq(info.field("out_capabilities"), v.hiod.caps().hwCaps,
            "the host IOMMU device's hw_caps (GET_HW_INFO's out_capabilities)");
        eq(info.field("out_data_type"), Integer.toUnsignedLong(v.hiod.caps().type),
            "the host IOMMU device's type (GET_HW_INFO's out_data_type)");
        KernelView.Call bind = one(x, "VFIO_DEVICE_BIND_IOMMUFD");
        eq(bind.field("out_devid"), (long) v.devid, "devid from the bind");
        eq((long) b.be.fd(), bind.inField("iommufd"), "the iommufd bound to");
        Target t = targetOf(x, v.bcontainer);
        boolean newHwpt = x.calls("IOMMU_HWPT_ALLOC").stream().anyMatch(KernelView.Call::ok);
        if (dirtyHwpt(x, b, v.hwpt.hwptId)) {
          t.dirtySupported = t.dirtySupported || newHwpt;
        }
        eq(t.dirtySupported, v.bcontainer.dirtyPagesSupported, "dirty_pages_supported");
        eq(dirtyHwpt(x, b, v.hwpt.hwptId), v.iommuDirtyTracking, "iommu_dirty_tracking");
        List<String> want = new ArrayList<>();
        if (newHwpt && !d.dirty && t.dirtySupported) {
          want.add("warning: IOMMU instance for device " + d.name
              + " doesn't support dirty tracking");
        }
        if (inj != null && inj.request().equals("IOMMU_IOAS_IOVA_RANGES")) {
          want.add("warning: " + injMsg
              + "\nFallback to default 64bit IOVA range and 4K page size");
          x.met.add(Finding.IOVA_RANGES_FAILURE_ONLY_WARNS);
          if (!mode.tolerates(Finding.IOVA_RANGES_FAILURE_ONLY_WARNS)) {
            fail("IOVA_RANGES failed (" + inj.errno() + ") and the attach went on with a"
                + " default range: " + x.stepErr);
          }
          eq(World.PAGE, v.bcontainer.pgsizes, "the fallback page size");
        }
        x.expectedErr = want;
        // a container made in this step learned its IOVA ranges from the kernel
        List<KernelView.Call> ranges = x.calls("IOMMU_IOAS_IOVA_RANGES");
        if (!ranges.isEmpty() && ranges.stream().noneMatch(KernelView.Call::injected)
            && ranges.getFirst().inField("ioas_id") == v.bcontainer.ioasId) {
          KernelView.Ctx ctx = ctxOf(x, x.kernelNow(), b);
          List<long[]> reserved = new ArrayList<>(ctx.ioas().get(v.bcontainer.ioasId)
              .reserved());
          eq(allowed(reserved), rangesText(v.bcontainer.iovaRanges),
              "the container's IOVA ranges (the complement of the reserved ranges)");
          eq(ranges.getLast().field("out_iova_alignment"), v.bcontainer.pgsizes,
              "pgsizes (the IOAS's alignment)");
          long lastIova = v.bcontainer.iovaRanges.isEmpty() ? -1
              : v.bcontainer.iovaRanges.getLast()[1];
          eq(lastIova == -1 ? 64 : 64 - Long.numberOfLeadingZeros(lastIova),
              v.vfioDeviceGetAwBits(), "aw_bits (the bit width of the last usable IOVA)");
          eq(lastIova == -1 ? 64 : 64 - Long.numberOfLeadingZeros(lastIova),
              v.hiod.getCap(org.iommufdsim.backend.HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_AW_BITS,
                  Errp.abort()), "the host IOMMU device's AW_BITS capability");
        }
      };
    });
  }

  /**
   * The {@code fd} property of a new iommufd object, as the management passes it: a number
   * ({@code qemu_parse_fd}: what strtol takes whole, in [0, INT_MAX]) or, from the monitor, a
   * name given earlier with {@code getfd}. QEMU takes the fd (passed, so not owned) and traces
   * {@code "pre-opened /dev/iommu fd=%d"}, or fails with
   * {@code "Could not parse remote object fd %s:"} before the monitor's or the parser's error.
   */
  private StateMachine.Action<World> setFd(World w, Choices c) {
    int form = (int) c.below(8);
    return new Flow("set_fd form " + form, 0, x -> {
      int fd = (int) x.sys.open("/dev/iommu").value();
      String name = "mgmt" + fd;
      boolean inMonitor = form == 1 || form == 2;
      String str;
      String error;
      switch (form) {
        case 0 -> { str = Integer.toString(fd); error = null; }
        case 1 -> {
          x.qemu.monitor().getfd(name, fd);
          str = name;
          error = null;
        }
        case 2 -> {
          str = name + "x";
          error = "File descriptor named '" + str + "' has not been found";
        }
        case 3 -> {
          x.qemu.monitor().getfd(name, fd);
          str = name; // on the command line a name is no number
          error = "Invalid file descriptor number '" + str + "'";
        }
        case 4 -> { str = "+" + fd; error = null; }
        case 5 -> { str = fd + "x"; error = "Invalid file descriptor number '" + str + "'"; }
        case 6 -> { str = "-" + fd; error = "Invalid file descriptor number '" + str + "'"; }
        default -> { str = "2147483648"; error = "Invalid file descriptor number '" + str + "'"; }
      }
      org.iommufdsim.backend.IOMMUFDBackend be =
          new org.iommufdsim.backend.IOMMUFDBackend(x.qemu, "iommufd-set-fd");
      Errp err = Errp.local();
      x.qemu.monitor().setCurrent(inMonitor);
      try {
        be.iommufdBackendSetFd(str, err);
      } finally {
        x.qemu.monitor().setCurrent(false);
      }
      int got = be.fd();
      boolean owned = be.owned();
      x.sys.close(fd);
      x.outcome = error == null ? "taken" : "refused";
      x.check = () -> {
        List<String> traced = x.stepTrace.stream()
            .filter(l -> l.startsWith("iommu_backend_set_fd ")).toList();
        if (error == null) {
          eq(false, err.isSet(), "set_fd " + str + " succeeded");
          eq(fd, got, "the fd taken from " + str);
          eq(false, owned, "a passed fd is not owned");
          eq(List.of("iommu_backend_set_fd pre-opened /dev/iommu fd=" + fd), traced,
              "set_fd traced");
        } else {
          eq("Could not parse remote object fd " + str + ":" + error, err.pretty(),
              "the error of set_fd " + str);
          eq(-1, got, "no fd taken from " + str);
          eq(true, owned, "the object still owns (opens) its fd");
          eq(List.of(), traced, "a refused set_fd is not traced");
        }
      };
    });
  }

  /** A capability QEMU's host IOMMU device does not know (it has IOMMU_TYPE and AW_BITS). */
  private static final int UNKNOWN_CAP = 0x2a;

  /**
   * What a vIOMMU's {@code set_iommu_device} asks the realized host IOMMU device
   * ({@code hiod_iommufd_get_cap}, {@code hiod_iommufd_get_pasid_info}): the answers must be the
   * kernel's {@code IOMMU_GET_HW_INFO} answer of the attach and the device's configuration, and
   * an unknown capability is refused with {@code -EINVAL} and QEMU's
   * {@code "%s: unsupported capability %x"}.
   */
  private static void hostIommuDeviceCaps(World x, Dev d,
      org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD hiod) {
    List<KernelView.Call> infos = x.calls("IOMMU_GET_HW_INFO");
    if (infos.isEmpty()) {
      fail("the host IOMMU device was realized without IOMMU_GET_HW_INFO");
    }
    KernelView.Call hw = infos.getLast();
    eq(true, hw.ok(), "IOMMU_GET_HW_INFO of a realized host IOMMU device");
    eq((int) hw.field("out_data_type"), hiod.getCap(
        org.iommufdsim.backend.HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE, Errp.abort()),
        "the host IOMMU device's IOMMU_TYPE capability (GET_HW_INFO's out_data_type)");
    Errp err = Errp.local();
    eq(-22, hiod.getCap(UNKNOWN_CAP, err), "an unknown capability is -EINVAL");
    eq(d.name + ": unsupported capability 2a", err.pretty(), "the unknown capability's error");
    var info = new org.iommufdsim.backend.HostIOMMUDevicePasidInfo();
    boolean pasid = hiod.getPasidInfo(info);
    // hiod_iommufd_vfio_realize keeps GET_HW_INFO's out_max_pasid_log2
    eq(d.pasidBits > 0, pasid, "PASID info exactly when the device has PASIDs");
    if (pasid) {
      long caps = hw.field("out_capabilities");
      eq((caps & org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_CAP_PCI_PASID_EXEC) != 0,
          info.execPerm, "PASID exec permission (GET_HW_INFO's capabilities)");
      eq((caps & org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_CAP_PCI_PASID_PRIV) != 0,
          info.privMod, "PASID privileged mode (GET_HW_INFO's capabilities)");
      eq(d.pasidBits, info.maxPasidLog2, "the PASID width");
      eq(hw.field("out_max_pasid_log2"), (long) info.maxPasidLog2,
          "the PASID width (GET_HW_INFO's out_max_pasid_log2)");
    }
  }

  /** The usable IOVA ranges: the complement of {@code reserved} in the 64-bit space. */
  private static String allowed(List<long[]> reserved) {
    reserved.sort((p, q) -> Long.compareUnsigned(p[0], q[0]));
    List<long[]> out = new ArrayList<>();
    long next = 0;
    boolean done = false;
    for (long[] r : reserved) {
      if (Long.compareUnsigned(r[0], next) > 0) {
        out.add(new long[] {next, r[0] - 1});
      }
      if (Long.compareUnsigned(r[1] + 1, next) > 0 || r[1] == -1L) {
        if (r[1] == -1L) {
          done = true;
        } else {
          next = Math.max(next, r[1] + 1);
        }
      }
      if (done) {
        break;
      }
    }
    if (!done) {
      out.add(new long[] {next, -1L});
    }
    return rangesText(out);
  }

  private static String rangesText(List<long[]> l) {
    StringBuilder sb = new StringBuilder();
    for (long[] r : l) {
      sb.append("[0x").append(Long.toHexString(r[0])).append("-0x")
          .append(Long.toHexString(r[1])).append(']');
    }
    return sb.toString();
  }

  private static String connectLine(Be b, int fd, int users) {
    return "iommufd_backend_connect fd=" + fd + " owned=" + (b.owned ? 1 : 0) + " users="
        + users;
  }

  private static int fdAfterConnect(World x, Be b, int usersBefore) {
    if (b.owned && usersBefore == 0) {
      for (KernelView.Call k : x.stepCalls) {
        if (k.syscall().equals("open") && k.request().contains("/dev/iommu") && k.ok()) {
          return (int) k.ret();
        }
      }
    }
    return b.be.fd();
  }

  /** What QEMU's attach says when {@code k} (the injected failure) failed. */
  private static String attachMessage(World x, KernelView.Call k, Be b) {
    String err = k.errno() == null ? "?" : Expect.strerror(k.errno());
    String req = k.syscall().equals("ioctl") ? k.request() : k.syscall();
    return switch (req) {
      case "open" -> k.request().contains("/dev/vfio/devices/")
          ? "Failed to open " + k.request().replace("\"", "")
          : "Could not open '/dev/iommu': " + err;
      case "VFIO_DEVICE_BIND_IOMMUFD" -> "error bind device fd=" + k.fd() + " to iommufd="
          + k.inField("iommufd") + ": " + err;
      case "IOMMU_IOAS_ALLOC" -> "Failed to allocate ioas: " + err;
      case "IOMMU_GET_HW_INFO" -> "Failed to get hardware info: " + err;
      case "IOMMU_HWPT_ALLOC" -> "Failed to allocate hwpt: " + err;
      case "VFIO_DEVICE_ATTACH_IOMMUFD_PT" -> "[iommufd=" + x.devIommufd.get(k.fd())
          + "] error attach " + x.devNames.get(k.fd()) + " (" + k.fd() + ") to id="
          + k.inField("pt_id") + ": " + err;
      case "IOMMU_IOAS_IOVA_RANGES" -> "Cannot get IOVA ranges: " + err;
      default -> null;
    };
  }

  private static void recordHwptFlags(World x, Be b) {
    for (KernelView.Call k : x.calls("IOMMU_HWPT_ALLOC")) {
      if (k.ok()) {
        x.hwptFlags.put(b.name + "/" + k.field("out_hwpt_id"), k.inField("flags"));
      }
    }
  }

  private static boolean dirtyHwpt(World x, Be b, int id) {
    Long f = x.hwptFlags.get(b.name + "/" + (id & 0xffffffffL));
    return f != null && (f & 2) != 0;
  }

  private static Target targetOf(World x, VFIOIOMMUFDContainer c) {
    for (Target t : x.containers) {
      if (t.container == c) {
        return t;
      }
    }
    throw new AssertionError("a container QEMU uses is in no address space: ioas " + c.ioasId);
  }

  private StateMachine.Action<World> detach(World w, Choices c) {
    List<Dev> on = w.attached();
    Dev pick = on.get((int) c.below(on.size()));
    int di = w.devs.indexOf(pick);
    int n = drawN(c);
    return new Flow("detach " + pick.name + nText(n), n, x -> {
      Dev d = x.devs.get(di);
      VFIODevice v = d.v;
      int usersBefore = d.be.be.users();
      int fdBefore = d.be.be.fd();
      boolean ownedBe = d.be.owned;
      VfioIommufd.iommufdCdevDetach(v);
      d.v = null;
      d.be = null;
      x.reconcileContainers();
      x.dropClosedObjects();
      x.check = () -> {
        if (x.fired) {
          x.expectedErr = null;
          x.allowedErr = List.of("detach .* failed: .*", "Failed to free id: .*");
        }
        eq(List.of("iommufd_backend_disconnect fd=" + (ownedBe && usersBefore == 1 ? -1 : fdBefore)
            + " users=" + (usersBefore - 1)), x.stepTrace.stream()
            .filter(l -> l.startsWith("iommufd_backend_disconnect ")).toList(),
            "disconnect traced");
        eq(List.of(Integer.toString(v.fd)), x.stepCalls.stream()
            .filter(k -> k.syscall().equals("close") && k.request().equals("" + v.fd))
            .map(KernelView.Call::request).toList(), "the device fd is closed");
      };
    });
  }

  // DMA

  private StateMachine.Action<World> map(World w, Choices c) {
    List<Target> ts = w.targets();
    int ti = (int) c.below(ts.size());
    int page = (int) c.below(48);
    int pages = c.intBetween(1, 8);
    int variant = c.percent(15) ? c.intBetween(1, 2) : 0;
    boolean ro = c.percent(20);
    boolean file = c.percent(25);
    boolean incomingDraw = c.percent(8);
    boolean incoming = file && incomingDraw; // QEMU skips only MAP_FILE on the incoming side
    int n = drawN(c);
    long iova = (variant == 2 ? 0x1000 : IOVA_BASE) + page * World.PAGE;
    long size = pages * World.PAGE + (variant == 1 ? 0x100 : 0);
    long off = (page % 16) * World.PAGE;
    return new Flow("map " + ts.get(ti).label() + " iova=0x" + Long.toHexString(iova)
        + " size=0x" + Long.toHexString(size) + (ro ? " ro" : "") + (file ? " file" : "")
        + (incoming ? " cpr-incoming" : "") + nText(n), n, x -> {
      Target t = x.targets().get(ti);
      long vaddr = x.ram + off;
      int ret;
      if (incoming) {
        // the mappings of a CPR restart exist already: QEMU neither calls nor traces
        x.qemu.cpr().setIncoming(true);
        ret = t.container != null
            ? t.container.iommufdCdevMapFile(iova, size, x.memfd, off, ro)
            : t.be.be.iommufdBackendMapFileDma(t.ioasId, iova, size, x.memfd, off, ro);
        x.qemu.cpr().setIncoming(false);
        x.outcome = "incoming " + ret;
        x.check = () -> {
          eq(0, ret, "an incoming map_file's return");
          eq(List.of(), x.stepCalls.stream().filter(k -> k.syscall().equals("ioctl")).toList(),
              "ioctls of an incoming map_file");
          eq(List.of(), x.stepTrace, "an incoming map_file's trace");
        };
        return;
      }
      if (file) {
        ret = t.container != null
            ? t.container.iommufdCdevMapFile(iova, size, x.memfd, off, ro)
            : t.be.be.iommufdBackendMapFileDma(t.ioasId, iova, size, x.memfd, off, ro);
      } else {
        ret = t.container != null ? t.container.iommufdCdevMap(iova, size, vaddr, ro)
            : t.be.be.iommufdBackendMapDma(t.ioasId, iova, size, vaddr, ro);
      }
      String request = file ? "IOMMU_IOAS_MAP_FILE" : "IOMMU_IOAS_MAP";
      x.outcome = ret == 0 ? "ok" : "-" + errnoName(ret);
      KernelView.Dump before = KernelView.dump(x.dumpBefore);
      x.check = () -> {
        KernelView.Call k = one(x, request);
        eq(k.ok() ? 0 : -Expect.errnoNumber(k.errno()), ret, "map's return value");
        eq((ro ? 5L : 7L), k.inField("flags"), "the map flags (readable, fixed, writeable)");
        if (file) {
          eq((long) x.memfd, k.inField("fd"), "the memfd");
          eq(off, k.inField("start"), "the file offset");
        } else {
          eq(vaddr, k.inField("user_va"), "the user address");
        }
        if (!x.fired) {
          eq(predictMap(x, before, t, iova, size), k.errno(), "the kernel's answer to the map");
        }
        if (k.ok()) {
          t.kernel.put(iova, iova + size - 1);
        }
        if (ret == 0) {
          add(t.belief, iova, iova + size - 1);
        } else {
          noLeak(x);
        }
        if (x.fired && resync(x, t)) {
          x.met.add(Finding.ANSWER_COPY_FAILURE_AFTER_THE_WORK);
          if (mode.tolerates(Finding.ANSWER_COPY_FAILURE_AFTER_THE_WORK)) {
            t.belief.clear();
            t.belief.putAll(t.kernel);
          }
        }
        x.expectedErr = "EFAULT".equals(k.errno())
            ? List.of("warning: " + request + " failed: Bad address, PCI BAR?") : List.of();
      };
    });
  }

  private static String errnoName(int ret) {
    return org.iommufdsim.sim.uapi.Errno.byNumber(-ret).map(Enum::name).orElse("" + ret);
  }

  /** The kernel's rules for a fixed-IOVA map: alignment, reserved ranges, existing areas. */
  private static String predictMap(World x, KernelView.Dump before, Target t, long iova,
      long size) {
    KernelView.Ctx ctx = ctxOf(x, before, t.be);
    KernelView.Ioas io = ctx == null ? null : ctx.ioas().get(t.ioasId);
    if (io == null) {
      return "ENOENT";
    }
    long last = iova + size - 1;
    if (iova % io.align() != 0 || size % io.align() != 0) {
      return "EINVAL";
    }
    for (long[] r : io.reserved()) {
      if (Long.compareUnsigned(iova, r[1]) <= 0 && Long.compareUnsigned(r[0], last) <= 0) {
        return "EINVAL";
      }
    }
    for (Map.Entry<Long, Long> a : t.kernel.entrySet()) {
      if (iova <= a.getValue() && a.getKey() <= last) {
        return "EEXIST";
      }
    }
    return null;
  }

  /**
   * After an injected failure the kernel's rules cannot say how far the call got: takes the
   * IOAS's areas from the kernel, and answers whether they differ from what the rules said.
   */
  private static boolean resync(World x, Target t) {
    KernelView.Ctx ctx = ctxOf(x, x.kernelNow(), t.be);
    KernelView.Ioas io = ctx == null ? null : ctx.ioas().get(t.ioasId);
    if (io == null) {
      return false;
    }
    TreeMap<Long, Long> real = new TreeMap<>();
    io.areas().forEach(r -> real.put(r[0], r[1]));
    boolean differs = !real.equals(t.kernel);
    t.kernel.clear();
    t.kernel.putAll(real);
    return differs;
  }

  static KernelView.Ctx ctxOf(World x, KernelView.Dump d, Be b) {
    if (b == x.passed) {
      return d.ctxs().isEmpty() ? null : d.ctxs().get(0);
    }
    return d.ctxs().size() > 1 ? d.ctxs().get(1) : null;
  }

  private static void add(TreeMap<Long, Long> set, long first, long last) {
    set.put(first, last);
  }

  /** Removes [first, last] from a set of ranges, splitting what it cuts. */
  private static void subtract(TreeMap<Long, Long> set, long first, long last) {
    List<long[]> keep = new ArrayList<>();
    for (Map.Entry<Long, Long> e : set.entrySet()) {
      long a = e.getKey();
      long b = e.getValue();
      if (Long.compareUnsigned(b, first) < 0 || Long.compareUnsigned(a, last) > 0) {
        keep.add(new long[] {a, b});
        continue;
      }
      if (Long.compareUnsigned(a, first) < 0) {
        keep.add(new long[] {a, first - 1});
      }
      if (Long.compareUnsigned(b, last) > 0) {
        keep.add(new long[] {last + 1, b});
      }
    }
    set.clear();
    keep.forEach(r -> set.put(r[0], r[1]));
  }

  private StateMachine.Action<World> unmap(World w, Choices c) {
    List<Target> ts = w.targets();
    int ti = (int) c.below(ts.size());
    boolean all = c.percent(10);
    boolean viommuDraw = c.percent(30);
    boolean viommu = viommuDraw && !all; // the vIOMMU never asks for unmap-all
    boolean incoming = c.percent(5);
    int page = all ? 0 : (int) c.below(48);
    int pages = all ? 0 : c.intBetween(1, 8);
    int n = drawN(c);
    long iova = all ? 0 : IOVA_BASE + page * World.PAGE;
    long size = all ? -1L : pages * World.PAGE;
    return new Flow("unmap " + ts.get(ti).label() + (all ? " all" : " iova=0x"
        + Long.toHexString(iova) + " size=0x" + Long.toHexString(size))
        + (viommu ? " by the vIOMMU" : "") + (incoming ? " cpr-incoming" : "") + nText(n), n,
        x -> {
      Target t = x.targets().get(ti);
      int ret;
      if (incoming && !viommu) {
        x.qemu.cpr().setIncoming(true);
        int r = t.be.be.iommufdBackendUnmapDma(t.ioasId, iova, size);
        x.qemu.cpr().setIncoming(false);
        x.outcome = "incoming " + r;
        x.check = () -> {
          eq(0, r, "an incoming unmap's return");
          eq(List.of(), x.stepCalls.stream().filter(k -> k.syscall().equals("ioctl")).toList(),
              "ioctls of an incoming unmap");
          eq(List.of(), x.stepTrace, "an incoming unmap's trace");
        };
        return;
      }
      VFIOIOMMUFDContainer.IOMMUTLBEntry iotlb = viommu
          ? new VFIOIOMMUFDContainer.IOMMUTLBEntry(x.ram) : null;
      List<VFIOIOASHwpt> list = t.container == null ? List.of()
          : List.copyOf(t.container.hwptList);
      boolean started = t.dirtyStarted;
      if (t.container != null) {
        ret = all ? t.container.iommufdCdevUnmap(0, 0, iotlb, true)
            : t.container.iommufdCdevUnmap(iova, size, iotlb, false);
      } else {
        ret = t.be.be.iommufdBackendUnmapDma(t.ioasId, iova, size);
      }
      x.outcome = ret == 0 ? "ok" : "-" + errnoName(ret);
      x.check = () -> {
        KernelView.Call k = one(x, "IOMMU_IOAS_UNMAP");
        long last = iova + size - 1;
        // a vIOMMU unmap while dirty tracking runs first reads the dirty bits (NO_CLEAR) of
        // every dirty-tracking HWPT, then unmaps
        List<String> dirtyCalls = new ArrayList<>();
        if (viommu && started && t.container != null) {
          for (VFIOIOASHwpt h : list) {
            if (dirtyHwpt(x, t.be, h.hwptId)) {
              dirtyCalls.add("hwpt_id=" + h.hwptId + " flags=1");
            }
          }
        }
        List<KernelView.Call> got = x.calls("IOMMU_HWPT_GET_DIRTY_BITMAP");
        if (got.stream().allMatch(KernelView.Call::ok)) {
          eq(dirtyCalls, got.stream().map(g -> "hwpt_id=" + g.inField("hwpt_id") + " flags="
              + g.inField("flags")).toList(), "dirty-bitmap reads before a vIOMMU unmap");
        }
        if (!got.isEmpty() && got.stream().allMatch(KernelView.Call::ok)) {
          eq(got.getLast().inField("data"), t.container.lastDirtyBitmap,
              "the bitmap QEMU keeps is the one the kernel filled");
        }
        int firstUnmap = x.stepCalls.indexOf(k);
        eq(true, got.stream().allMatch(g -> x.stepCalls.indexOf(g) < firstUnmap),
            "the dirty bits are read before the unmap");
        // the kernel walks the areas in the range in IOVA order, unmapping each that lies
        // inside it, and stops with ENOENT at the first one the range cuts (areas before it
        // stay unmapped); nothing in the range is ENOENT too
        List<Long> removable = new ArrayList<>();
        boolean cuts = false;
        for (Map.Entry<Long, Long> a : t.kernel.entrySet()) {
          if (Long.compareUnsigned(a.getKey(), last) <= 0
              && Long.compareUnsigned(iova, a.getValue()) <= 0) {
            if (Long.compareUnsigned(a.getKey(), iova) >= 0
                && Long.compareUnsigned(a.getValue(), last) <= 0) {
              removable.add(a.getKey());
            } else {
              cuts = true;
              break;
            }
          }
        }
        if (!x.fired) {
          String want = all ? null : cuts || removable.isEmpty() ? "ENOENT" : null;
          eq(want, k.errno(), "the kernel's answer to the unmap");
        }
        boolean queryFailed = got.stream().anyMatch(g -> !g.ok());
        int unmapRet = k.ok() || "ENOENT".equals(k.errno()) ? 0 : -Expect.errnoNumber(k.errno());
        eq(unmapRet != 0 ? unmapRet : queryFailed ? -Expect.errnoNumber("EINVAL") : 0, ret,
            "unmap's return value (ENOENT is success; then a failed dirty query's -EINVAL)");
        KernelView.Call badQuery = got.stream().filter(g -> !g.ok()).findFirst().orElse(null);
        x.expectedErr = badQuery == null ? List.of() : List.of("IOMMU_HWPT_GET_DIRTY_BITMAP"
            + " (iova: 0x" + Long.toHexString(iova) + " size: 0x" + Long.toHexString(all ? -1L
            : size) + ") failed: " + Expect.strerror(badQuery.errno()));
        if (k.ok() || (!x.fired && "ENOENT".equals(k.errno()))) {
          if (all && k.ok()) {
            t.kernel.clear();
          } else {
            removable.forEach(t.kernel::remove);
          }
        }
        if (!k.ok() && removable.isEmpty()) {
          noLeak(x);
        }
        if (x.fired && resync(x, t)) {
          x.met.add(Finding.ANSWER_COPY_FAILURE_AFTER_THE_WORK);
          if (mode.tolerates(Finding.ANSWER_COPY_FAILURE_AFTER_THE_WORK)) {
            t.belief.clear();
            t.belief.putAll(t.kernel);
            return;
          }
        }
        if (unmapRet == 0) {
          if ("ENOENT".equals(k.errno()) && cuts) {
            x.met.add(Finding.UNMAP_ENOENT_IS_SUCCESS);
            if (mode.tolerates(Finding.UNMAP_ENOENT_IS_SUCCESS)) {
              // QEMU's view keeps the areas the kernel refused to cut
              t.belief.clear();
              t.belief.putAll(t.kernel);
              return;
            }
          }
          subtract(t.belief, iova, last);
        }
      };
    });
  }

  // objects

  private StateMachine.Action<World> allocIoas(World w, Choices c) {
    List<Be> can = w.bes.stream().filter(b -> b.explicit > 0).toList();
    int bi = w.bes.indexOf(can.get((int) c.below(can.size())));
    int n = drawN(c);
    return new Flow("alloc_ioas " + w.bes.get(bi).name + nText(n), n, x -> {
      Be b = x.bes.get(bi);
      IntRef id = new IntRef();
      Errp err = Errp.local();
      boolean ok = b.be.iommufdBackendAllocIoas(id, err);
      x.outcome = ok ? "ok" : "failed";
      if (ok) {
        b.rawIoas.add(new Target(b, null, id.value));
      }
      x.check = () -> {
        KernelView.Call k = one(x, "IOMMU_IOAS_ALLOC");
        eq(k.ok(), ok, "alloc_ioas succeeded iff the kernel's IOAS_ALLOC did");
        if (ok) {
          eq(k.field("out_ioas_id"), (long) id.value, "the IOAS id");
        } else {
          errpIs(err, "Failed to allocate ioas", k);
          noLeak(x);
        }
        if (!x.fired) {
          eq(true, ok, "alloc_ioas succeeded");
        }
      };
    });
  }

  private static List<Dev> hwptHosts(World w) {
    return w.attached().stream().filter(d -> d.be.explicit > 0 && !d.be.rawIoas.isEmpty())
        .toList();
  }

  private StateMachine.Action<World> allocHwpt(World w, Choices c) {
    List<Dev> hosts = hwptHosts(w);
    Dev pick = hosts.get((int) c.below(hosts.size()));
    int di = w.devs.indexOf(pick);
    int pi = (int) c.below(pick.be.rawIoas.size());
    boolean fault = c.percent(50);
    int flags = (int) new long[] {0, 2, 1}[(int) c.below(3)];
    int n = drawN(c);
    return new Flow("alloc_hwpt dev " + pick.name + " pt " + pick.be.rawIoas.get(pi).label()
        + " flags=" + flags + (fault ? " with faultq" : "") + nText(n), n, x -> {
      Dev d = x.devs.get(di);
      Be b = d.be;
      Target pt = b.rawIoas.get(pi);
      IntRef faultId = new IntRef();
      IntRef faultFd = new IntRef();
      Errp err = Errp.local();
      boolean qok = !fault || b.be.iommufdBackendAllocFaultq(faultId, faultFd, err);
      IntRef out = new IntRef();
      Errp err2 = Errp.local();
      boolean ok = qok && b.be.iommufdBackendAllocHwpt(d.v.devid, pt.ioasId, flags, 0, 0, 0,
          faultId.value, out, err2);
      if (qok && !ok && fault) {
        // the caller's unwind: close the fault fd, then free the fault object
        x.qemu.libc().close(faultFd.value);
        b.be.iommufdBackendFreeId(faultId.value);
      }
      x.outcome = !qok ? "faultq failed" : ok ? "ok" : "failed";
      if (ok) {
        b.rawHwpts.add(new RawHwpt(b, out.value, pt, fault ? faultId.value : 0,
            fault ? faultFd.value : -1));
      }
      x.check = () -> {
        if (fault) {
          KernelView.Call q = one(x, "IOMMU_FAULT_QUEUE_ALLOC");
          eq(q.ok(), qok, "alloc_faultq succeeded iff the kernel's FAULT_QUEUE_ALLOC did");
          if (qok) {
            eq(q.field("out_fault_id"), (long) faultId.value, "the fault id");
            eq(q.field("out_fault_fd"), (long) faultFd.value, "the fault fd");
          } else {
            errpIs(err, "IOMMU_FAULT_QUEUE_ALLOC failed", q);
          }
        }
        if (qok) {
          KernelView.Call k = one(x, "IOMMU_HWPT_ALLOC");
          eq((long) (flags | (fault ? 4 : 0)), k.inField("flags"), "the flags sent");
          eq(fault ? (long) faultId.value : 0L, k.inField("fault_id"), "the fault id sent");
          eq(k.ok(), ok, "alloc_hwpt succeeded iff the kernel's HWPT_ALLOC did");
          if (ok) {
            eq(k.field("out_hwpt_id"), (long) out.value, "the HWPT id");
            x.hwptFlags.put(b.name + "/" + out.value, (long) flags);
          } else {
            errpIs(err2, "Failed to allocate hwpt", k);
          }
        }
        if (!ok) {
          noLeak(x);
        }
      };
    });
  }

  private StateMachine.Action<World> freeId(World w, Choices c) {
    int kind = (int) c.below(4);
    int bi = (int) c.below(2);
    int idx = (int) c.below(8);
    int n = drawN(c);
    return new Flow("free_id " + new String[] {"raw hwpt", "raw ioas", "busy container ioas",
        "stale id"}[kind] + " on " + w.bes.get(bi).name + " #" + idx + nText(n), n, x -> {
      Be b = x.bes.get(bi);
      switch (kind) {
        case 0 -> freeRawHwpt(x, b, idx);
        case 1 -> freeRawIoas(x, b, idx);
        case 2 -> freeBusy(x, b, idx);
        default -> freeStale(x, b, idx);
      }
    });
  }

  private static void freeRawHwpt(World x, Be b, int idx) {
    if (b.rawHwpts.isEmpty()) {
      x.outcome = "nothing";
      x.check = () -> { };
      return;
    }
    RawHwpt h = b.rawHwpts.get(idx % b.rawHwpts.size());
    b.be.iommufdBackendFreeId(h.id());
    x.outcome = "ok";
    x.collect();
    boolean freed = x.calls("IOMMU_DESTROY").stream().allMatch(KernelView.Call::ok);
    if (freed) {
      b.rawHwpts.remove(h);
      x.hwptFlags.remove(b.name + "/" + h.id());
      if (h.faultId() != 0) {
        x.qemu.libc().close(h.faultFd());
        b.be.iommufdBackendFreeId(h.faultId());
      }
    } else {
      x.outcome = "refused";
    }
    x.check = () -> {
      if (!x.fired) {
        eq(true, freed, "the raw HWPT was freed");
        eq(List.of(), x.calls("IOMMU_DESTROY").stream().filter(k -> !k.ok()).toList(),
            "refused destroys");
      }
    };
  }

  private static void freeRawIoas(World x, Be b, int idx) {
    List<Target> free = b.rawIoas.stream()
        .filter(t -> b.rawHwpts.stream().noneMatch(h -> h.pt() == t)).toList();
    if (free.isEmpty()) {
      x.outcome = "nothing";
      x.check = () -> { };
      return;
    }
    Target t = free.get(idx % free.size());
    b.be.iommufdBackendFreeId(t.ioasId);
    x.outcome = "ok";
    x.check = () -> {
      KernelView.Call k = one(x, "IOMMU_DESTROY");
      if (k.ok()) {
        b.rawIoas.remove(t);
      }
      if (!x.fired) {
        eq(null, k.errno(), "the kernel's answer to freeing an unused IOAS");
      }
      x.expectedErr = k.ok() ? List.of() : List.of("Failed to free id: " + t.ioasId + " "
          + Expect.strerror(k.errno()));
    };
  }

  private static void freeBusy(World x, Be b, int idx) {
    List<Target> busy = x.containers.stream().filter(t -> t.be == b).toList();
    if (busy.isEmpty()) {
      x.outcome = "nothing";
      x.check = () -> { };
      return;
    }
    Target t = busy.get(idx % busy.size());
    x.destroyErrorsExpected = true;
    b.be.iommufdBackendFreeId(t.ioasId);
    x.outcome = "refused";
    x.check = () -> {
      KernelView.Call k = one(x, "IOMMU_DESTROY");
      eq("EBUSY", k.errno(), "the kernel's answer to freeing an IOAS with a HWPT on it");
      x.expectedErr = List.of("Failed to free id: " + t.ioasId + " " + Expect.strerror("EBUSY"));
    };
  }

  private static void freeStale(World x, Be b, int idx) {
    int id = 4000 + idx;
    boolean open = b.be.fd() >= 0;
    x.destroyErrorsExpected = true;
    b.be.iommufdBackendFreeId(id);
    x.outcome = "refused";
    x.check = () -> {
      KernelView.Call k = one(x, "IOMMU_DESTROY");
      String want = open ? "ENOENT" : "EBADF";
      if (!x.fired) {
        eq(want, k.errno(), "the kernel's answer to freeing id " + id);
      }
      x.expectedErr = List.of("Failed to free id: " + id + " " + Expect.strerror(k.errno()));
    };
  }

  // dirty tracking, device info, invalidation

  private StateMachine.Action<World> dirty(World w, Choices c) {
    int ti = (int) c.below(w.containers.size());
    boolean start = c.below(2) == 0;
    int n = drawN(c);
    return new Flow((start ? "dirty start " : "dirty stop ") + w.containers.get(ti).label()
        + nText(n), n, x -> {
      Target t = x.containers.get(ti);
      Errp err = Errp.local();
      List<VFIOIOASHwpt> list = List.copyOf(t.container.hwptList);
      int ret = t.container.vfioContainerSetDirtyPageTracking(start, err);
      x.outcome = ret == 0 ? "ok" : "-" + errnoName(ret);
      x.check = () -> {
        List<String> want = new ArrayList<>();
        if (t.dirtySupported && t.dirtyStarted != start) {
          for (VFIOIOASHwpt h : list) {
            if (dirtyHwpt(x, t.be, h.hwptId)) {
              want.add("IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=" + h.hwptId + " flags="
                  + (start ? 1 : 0));
            }
          }
        }
        List<String> seen = x.calls("IOMMU_HWPT_SET_DIRTY_TRACKING").stream()
            .map(k -> k.request() + " hwpt_id=" + k.inField("hwpt_id") + " flags="
                + k.inField("flags")).toList();
        boolean allOk = x.calls("IOMMU_HWPT_SET_DIRTY_TRACKING").stream()
            .allMatch(KernelView.Call::ok);
        if (allOk) {
          eq(want, seen, "SET_DIRTY_TRACKING calls");
          eq(0, ret, "set_dirty_page_tracking's return");
          if (t.dirtySupported) {
            t.dirtyStarted = start;
          }
        } else {
          eq(-Expect.errnoNumber("EINVAL"), ret, "a failed start/stop returns -EINVAL");
        }
        eq(t.dirtyStarted, t.container.dirtyPagesStarted, "dirty_pages_started");
        eq(t.dirtySupported, t.container.dirtyPagesSupported, "dirty_pages_supported");
      };
    });
  }

  private StateMachine.Action<World> query(World w, Choices c) {
    int ti = (int) c.below(w.containers.size());
    int page = (int) c.below(48);
    int pages = c.intBetween(1, 8);
    boolean noClear = c.percent(30);
    int n = drawN(c);
    long iova = IOVA_BASE + page * World.PAGE;
    long size = pages * World.PAGE;
    return new Flow("get_dirty_bitmap " + w.containers.get(ti).label() + " iova=0x"
        + Long.toHexString(iova) + " size=0x" + Long.toHexString(size)
        + (noClear ? " no_clear" : "") + nText(n), n, x -> {
      Target t = x.containers.get(ti);
      long bitmap = x.qemu.libc().gMalloc0(8);
      Errp err = Errp.local();
      List<VFIOIOASHwpt> list = List.copyOf(t.container.hwptList);
      int ret = t.container.iommufdQueryDirtyBitmap(bitmap, iova, size, noClear ? 1 : 0, err);
      x.outcome = ret == 0 ? "ok" : "-" + errnoName(ret);
      x.check = () -> {
        List<KernelView.Call> calls = x.calls("IOMMU_HWPT_GET_DIRTY_BITMAP");
        List<Long> want = new ArrayList<>();
        for (VFIOIOASHwpt h : list) {
          if (dirtyHwpt(x, t.be, h.hwptId)) {
            want.add((long) h.hwptId);
          }
        }
        KernelView.Call bad = calls.stream().filter(k -> !k.ok()).findFirst().orElse(null);
        List<Long> seen = calls.stream().map(k -> k.inField("hwpt_id")).toList();
        if (bad == null) {
          eq(want, seen, "GET_DIRTY_BITMAP calls (one per dirty-tracking HWPT)");
          eq(0, ret, "query's return");
        } else {
          eq(want.subList(0, calls.size()), seen, "GET_DIRTY_BITMAP calls up to the failure");
          eq(-Expect.errnoNumber("EINVAL"), ret, "a failed query returns -EINVAL");
          errpIs(err, "IOMMU_HWPT_GET_DIRTY_BITMAP (iova: 0x" + Long.toHexString(iova)
              + " size: 0x" + Long.toHexString(size) + ") failed", bad);
        }
        for (KernelView.Call k : calls) {
          eq(noClear ? 1L : 0L, k.inField("flags"), "the NO_CLEAR flag");
          eq(World.PAGE, k.inField("page_size"), "the page size");
        }
      };
    });
  }

  private StateMachine.Action<World> deviceInfo(World w, Choices c) {
    List<Dev> on = w.attached();
    int di = w.devs.indexOf(on.get((int) c.below(on.size())));
    int n = drawN(c);
    return new Flow("get_device_info " + w.devs.get(di).name + nText(n), n, x -> {
      Dev d = x.devs.get(di);
      IntRef type = new IntRef();
      LongRef caps = new LongRef();
      IntRef pasid = new IntRef();
      Errp err = Errp.local();
      long data = x.qemu.libc().gMalloc0(64);
      boolean ok = d.be.be.iommufdBackendGetDeviceInfo(d.v.devid, type, data, 64, caps, pasid,
          err);
      x.outcome = ok ? "ok" : "failed";
      x.check = () -> {
        KernelView.Call k = one(x, "IOMMU_GET_HW_INFO");
        eq(k.ok(), ok, "get_device_info succeeded iff GET_HW_INFO did");
        eq((long) d.v.devid, k.inField("dev_id"), "the dev_id asked");
        if (ok) {
          eq(k.field("out_data_type"), type.value & 0xffffffffL, "the data type");
          eq(d.dirty ? 1L : 0L, caps.value & 1, "the dirty-tracking capability");
          eq(d.pasidBits, pasid.value, "max_pasid_log2");
        } else {
          errpIs(err, "Failed to get hardware info", k);
        }
        if (!x.fired) {
          eq(true, ok, "get_device_info succeeded");
        }
      };
    });
  }

  /**
   * What a vIOMMU does to a device it takes over and gives back: the realized host IOMMU
   * device detaches its HWPT ({@code host_iommu_device_iommufd_detach_hwpt}, VFIO's
   * {@code iommufd_cdev_detach_ioas_hwpt}) and attaches it again
   * ({@code ..._attach_hwpt}). The kernel must see exactly one detach of the device's RID and
   * one attach to the device's HWPT, and each call's result must be what QEMU returns.
   */
  private StateMachine.Action<World> hiodReattach(World w, Choices c) {
    List<Dev> on = w.attached();
    int di = w.devs.indexOf(on.get((int) c.below(on.size())));
    return new Flow("hiod_reattach " + w.devs.get(di).name, 0, x -> {
      Dev d = x.devs.get(di);
      var h = (org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD) d.v.hiod;
      int hwpt = d.v.hwpt.hwptId;
      boolean det = h.hostIommuDeviceIommufdDetachHwpt(
          org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID, Errp.local());
      boolean att = h.hostIommuDeviceIommufdAttachHwpt(
          org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID, hwpt, Errp.local());
      x.outcome = det && att ? "ok" : "failed";
      x.check = () -> {
        KernelView.Call dc = one(x, "VFIO_DEVICE_DETACH_IOMMUFD_PT");
        eq(dc.ok(), det, "detach_hwpt succeeded iff the kernel's detach did");
        eq(0L, dc.inField("flags"), "the RID is detached (no PASID flag)");
        KernelView.Call ac = one(x, "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
        eq((long) hwpt, ac.inField("pt_id"), "re-attached to the device's own HWPT");
        eq(ac.ok(), att, "attach_hwpt succeeded iff the kernel's attach did");
        eq(true, det && att, "detach and re-attach of an attached device succeed");
      };
    });
  }

  private StateMachine.Action<World> invalidate(World w, Choices c) {
    List<RawHwpt> all = new ArrayList<>();
    w.bes.forEach(b -> all.addAll(b.rawHwpts));
    int hi = (int) c.below(all.size());
    int entries = (int) c.below(3);
    int n = drawN(c);
    return new Flow("invalidate_cache hwpt#" + hi + " entries=" + entries + nText(n), n, x -> {
      List<RawHwpt> now = new ArrayList<>();
      x.bes.forEach(b -> now.addAll(b.rawHwpts));
      RawHwpt h = now.get(hi);
      IntRef num = new IntRef();
      num.value = entries;
      Errp err = Errp.local();
      long data = x.qemu.libc().gMalloc0(64);
      boolean ok = h.be().be.iommufdBackendInvalidateCache(h.id(), 0xbaddad, 16, num, data,
          err);
      x.outcome = ok ? "ok" : "failed";
      x.check = () -> {
        KernelView.Call k = one(x, "IOMMU_HWPT_INVALIDATE");
        eq(k.ok(), ok, "invalidate_cache succeeded iff the kernel's HWPT_INVALIDATE did");
        eq(k.field("entry_num"), num.value & 0xffffffffL, "entry_num written back");
        if (!ok) {
          errpIs(err, "IOMMU_HWPT_INVALIDATE failed: total " + entries + " entries, processed "
              + k.field("entry_num") + " entries", k);
        }
      };
    });
  }

  /**
   * A CPR restart's first connect of the owned backend: the fd saved under its name (here one
   * the previous process used, with an IOAS mapping anonymous memory) is reused by
   * {@code cpr_open_fd}; {@code IOMMU_IOAS_CHANGE_PROCESS} then refuses, so CPR is blocked, and
   * with {@code --only-migratable} the connect fails.
   */
  private StateMachine.Action<World> cprInheritConnect(World w, Choices c) {
    return new Flow("cpr_inherit_connect iommufd0", 0, x -> {
      Be b = x.owned;
      int fd = x.qemu.libc().open("/dev/iommu");
      org.iommufdsim.backend.IOMMUFDBackend src =
          new org.iommufdsim.backend.IOMMUFDBackend(x.qemu, "cpr-source");
      src.iommufdBackendSetFd(Integer.toString(fd), Errp.abort());
      IntRef ioas = new IntRef();
      src.iommufdBackendAllocIoas(ioas, Errp.abort());
      int mret = src.iommufdBackendMapDma(ioas.value, IOVA_BASE, World.PAGE, x.ram, false);
      x.qemu.cpr().cprSaveFd(b.name, 0, fd);
      Errp err = Errp.local();
      boolean ok = b.be.iommufdBackendConnect(err);
      x.outcome = ok ? "ok" : "failed";
      if (ok) {
        b.explicit++;
        Target t = new Target(b, null, ioas.value);
        if (mret == 0) {
          t.kernel.put(IOVA_BASE, IOVA_BASE + World.PAGE - 1);
          t.belief.put(IOVA_BASE, IOVA_BASE + World.PAGE - 1);
        }
        b.rawIoas.add(t);
      }
      x.check = () -> {
        eq(0, mret, "the previous process's map");
        KernelView.Call probe = one(x, "IOMMU_IOAS_CHANGE_PROCESS");
        eq((long) fd, (long) probe.fd(), "the probe uses the inherited fd");
        eq("EINVAL", probe.errno(), "CHANGE_PROCESS with an anonymous mapping");
        eq(!x.onlyMigratable, ok, "connect succeeded (blocked CPR is an error only with"
            + " --only-migratable)");
        eq("iommu_backend_set_fd pre-opened /dev/iommu fd=" + fd, x.stepTrace.getFirst(),
            "the previous process's backend traces its fd property");
        List<String> conn = x.stepTrace.stream()
            .filter(l -> l.startsWith("iommufd_backend_connect ")).toList();
        if (ok) {
          eq(fd, b.be.fd(), "the backend's fd");
          eq(true, b.be.cprBlocker() != null, "a CPR blocker is installed");
          eq(List.of(connectLine(b, fd, 1)), conn, "connect traced");
        } else {
          eq("disallowing migration blocker (--only-migratable) for: vfio iommufd backend does"
              + " not support IOMMU_IOAS_CHANGE_PROCESS", err.pretty(), "the connect error");
          eq(List.of(), conn, "a failed connect is not traced");
          eq(List.of("" + fd), x.stepCalls.stream().filter(k -> k.syscall().equals("close"))
              .map(KernelView.Call::request).toList(), "the inherited fd is closed");
          if (x.qemu.cpr().cprFindFd(b.name, 0) >= 0) {
            x.met.add(Finding.CPR_STALE_FD_AFTER_FAILED_REGISTRATION);
            if (mode.tolerates(Finding.CPR_STALE_FD_AFTER_FAILED_REGISTRATION)) {
              x.qemu.cpr().cprDeleteFd(b.name, 0); // the cpr_delete_fd QEMU leaves out
            }
          }
        }
      };
    });
  }

  /**
   * The CPR vmstate hooks of a connected backend: {@code pre_save} probes
   * {@code IOMMU_IOAS_CHANGE_PROCESS} (refused while any IOAS maps non-file memory), and
   * {@code post_load} changes the process (the same call, traced and reported).
   */
  private StateMachine.Action<World> cprSaveLoad(World w, Choices c) {
    List<Be> on = w.bes.stream().filter(b -> b.be.users() > 0).toList();
    int bi = w.bes.indexOf(on.get((int) c.below(on.size())));
    boolean load = c.percent(50);
    return new Flow("cpr " + (load ? "post_load " : "pre_save ") + w.bes.get(bi).name, 0, x -> {
      Be b = x.bes.get(bi);
      x.hookStep = true;
      org.iommufdsim.backend.qemu.Migration.Vmstate vm = x.qemu.migration().vmstates().stream()
          .filter(v -> v.opaque() == b.be).findFirst().orElse(null);
      if (vm == null) {
        x.outcome = "blocked";
        x.check = () -> eq(true, b.cprBlocked, "no vmstate only when CPR is blocked");
        return;
      }
      int r = load ? vm.postLoad().getAsInt() : vm.preSave().getAsInt();
      x.outcome = r == 0 ? "ok" : "refused";
      x.check = () -> {
        KernelView.Call k = one(x, "IOMMU_IOAS_CHANGE_PROCESS");
        eq((long) b.be.fd(), (long) k.fd(), "the fd probed");
        boolean nonFile = false;
        KernelView.Ctx ctx = ctxOf(x, KernelView.dump(x.dumpBefore), b);
        for (KernelView.Ioas io : ctx.ioas().values()) {
          nonFile |= io.nonFile()[0];
        }
        eq(nonFile ? "EINVAL" : null, k.errno(), "CHANGE_PROCESS (refused with non-file areas)");
        eq(k.ok() ? 0 : -1, r, "the hook's return");
        if (load) {
          eq(List.of("iommufd_change_process fd=" + b.be.fd() + " (" + (k.ok() ? 1 : 0) + ")"),
              x.stepTrace, "change_process traced");
          x.expectedErr = k.ok() ? List.of() : List.of("IOMMU_IOAS_CHANGE_PROCESS fd "
              + b.be.fd() + " failed: " + Expect.strerror(k.errno()));
        } else {
          eq(List.of(), x.stepTrace, "pre_save traces nothing");
          x.expectedErr = k.ok() ? List.of()
              : List.of("some memory regions do not support IOMMU_IOAS_CHANGE_PROCESS");
        }
      };
    });
  }

  private StateMachine.Action<World> onlyMigratable(World w, Choices c) {
    boolean on = c.below(2) == 1;
    return new Flow("only_migratable " + on, 0, x -> {
      x.qemu.migration().setOnlyMigratable(on);
      x.onlyMigratable = on;
      x.check = () -> eq(List.of(), x.stepCalls.stream()
          .filter(k -> !k.syscall().equals("write")).toList(), "syscalls");
    });
  }

  /** After a failed flow: the kernel's state is what it was before the flow. */
  private static void noLeak(World x) {
    String before = KernelView.dump(x.dumpBefore).objectTable();
    String after = x.kernelNow().objectTable();
    if (!before.equals(after)) {
      fail("the failed flow left the kernel changed:\nbefore:\n" + before + "after:\n" + after);
    }
  }

  // ---- invariants ----

  @Override
  public List<Invariant<World>> invariants() {
    return BackendInvariants.all(mode);
  }
}
