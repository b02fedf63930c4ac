package org.iommufdsim.properties.suites.guests;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommufdsim.backend.arm.GuestSmmu;
import org.iommufdsim.backend.arm.SMMUv3Accel;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * The {@code smmu-accel} property: random programs against QEMU's SMMUv3 accelerated mode
 * (device plug with the vIOMMU allocation chain, guest STE writes and CFGI_STE, CR0 writes that
 * allocate the vEVENTQ, GBPA writes, forwarded invalidations, host events read into the guest
 * event queue, unplug with re-attach, fail-nth inside plug, STE install and unplug), checked after
 * every step against the kernel's own answers (reference §8).
 */
public final class SmmuAccelMachine implements StateMachine<SmmuWorld> {
  static final String KERNEL_VIEW = VtdPrqMachine.KERNEL_VIEW;
  static final String DESTROY = VtdPrqMachine.DESTROY;
  static final String FAULT_ID = VtdPrqMachine.FAULT_ID;
  static final String ONE_HWPT = VtdPrqMachine.ONE_HWPT;
  static final String BOOKKEEPING = VtdPrqMachine.BOOKKEEPING;
  static final String STE = "the device is on the hwpt its guest STE asks for";
  static final String INVALIDATION = "guest invalidations reach the host vIOMMU";
  static final String EVENTS = "host events reach the guest with their vSID";
  static final String LEAK = VtdPrqMachine.LEAK;
  static final String TEARDOWN = VtdPrqMachine.TEARDOWN;
  static final int ALL_ON = GuestSmmu.CR0_SMMUEN | GuestSmmu.CR0_EVENTQEN | GuestSmmu.CR0_CMDQEN;
  private static final Pattern INSTALL =
      Pattern.compile("^smmuv3_accel_install_ste vSID=0x([0-9a-f]+) ste type=(\\w+) hwpt_id=0x"
          + "([0-9a-f]+)$");

  private final Set<Finding> tolerated;
  private final String name;

  public SmmuAccelMachine() {
    this("smmu-accel", EnumSet.allOf(Finding.class));
  }

  public SmmuAccelMachine(String name, Set<Finding> tolerated) {
    this.name = name;
    this.tolerated = tolerated;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SmmuWorld init(long seed) {
    return new SmmuWorld(seed, tolerated);
  }

  @Override
  public String transcript(SmmuWorld w) {
    return ScnTranscript.render(name, w.host.config(), w.rec);
  }

  private static StateMachine.Action<SmmuWorld> act(String d, Function<SmmuWorld, String> body) {
    return act(d, body, (w, out) -> out);
  }

  private static StateMachine.Action<SmmuWorld> act(String d, Function<SmmuWorld, String> body,
      BiFunction<SmmuWorld, String, String> post) {
    return Acts.action(d, w -> {
      w.violations.clear();
      w.kernel.beginStep();
      w.stepLines = List.of();
      w.expectedReports.clear();
      w.viommuBefore = w.accel.viommu != null;
      Set<Integer> pinned = new TreeSet<>();
      if (w.accel.viommu != null) {
        pinned.add(w.accel.viommu.s2HwptId);
        Integer ioas = w.kernel.parent.get(w.accel.viommu.s2HwptId);
        if (ioas != null) {
          pinned.add(ioas);
        }
      }
      String out = body.apply(w);
      w.observe();
      String label = post.apply(w, out);
      if (!unsetFinding(w)) {
        pinnedFinding(w, pinned);
      }
      List<String> err = w.qemu.stderr().lines();
      SmmuReports.check(w, err.subList(w.stderrSeen, err.size()));
      int q = w.accel.veventq == null ? 0 : w.accel.veventq.veventqId;
      if (q != w.countedVeventq) {
        // a new (or no) vEVENTQ: what the old one held went with it
        int oldFd = w.countedVeventq == 0 ? -1 : w.countedVeventqFd;
        w.countedVeventq = q;
        w.countedVeventqFd = q == 0 ? -1 : w.accel.veventq.veventqFd;
        SmmuEvents.queueChanged(w, oldFd);
        w.guest.consumeEvents();
      }
      w.stderrSeen = w.qemu.stderr().lines().size();
      return label;
    });
  }

  /** Refused destroys right after unset's failed re-attach are backend finding 17. */
  private static boolean unsetFinding(SmmuWorld w) {
    List<String> err = w.qemu.stderr().lines();
    boolean reattachFailed = err.subList(w.stderrSeen, err.size()).stream()
        .anyMatch(l -> l.startsWith("Unable to attach the default HW pagetable"));
    if (reattachFailed && !w.kernel.refusedDestroys().isEmpty()) {
      w.violations.finding(Finding.UNSET_AFTER_FAILED_REATTACH, "unplug went on after the"
          + " re-attach to the S2 hwpt failed: " + w.kernel.refusedDestroys().getFirst().line());
      w.unsetFailed = true;
    }
    return reattachFailed;
  }

  /** Refused destroys of the vIOMMU's S2 HWPT (or its IOAS) by VFIO: the new finding 2. */
  private static void pinnedFinding(SmmuWorld w, Set<Integer> pinned) {
    for (KernelCall c : w.kernel.refusedDestroys()) {
      if (pinned.contains((int) c.in("id"))) {
        w.violations.finding(Finding.VIOMMU_PINS_FIRST_DEVICES_S2, "VFIO freed " + c.in("id")
            + ", which the vIOMMU still uses: " + c.line());
        w.pinnedIds.add((int) c.in("id"));
      }
    }
  }

  /** Refused destroys no tolerated finding explains. */
  static List<KernelCall> unexplainedRefusals(SmmuWorld w) {
    return w.kernel.refusedDestroys().stream()
        .filter(c -> !w.unsetFailed && !w.pinnedIds.contains((int) c.in("id"))).toList();
  }

  private static int device(Choices c) {
    return (int) c.below(2);
  }

  @Override
  public List<ActionType<SmmuWorld>> actions() {
    return List.of(
        Acts.type("plug", 3, w -> w.devices[0] == null || w.devices[1] == null, (w, c) -> {
          int i = freeDevice(w, c);
          return act("plug " + SmmuWorld.NAMES[i], x -> x.plug(i) ? "ok" : "failed",
              (x, out) -> afterPlug(x, i, out));
        }),
        Acts.type("guest-ste", 6, w -> true, (w, c) -> {
          // now and then the STE of a device that is not plugged (while the other may be)
          int i = c.below(5) == 4 ? 1 - usedDevice(w, c) : usedDevice(w, c);
          int kind = (int) c.below(6);
          long ctx = (1 + c.below(8)) << 12;
          long[] ste = ste(kind, ctx);
          return act("guest writes STE of " + SmmuWorld.NAMES[i] + " " + steName(kind)
              + " and issues CFGI_STE", x -> {
                x.guest.writeSte(SmmuWorld.DEVFNS[i], ste[0], ste[1]);
                x.steKind[i] = kind;
                x.steWords[i] = ste;
                return x.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE
                    | ((long) SmmuWorld.DEVFNS[i] << 32), 0).name();
              }, (x, out) -> Ste.check(x, i, kind, ste, out));
        }),
        Acts.type("guest-ste-range", 2, w -> true, (w, c) -> {
          int base = switch ((int) c.below(3)) {
            case 0 -> SmmuWorld.DEVFNS[0];
            case 1 -> SmmuWorld.DEVFNS[1];
            default -> 0x40;
          };
          int range = (int) c.below(6);
          return act("guest issues CFGI_STE_RANGE sid 0x" + Integer.toHexString(base) + " range "
              + range, x -> x.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE_RANGE
                  | ((long) base << 32), range).name(),
              (x, out) -> SteRange.check(x, base, range, out));
        }),
        Acts.type("guest-config", 2, w -> w.devices[0] == null && w.devices[1] == null,
            (w, c) -> {
              // QEMU's defaults half the time, so that most programs still plug their devices
              int v = c.below(2) == 0 ? 0 : 1 + (int) c.below(SmmuCompat.VARIANTS.length - 1);
              SmmuCompat.Variant var = SmmuCompat.VARIANTS[v];
              return act("the vSMMU is configured with " + var.name(), x -> {
                int[] idr = x.defaultIdr.clone();
                var.fields().forEach((f, val) -> f.set(idr, val));
                System.arraycopy(idr, 0, x.guest.idr, 0, 6);
                System.arraycopy(idr, 0, x.guestIdr, 0, 6);
                return "ok";
              });
            }),
        Acts.type("probe-plug", 1, w -> true, (w, c) -> {
          int k = (int) c.below(SmmuWorld.PROBES.length);
          int slot = (int) c.below(3);
          int devfn = slot < 2 ? SmmuWorld.DEVFNS[slot] : SmmuWorld.PROBE_DEVFN;
          return act("plug and unplug " + SmmuWorld.PROBES[k] + " at devfn 0x"
              + Integer.toHexString(devfn), x -> {
                x.probeOccupied = slot < 2 && x.devices[slot] != null;
                return x.probe(k, devfn) ? "ok" : "failed";
              }, (x, out) -> {
                SmmuPlugs.afterProbe(x, k, devfn, out);
                return out;
              });
        }),
        Acts.type("guest-cr0", 2, w -> true, (w, c) -> {
          int v = switch ((int) c.below(4)) {
            case 0 -> ALL_ON;
            case 1 -> 0;
            case 2 -> GuestSmmu.CR0_SMMUEN | GuestSmmu.CR0_CMDQEN;
            default -> GuestSmmu.CR0_EVENTQEN;
          };
          int log2 = c.below(3) == 2 ? 1 : 4;
          return act("guest writes CR0 0x" + Integer.toHexString(v) + " (event queue of "
              + (1 << log2) + ")", x -> {
            x.guest.eventqLog2size = log2;
            x.guestLog2size = log2;
            boolean want = x.accel.viommu != null && x.accel.veventq == null
                && (v & GuestSmmu.CR0_EVENTQEN) != 0;
            x.guest.writeCr0(v);
            return want ? "veventq" : "ok";
          }, SmmuAccelMachine::afterCr0);
        }),
        Acts.type("guest-gbpa", 1, w -> true, (w, c) -> {
          boolean abort = c.below(2) == 1;
          return act("guest writes GBPA " + (abort ? "abort" : "bypass"), x -> {
            x.guest.writeGbpa(GuestSmmu.GBPA_RESET_VAL | (abort ? GuestSmmu.GBPA_ABORT : 0));
            return "ok";
          }, (x, out) -> afterGbpa(x, abort, out));
        }),
        Acts.type("guest-invalidation", 3, w -> true, (w, c) -> {
          int[] ops = {GuestSmmu.CMD_TLBI_NH_ALL, GuestSmmu.CMD_TLBI_NH_ASID,
              GuestSmmu.CMD_TLBI_NH_VA, GuestSmmu.CMD_TLBI_NSNH_ALL, GuestSmmu.CMD_CFGI_CD,
              GuestSmmu.CMD_ATC_INV};
          int op = ops[(int) c.below(ops.length)];
          int sid = c.below(5) == 4 ? 0x77 : SmmuWorld.DEVFNS[device(c)];
          long addr = c.below(16) << 12;
          boolean sidBased = op == GuestSmmu.CMD_CFGI_CD || op == GuestSmmu.CMD_ATC_INV;
          long cmd0 = op | (sidBased ? (long) sid << 32 : 0);
          long cmd1 = op == GuestSmmu.CMD_TLBI_NH_VA ? addr : 0;
          return act("guest command 0x" + Integer.toHexString(op) + (sidBased ? " sid 0x"
              + Integer.toHexString(sid) : ""), x -> x.guest.cmdqConsume(cmd0, cmd1).name(),
              (x, out) -> afterInvalidation(x, sidBased ? sid : -1, cmd0, cmd1, out));
        }),
        Acts.type("host-event", 3, w -> true, (w, c) -> {
          int i = device(c);
          long iova = c.below(16) << 12;
          int t = (int) c.below(SmmuEvents.TYPES.length);
          int type = SmmuEvents.TYPES[t];
          int n = c.below(4) == 3 ? 20 : 1;
          return act("the host SMMU reports event 0x" + Integer.toHexString(type) + " of "
              + SmmuWorld.NAMES[i] + " at 0x" + Long.toHexString(iova) + (n > 1 ? " (" + n
              + " pages)" : ""), x -> {
                String r = null;
                for (int k = 0; k < n; k++) {
                  long a = iova + ((long) k << 12);
                  r = x.reportEvent(i, new long[] {type, 1L << 35, a, 0});
                  if ("queued".equals(r)) {
                    r = SmmuEvents.raised(x, new long[] {type
                        | ((long) SmmuWorld.DEVFNS[i] << 32), 1L << 35, a, 0}, SmmuEvents.NAMES[t]);
                  }
                }
                return r;
              });
        }),
        Acts.type("main-loop", 3, w -> true, (w, c) -> act("main loop, then the guest takes its"
            + " events", x -> Integer.toString(x.mainLoop.mainLoopWait()),
            (x, out) -> SmmuEvents.afterMainLoop(x, Integer.parseInt(out)))),
        Acts.type("guest-reset", 1, w -> true, (w, c) -> act("guest SMMU reset", x -> {
          x.guest.reset();
          return "ok";
        }, (x, out) -> afterGbpa(x, false, out))),
        Acts.type("unplug", 2, w -> w.devices[0] != null || w.devices[1] != null, (w, c) -> {
          int i = usedDevice(w, c);
          return act("unplug " + SmmuWorld.NAMES[i], x -> {
            x.unplug(i);
            return "ok";
          }, (x, out) -> afterUnplug(x, i, out));
        }),
        Acts.type("fail-nth-flow", 2, w -> true, (w, c) -> {
          int flow = (int) c.below(4);
          int i = device(c);
          // a first plug takes some 40 fail-nth points: its last ones (the vIOMMU chain) need a
          // larger n
          boolean firstPlug = flow == 0 && w.devices[i] == null && w.accel.viommu == null;
          int n0 = 1 + (int) c.below(12)
              + (firstPlug ? 8 * (int) c.below(6) : 0);
          // now and then one of the vIOMMU chain's last calls
          int n = firstPlug && w.plugPoints > 8 && c.below(3) > 0
              ? w.plugPoints - (int) c.below(8) : n0;
          long ctx = (1 + c.below(8)) << 12;
          return act("fail-nth " + n + " in " + switch (flow) {
            case 0 -> "plug/unplug of " + SmmuWorld.NAMES[i];
            case 1 -> "S1 STE install of " + SmmuWorld.NAMES[i];
            case 2 -> "CR0 enable";
            case 3 -> "GBPA write " + (i == 1 ? "abort" : "bypass");
            default -> "CR0 enable";
          }, x -> {
            x.kernelDevids[0] = -1;
            x.kernelDevids[1] = -1;
            return FailNth.run(x, n, flow, i, ctx);
          });
        }));
  }

  private static int freeDevice(SmmuWorld w, Choices c) {
    int i = device(c);
    return w.devices[i] == null ? i : 1 - i;
  }

  private static int usedDevice(SmmuWorld w, Choices c) {
    int i = device(c);
    return w.devices[i] != null ? i : 1 - i;
  }

  static long[] ste(int kind, long ctx) {
    return switch (kind) {
      case 0 -> new long[] {1 | (5L << 1) | ctx, 0};
      case 1 -> new long[] {1 | (4L << 1), 0};
      case 2 -> new long[] {1, 0};
      case 3 -> new long[] {0, 0};
      case 4 -> new long[] {1 | (5L << 1) | ctx, 1L << 28};
      default -> new long[] {1 | (6L << 1), 0};
    };
  }

  static String steName(int kind) {
    return switch (kind) {
      case 0 -> "S1-translate";
      case 1 -> "bypass";
      case 2 -> "abort (Config 0)";
      case 3 -> "invalid (V=0)";
      case 4 -> "S1-translate with EATS";
      default -> "stage-2 (Config 6)";
    };
  }

  private static String afterPlug(SmmuWorld w, int i, String out) {
    SmmuPlugs.afterPlug(w, i, out);
    if (w.devices[i] == null) {
      return out;
    }
    int want = (w.guest.gbpa & GuestSmmu.GBPA_ABORT) != 0 ? w.accel.abortHwptId
        : w.accel.bypassHwptId;
    Integer on = w.attached(i);
    if (w.devices[0] != null && w.devices[1] != null) {
      return out; // the second device stays on its S2 until the guest installs an STE
    }
    if (on == null || on != want) {
      w.violations.add(STE, "the first plugged device is on " + on + ", not the GBPA hwpt "
          + want);
    }
    return out;
  }

  private static String afterCr0(SmmuWorld w, String out) {
    long allocs = w.kernel.stepCalls.stream().filter(c -> c.isIoctl("IOMMU_VEVENTQ_ALLOC"))
        .count();
    if (allocs != ("veventq".equals(out) ? 1 : 0)) {
      w.violations.add(BOOKKEEPING, "CR0 write (" + out + ") made " + allocs
          + " IOMMU_VEVENTQ_ALLOC calls");
    }
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_VEVENTQ_ALLOC") && (w.accel.viommu == null
          || c.in("viommu_id") != w.accel.viommu.viommuId
          || c.in("veventq_depth") != 1L << w.guest.eventqLog2size)) {
        w.violations.add(BOOKKEEPING, "vEVENTQ allocated as " + c.line());
      }
    }
    return out;
  }

  private static String afterGbpa(SmmuWorld w, boolean abort, String out) {
    if (w.accel.viommu == null) {
      return out;
    }
    int want = abort ? w.accel.abortHwptId : w.accel.bypassHwptId;
    for (int i = 0; i < 2; i++) {
      Integer on = w.attached(i);
      if (w.devices[i] != null && w.accel.device(SmmuWorld.DEVFNS[i]).sAccel != null
          && (on == null || on != want)) {
        w.violations.add(STE, SmmuWorld.NAMES[i] + " is on " + on + " after a GBPA write, not "
            + want);
      }
    }
    return out;
  }

  private static String afterInvalidation(SmmuWorld w, int sid, long cmd0, long cmd1,
      String out) {
    boolean hasVdev = false;
    for (int i = 0; i < 2; i++) {
      SMMUv3Accel.SMMUv3AccelDevice d = w.accel.device(SmmuWorld.DEVFNS[i]);
      if (SmmuWorld.DEVFNS[i] == sid && d != null && d.vdev != null) {
        hasVdev = true;
      }
    }
    boolean want = w.accel.viommu != null && (sid < 0 || hasVdev);
    List<KernelCall> inv = w.kernel.stepCalls.stream()
        .filter(c -> c.isIoctl("IOMMU_HWPT_INVALIDATE")).toList();
    if (sid >= 0 && w.accel.device(sid) == null && w.accel.viommu != null) {
      // No device has this StreamID. GuestSmmu (whose smmuv3.c side was not read) forwards the
      // command as if it were not SID-based, and the host refuses the unknown vSID; QEMU may
      // skip it instead. Either is accepted here; the answer must still be the host's.
      want = !inv.isEmpty();
    }
    if (inv.size() != (want ? 1 : 0)) {
      w.violations.add(INVALIDATION, inv.size() + " host invalidations for one guest command"
          + " (expected " + (want ? 1 : 0) + ")");
      return out;
    }
    if (want) {
      KernelCall c = inv.getFirst();
      byte[] d = w.kernel.callData.get(c);
      if (d == null || d.length != 16 || PayloadTap.u64(d, 0) != cmd0
          || PayloadTap.u64(d, 8) != cmd1) {
        w.violations.add(INVALIDATION, "guest command " + Long.toHexString(cmd0) + ":"
            + Long.toHexString(cmd1) + " forwarded with other words");
      }
      if (c.in("hwpt_id") != w.accel.viommu.viommuId || c.in("data_type")
          != IommufdUapi.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 || c.in("entry_len") != 16) {
        w.violations.add(INVALIDATION, "forwarded as " + c.line());
      }
      if (c.ok() != "NONE".equals(out)) {
        w.violations.add(INVALIDATION, "the host answered " + c.line() + ", the guest saw "
            + out);
      }
    } else if (!"NONE".equals(out)) {
      w.violations.add(INVALIDATION, "nothing forwarded, but the guest saw " + out);
    }
    return out;
  }

  private static String afterUnplug(SmmuWorld w, int i, String out) {
    SmmuPlugs.afterUnplug(w, i);
    if (w.devices[0] == null && w.devices[1] == null && !w.unsetFailed) {
      for (var e : w.kernel.objects.entrySet()) {
        if (!"IOAS".equals(e.getValue()) && !"HWPT_PAGING".equals(e.getValue())
            && !"DEVICE".equals(e.getValue())) {
          w.violations.add(BOOKKEEPING, "after the last unplug the kernel still holds "
              + e.getValue() + " " + e.getKey());
          break;
        }
      }
    }
    return out;
  }

  @Override
  public List<Invariant<SmmuWorld>> invariants() {
    return List.of(
        new Invariant<>(KERNEL_VIEW, w -> {
          List<String> inv = w.host.checkInvariants();
          return !inv.isEmpty() ? "kernel invariants: " + inv : w.kernel.disagreement(w.host);
        }),
        new Invariant<>(DESTROY, w -> unexplainedRefusals(w).isEmpty()
            ? w.violations.first(DESTROY)
            : "refused: " + unexplainedRefusals(w).getFirst().line()),
        new Invariant<>(FAULT_ID, w -> !w.kernel.faultIdMismatches().isEmpty()
            ? "sent: " + w.kernel.faultIdMismatches().getFirst().line()
            : w.violations.first(FAULT_ID)),
        new Invariant<>(ONE_HWPT, w -> {
          for (var e : w.kernel.attach.entrySet()) {
            String kind = w.kernel.objects.get(e.getValue());
            if (kind == null || !kind.startsWith("HWPT")) {
              return "attachment " + e.getKey() + " -> " + e.getValue() + " is no live hwpt";
            }
          }
          return null;
        }),
        new Invariant<>(BOOKKEEPING, w -> {
          String p = w.unsetFailed ? null : SmmuBookkeeping.check(w);
          return p != null ? p : w.violations.first(BOOKKEEPING);
        }),
        new Invariant<>(STE, w -> w.violations.first(STE)),
        new Invariant<>(INVALIDATION, w -> w.violations.first(INVALIDATION)),
        new Invariant<>(EVENTS, w -> w.violations.first(EVENTS)),
        new Invariant<>(SmmuPlugs.LABEL, w -> w.violations.first(SmmuPlugs.LABEL)),
        new Invariant<>(TraceCheck.LABEL, w -> w.violations.first(TraceCheck.LABEL)),
        new Invariant<>(LEAK, w -> w.violations.first(LEAK)),
        new Invariant<>(SmmuReports.LABEL, w -> w.violations.first(SmmuReports.LABEL)));
  }

  @Override
  public List<Invariant<SmmuWorld>> finalChecks() {
    return List.of(new Invariant<>(TEARDOWN, w -> {
      Set<Integer> pinned = new TreeSet<>();
      if (w.accel.viommu != null) {
        pinned.add(w.accel.viommu.s2HwptId);
        Integer ioas = w.kernel.parent.get(w.accel.viommu.s2HwptId);
        if (ioas != null) {
          pinned.add(ioas);
        }
      }
      for (int i = 1; i >= 0; i--) {
        if (w.devices[i] != null) {
          int seen = w.qemu.stderr().lines().size();
          w.unplug(i);
          w.observe();
          if (w.qemu.stderr().lines().subList(seen, w.qemu.stderr().lines().size()).stream()
              .anyMatch(l -> l.startsWith("Unable to attach the default HW pagetable"))) {
            w.unsetFailed = true;
          } else {
            pinnedFinding(w, pinned);
          }
        }
      }
      w.violations.clear();
      w.kernel.beginStep();
      w.observe();
      if (!unexplainedRefusals(w).isEmpty()) {
        return "refused at teardown: " + unexplainedRefusals(w).getFirst().line();
      }
      String now = VtdPrqMachine.objectsAndFds(w.host.stateDump());
      String then = VtdPrqMachine.objectsAndFds(w.initialDump);
      return now.equals(then) || w.unsetFailed || !w.pinnedIds.isEmpty() ? null : "kernel after teardown\n" + now + "differs from the start\n"
          + then;
    }));
  }

  /** The vSID and type an install_ste trace line of this step reported, or null. */
  static String[] installLine(SmmuWorld w, List<String> lines) {
    for (String l : lines) {
      Matcher m = INSTALL.matcher(l);
      if (m.matches()) {
        return new String[] {m.group(1), m.group(2), m.group(3)};
      }
    }
    return null;
  }

  static Set<Integer> live(SmmuWorld w, String kind) {
    Set<Integer> out = new TreeSet<>();
    w.kernel.objects.forEach((id, k) -> {
      if (k.equals(kind)) {
        out.add(id);
      }
    });
    return out;
  }
}
