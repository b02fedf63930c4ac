package org.iommufdsim.properties.suites.guests;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_EXEC;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_PRIV;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_READ;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_WRITE;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.iommufdsim.backend.intel.GuestVtd;
import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.IommufdTestUapi;

/**
 * The {@code vtd-prq} property: random guest programs against QEMU's VT-d accelerated mode with
 * PRQ (PASID table changes and PASID-cache syncs, which attach, replace and detach through the
 * port; page requests raised by the device; the main loop reading the fault fd; guest
 * page-group responses; PIOTLB invalidations; fail-nth inside a sync; teardown), checked after
 * every step against the kernel's own answers (reference §8).
 */
public final class VtdPrqMachine implements StateMachine<VtdWorld> {
  static final String KERNEL_VIEW = "the kernel model agrees with the kernel";
  static final String DESTROY = "no refused IOMMU_DESTROY in a cleanup path";
  static final String FAULT_ID = "FAULT_ID_VALID iff fault_id != 0";
  static final String ONE_HWPT = "a device attached to at most one live hwpt per PASID";
  static final String BOOKKEEPING = "port bookkeeping agrees with the kernel";
  static final String DELIVERY = "page requests reach the guest exactly once";
  static final String ANSWER = "guest answer reaches its own group";
  static final String LEAK = "no leaked object after a failed flow";
  static final String TEARDOWN = "teardown leaves the kernel as it started";
  static final String HOST_CAPS = "the host IOMMU device reports the kernel's capabilities";
  static final int PASIDS = 3;

  private final Set<Finding> tolerated;
  private final String name;
  /** Whether fail-nth may hit the main loop's fault fd reads (not in the strict variants). */
  private final boolean loopFaults;

  /** The property as the suite runs it: every known finding tolerated. */
  public VtdPrqMachine() {
    this("vtd-prq", EnumSet.allOf(Finding.class), true);
  }

  /** A variant: {@code tolerated} are the findings it does not report. */
  public VtdPrqMachine(String name, Set<Finding> tolerated) {
    this(name, tolerated, false);
  }

  private VtdPrqMachine(String name, Set<Finding> tolerated, boolean loopFaults) {
    this.name = name;
    this.tolerated = tolerated;
    this.loopFaults = loopFaults;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public VtdWorld init(long seed) {
    return new VtdWorld(tolerated);
  }

  @Override
  public String transcript(VtdWorld w) {
    return ScnTranscript.render(name, w.host.config(), w.rec);
  }

  /** An action that clears last step's problems, runs, then lets the world observe. */
  private static StateMachine.Action<VtdWorld> act(String d, Function<VtdWorld, String> body) {
    return act(d, body, (w, out) -> out);
  }

  /** Same, with {@code post} run after the world observed the step (it may relabel it). */
  private static StateMachine.Action<VtdWorld> act(String d, Function<VtdWorld, String> body,
      BiFunction<VtdWorld, String, String> post) {
    return Acts.action(d, w -> {
      w.violations.clear();
      w.kernel.beginStep();
      w.stepIndex++;
      int before = w.guest.pageRequests().size();
      String out = body.apply(w);
      w.observe();
      w.piotlbModel.track(w);
      Deliveries.check(w, before);
      String label = post.apply(w, out);
      List<String> err = w.qemu.stderr().lines();
      w.detachFailed = err.subList(w.stderrSeen, err.size()).stream()
          .anyMatch(l -> l.startsWith("Detaching from HWPT failed: "));
      VtdReports.check(w, err.subList(w.stderrSeen, err.size()));
      VtdData.check(w);
      VtdFds.check(w);
      w.stderrSeen = err.size();
      return label;
    });
  }

  /** A PASID, 0 (RID_PASID) half of the time. */
  private static int pasid(Choices c) {
    return (int) Math.max(0, c.below(PASIDS + 1) - 1);
  }

  private static GuestVtd.PasidEntry entry(Choices c) {
    int kind = (int) c.below(8);
    int did = 1 + (int) c.below(2);
    long fspt = (1 + c.below(4)) << 12;
    boolean sre = c.below(2) == 1;
    int pgtt = switch (kind) {
      case 0, 1, 2, 3 -> GuestVtd.VTD_SM_PASID_ENTRY_FST;
      case 4, 5 -> GuestVtd.VTD_SM_PASID_ENTRY_PT;
      case 6 -> GuestVtd.VTD_SM_PASID_ENTRY_NESTED;
      default -> GuestVtd.VTD_SM_PASID_ENTRY_SST;
    };
    return new GuestVtd.PasidEntry(pgtt, did, pgtt == GuestVtd.VTD_SM_PASID_ENTRY_PT ? 0 : fspt,
        48, sre, false, false);
  }

  @Override
  public List<ActionType<VtdWorld>> actions() {
    return List.of(
        Acts.type("set-pasid-entry", 4, w -> true, (w, c) -> {
          int pasid = pasid(c);
          GuestVtd.PasidEntry e = entry(c);
          return act("guest sets PASID " + pasid + " to " + e, x -> {
            x.guest.setPasidEntry(pasid, e);
            return "ok";
          });
        }),
        Acts.type("guest-updates-pasid", 4, w -> true, (w, c) -> {
          int pasid = pasid(c);
          GuestVtd.PasidEntry e = entry(c);
          return act("guest sets PASID " + pasid + " to " + e + " and syncs it (PASID-selective)",
              x -> {
                x.guest.setPasidEntry(pasid, e);
                x.accel.vtdAccelPasidCacheSync(PasidCacheInvType.PASID_SI, e.did(), pasid);
                return outcome(x);
              }, (x, out) -> realized(x, PasidCacheInvType.PASID_SI, e.did(), pasid, out));
        }),
        Acts.type("clear-pasid-entry", 2, w -> !w.guest.pasidTable().isEmpty(), (w, c) -> {
          List<Integer> ps = new ArrayList<>(w.guest.pasidTable().keySet());
          int pasid = ps.get((int) c.below(ps.size()));
          return act("guest clears PASID " + pasid, x -> {
            x.guest.clearPasidEntry(pasid);
            return "ok";
          });
        }),
        Acts.type("pasid-cache-sync", 5, w -> true, (w, c) -> {
          PasidCacheInvType t = PasidCacheInvType.values()[(int) (2 - c.below(3))];
          int did = 1 + (int) c.below(2);
          int pasid = (int) c.below(PASIDS);
          return act("PASID cache sync " + t + " did " + did + " pasid " + pasid, x -> {
            x.accel.vtdAccelPasidCacheSync(t, did, pasid);
            return outcome(x);
          }, (x, out) -> realized(x, t, did, pasid, out));
        }),
        Acts.type("guest-switches", 1, w -> true, (w, c) -> {
          boolean svm = c.below(4) != 0;
          boolean pre = c.below(4) != 0;
          boolean dmar = c.below(4) != 0;
          boolean scalable = c.below(4) != 0;
          int pasidBits = c.below(6) == 5 ? 0 : 20;
          return act("guest sets svm=" + svm + " context PRE=" + pre + " DMAR=" + dmar
              + " scalable root=" + scalable + " PASID bits=" + pasidBits, x -> {
                x.guest.svm = svm;
                x.guest.contextPre = pre;
                x.guest.dmarEnabled = dmar;
                x.guest.rootScalable = scalable;
                x.guest.pasidBits = pasidBits;
                return "ok";
              });
        }),
        Acts.type("device-page-request", 4, w -> true, (w, c) -> {
          int pasid = pasid(c);
          int grpid = (int) c.below(4);
          int perm = 1 + (int) c.below(15);
          long addr = c.below(16) << 12;
          boolean dispatch = c.below(3) == 0;
          return act("device raises page request pasid " + pasid + " grpid " + grpid
              + " perm " + perm + " addr 0x" + Long.toHexString(addr)
              + (dispatch ? ", then the main loop runs" : ""), x -> {
                String r = triggerIopf(x, pasid, grpid, perm, addr);
                if (dispatch) {
                  dispatch(x);
                }
                return r;
              }, dispatch ? Deliveries::drained : (x, out) -> out);
        }),
        Acts.type("main-loop", 4, w -> true, (w, c) -> act("main loop dispatch",
            x -> dispatch(x) == 0 ? "idle" : "read", Deliveries::drained)),
        Acts.type("guest-page-response", 4, w -> !w.guest.pageRequests().isEmpty(), (w, c) -> {
          int n = w.guest.pageRequests().size();
          int idx = (int) (n - 1 - c.below(n));
          int code = switch ((int) c.below(3)) {
            case 0 -> GuestVtd.VTD_PRS_SUCCESS;
            case 1 -> GuestVtd.VTD_PRS_INVALID;
            default -> GuestVtd.VTD_PRS_FAILURE;
          };
          Answers a = new Answers(idx, code);
          // (the answer's return value is checked in Answers.check)
          return act("guest answers page request #" + idx + " with code " + code, a::run,
              a::check);
        }),
        Acts.type("piotlb-invalidate", 2, w -> true, (w, c) -> {
          int did = 1 + (int) c.below(2);
          int pasid = (int) c.below(PASIDS);
          long addr = c.below(16) << 12;
          long npages = 1 + c.below(4);
          boolean ih = c.below(2) == 1;
          return act("PIOTLB invalidation did " + did + " pasid " + pasid + " addr 0x"
              + Long.toHexString(addr) + " npages " + npages + " ih " + ih,
              x -> {
                x.accel.vtdFlushHostPiotlbAllLocked(did, pasid, addr, npages, ih);
                return "ok";
              }, (x, out) -> {
                VtdData.piotlb(x, addr, npages, ih);
                return piotlb(x, did, pasid);
              });
        }),
        Acts.type("fail-nth-sync", 2, w -> true, (w, c) -> {
          int pasid = (int) c.below(PASIDS);
          boolean pt = c.below(4) == 0;
          int did = 1 + (int) c.below(2);
          long fspt = (5 + c.below(4)) << 12;
          int n = 1 + (int) c.below(10);
          GuestVtd.PasidEntry e = pt ? GuestVtd.PasidEntry.pt(did)
              : GuestVtd.PasidEntry.fst(did, fspt);
          return act("fail-nth " + n + ": guest sets PASID " + pasid + " to " + e
              + ", PASID-selective sync", x -> failNthSync(x, pasid, e, n));
        }),
        Acts.type("pasid-cache-reset", 1, w -> true, (w, c) -> act("PASID cache reset", x -> {
          x.accel.vtdAccelPasidCacheReset();
          return "ok";
        })),
        // last, and off in the strict variants, so that their pinned programs stay the same
        Acts.type("fail-nth-main-loop", 4,
            w -> loopFaults && w.kernel.faults.values().stream().anyMatch(q -> !q.deliver.isEmpty()), (w, c) -> {
          int n = 1 + (int) c.below(2);
          return act("fail-nth " + n + ": main loop dispatch", x -> {
            x.tap.failNth(n);
            dispatch(x);
            long remaining = x.tap.failNthRemaining();
            x.tap.failNth(0);
            return remaining == 0 ? "fired" : "not fired";
          });
        }));
  }

  /** After a sync: the kernel holds what the guest's selected entries ask for. */
  private static String realized(VtdWorld w, PasidCacheInvType t, int did, int pasid,
      String out) {
    String p = w.piotlbModel.syncRealized(w, t, did, pasid);
    if (p != null) {
      w.violations.add(BOOKKEEPING, p);
    }
    return out;
  }

  /** One main-loop pass; the handlers it says it ran must be the fault fd reads it made. */
  private static int dispatch(VtdWorld w) {
    int from = w.rec.calls().size();
    int ran = w.accel.mainLoopDispatch();
    int reads = VtdFds.reads(w, from);
    if (ran != reads) {
      w.violations.add(VtdFds.LABEL, "the main loop says it ran " + ran
          + " read handlers, the process read " + reads + " times");
    }
    return ran;
  }

  /** "ok", or the kind of QEMU's first error report of the step (no IDs). */
  static String outcome(VtdWorld w) {
    List<String> err = w.qemu.stderr().lines();
    if (err.size() <= w.stderrSeen) {
      return "ok";
    }
    String l = err.get(w.stderrSeen);
    return "reported " + l.replaceAll("[0-9]+", "N").replaceFirst("^(.{0,90}).*$", "$1");
  }

  private static String triggerIopf(VtdWorld w, int pasid, int grpid, int perm, long addr) {
    for (int f : w.kernel.faults.keySet()) {
      for (KernelModel.Group g : w.kernel.groups(f)) {
        if (g.pasid() == pasid && g.grpid() == grpid) {
          return "group still outstanding"; // a device does not reuse a PRGI it awaits
        }
      }
    }
    try (Frame f = w.qemu.libc().frame()) {
      UStruct cmd = f.local(IommufdTestUapi.iommu_test_cmd);
      cmd.set("size", cmd.size());
      cmd.set("op", IommufdTestUapi.IOMMU_TEST_OP_TRIGGER_IOPF);
      cmd.set("trigger_iopf.dev_id", w.vdev.devid);
      cmd.set("trigger_iopf.pasid", pasid);
      cmd.set("trigger_iopf.grpid", grpid);
      cmd.set("trigger_iopf.perm", perm);
      cmd.set("trigger_iopf.addr", addr);
      SysResult r = w.tap.ioctl(w.be.fd(), IommufdTestUapi.IOMMU_TEST_CMD.request(), cmd.addr());
      return r.isOk() ? "raised" : r.errno().name();
    }
  }

  private static String piotlb(VtdWorld w, int did, int pasid) {
    Integer hwpt = w.kernel.attach.get(w.attachKey(pasid));
    int calls = 0;
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_HWPT_INVALIDATE")) {
        calls++;
        if (c.in("hwpt_id") == 0 && !c.ok()) {
          w.violations.finding(Finding.FAILED_ATTACH_STAYS_CACHED, "PIOTLB invalidation of pasid "
              + pasid + ", cached after its attach failed, sent to hwpt 0: " + c.line());
        } else if (hwpt == null && c.ok() && w.kernel.undone.contains(w.attachKey(pasid))) {
          w.violations.finding(Finding.ATTACH_UNDONE_LEAVES_DETACHED, "PIOTLB invalidation of pasid "
              + pasid + " sent to hwpt " + c.in("hwpt_id") + ", which QEMU still caches while"
              + " the kernel has the PASID detached (a failed replace): " + c.line());
        } else if (hwpt == null || c.in("hwpt_id") != hwpt || !c.ok()) {
          w.violations.add(BOOKKEEPING, "PIOTLB invalidation of pasid " + pasid
              + " went to " + c.line() + " while the kernel has pasid " + pasid + " on "
              + hwpt);
        }
      }
    }
    if (calls > 1) {
      w.violations.add(BOOKKEEPING, calls + " invalidations for one PIOTLB descriptor");
    }
    Integer want = w.piotlbModel.expected(w, did, pasid);
    if (want != null && calls == 0) {
      w.violations.add(BOOKKEEPING, "PIOTLB invalidation did " + did + " pasid " + pasid
          + " not forwarded, while the kernel has pasid " + pasid + " on first-stage hwpt "
          + want + " made from the guest's FST entry with did " + did);
    }
    return calls == 0 ? "none" : "forwarded";
  }

  private static String failNthSync(VtdWorld w, int pasid, GuestVtd.PasidEntry e, int n) {
    String before = w.host.stateDump();
    GuestVtd.PasidEntry old = w.guest.pasidTable().get(pasid);
    w.guest.setPasidEntry(pasid, e);
    w.tap.failNth(n);
    w.accel.vtdAccelPasidCacheSync(PasidCacheInvType.PASID_SI, e.did(), pasid);
    long remaining = w.tap.failNthRemaining();
    w.tap.failNth(0);
    if (remaining != 0) {
      return "not fired";
    }
    String after = objectsAndFds(w.host.stateDump());
    if (!after.equals(objectsAndFds(before))) {
      w.violations.add(LEAK, "fail-nth " + n + " in a sync of pasid " + pasid + " (was " + old
          + "): object table before\n" + before + "after\n" + after);
    }
    return "fired";
  }

  @Override
  public List<Invariant<VtdWorld>> invariants() {
    return List.of(
        new Invariant<>(KERNEL_VIEW, w -> {
          List<String> inv = w.host.checkInvariants();
          return !inv.isEmpty() ? "kernel invariants: " + inv : w.kernel.disagreement(w.host);
        }),
        new Invariant<>(DESTROY, w -> w.kernel.refusedDestroys().isEmpty() ? null
            : "refused: " + w.kernel.refusedDestroys().getFirst().line()),
        new Invariant<>(FAULT_ID, w -> !w.kernel.faultIdMismatches().isEmpty()
            ? "sent: " + w.kernel.faultIdMismatches().getFirst().line()
            : w.violations.first(FAULT_ID)),
        new Invariant<>(ONE_HWPT, VtdPrqMachine::attachmentsLive),
        new Invariant<>(BOOKKEEPING, w -> {
          String p = Bookkeeping.check(w);
          return p != null ? p : w.violations.first(BOOKKEEPING);
        }),
        new Invariant<>(DELIVERY, w -> w.violations.first(DELIVERY)),
        new Invariant<>(ANSWER, w -> w.violations.first(ANSWER)),
        new Invariant<>(TraceCheck.LABEL, w -> w.violations.first(TraceCheck.LABEL)),
        new Invariant<>(LEAK, w -> w.violations.first(LEAK)),
        new Invariant<>(VtdReports.LABEL, w -> w.violations.first(VtdReports.LABEL)),
        new Invariant<>(VtdData.LABEL, w -> w.violations.first(VtdData.LABEL)),
        new Invariant<>(VtdFds.LABEL, w -> w.violations.first(VtdFds.LABEL)));
  }

  private static String attachmentsLive(VtdWorld w) {
    for (var e : w.kernel.attach.entrySet()) {
      String kind = w.kernel.objects.get(e.getValue());
      if (kind == null || !kind.startsWith("HWPT")) {
        return "attachment " + e.getKey() + " -> " + e.getValue() + " is no live hwpt";
      }
    }
    return null;
  }

  @Override
  public List<Invariant<VtdWorld>> finalChecks() {
    return List.of(new Invariant<>(HOST_CAPS, VtdPrqMachine::hostCaps),
        new Invariant<>(TEARDOWN, w -> {
      for (int p : new TreeSet<>(w.guest.pasidTable().keySet())) {
        w.guest.clearPasidEntry(p);
      }
      int seen = w.qemu.stderr().lines().size();
      w.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
      w.violations.clear();
      w.kernel.beginStep();
      w.observe();
      w.detachFailed = w.qemu.stderr().lines().subList(seen, w.qemu.stderr().lines().size())
          .stream().anyMatch(l -> l.startsWith("Detaching from HWPT failed: "));
      String r = w.kernel.refusedDestroys().isEmpty() ? null
          : "refused at teardown: " + w.kernel.refusedDestroys().getFirst().line();
      if (r == null) {
        r = Bookkeeping.check(w);
      }
      if (r == null && !w.vtdHiod.pasidCacheList.isEmpty() && w.forgotten.isEmpty()) {
        r = "entries still cached after every PASID was removed: "
            + w.vtdHiod.pasidCacheList.size();
      }
      String now = objectsAndFds(w.host.stateDump());
      String then = objectsAndFds(w.initialDump);
      if (r == null && !now.equals(then) && w.forgotten.isEmpty()) {
        r = "kernel after teardown\n" + now + "differs from the start\n" + then;
      }
      return r;
    }));
  }

  /**
   * What VT-d's {@code vtd_check_hiod} asks the realized host IOMMU device: its IOMMU type and
   * PASID capabilities are the kernel's GET_HW_INFO answer to the realize (the device's 20
   * PASID bits, the PASID exec/priv capability bits).
   */
  private static String hostCaps(VtdWorld w) {
    KernelCall k = w.hwInfo;
    if (k == null || !k.ok()) {
      return "no successful IOMMU_GET_HW_INFO in the realize: " + k;
    }
    var hiod = w.vtdHiod.hiod;
    int type = hiod.getCap(org.iommufdsim.backend.HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE,
        org.iommufdsim.backend.qemu.Errp.abort());
    if (type != (int) k.out("out_data_type")) {
      return "IOMMU_TYPE " + type + ", the kernel answered " + k.line();
    }
    var info = new org.iommufdsim.backend.HostIOMMUDevicePasidInfo();
    long caps = k.out("out_capabilities");
    boolean exec = (caps & org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_CAP_PCI_PASID_EXEC) != 0;
    boolean priv = (caps & org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_CAP_PCI_PASID_PRIV) != 0;
    if (!hiod.getPasidInfo(info) || info.maxPasidLog2 != k.out("out_max_pasid_log2")
        || info.maxPasidLog2 != 20 || info.execPerm != exec || info.privMod != priv) {
      return "PASID info exec=" + info.execPerm + " priv=" + info.privMod + " width="
          + info.maxPasidLog2 + ", the kernel answered " + k.line();
    }
    // struct iommu_hw_info_vtd starts with its flags, as the kernel wrote them for the realize;
    // with ERRATA_772415_SPR17 a nesting parent cannot map read-only, so VFIO must bypass
    // read-only sections (vtd_get_host_iommu_quirks -> bcontainer->bypass_ro)
    long vtdFlags = w.qemu.libc().memory().load32(hiod.caps().vendorCaps) & 0xffffffffL;
    boolean errata =
        (vtdFlags & org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17) != 0;
    if (w.vdev.bcontainer == null || w.vdev.bcontainer.bypassRo != errata) {
      return "VT-d hw_info flags 0x" + Long.toHexString(vtdFlags) + " but the container's"
          + " bypass_ro is " + (w.vdev.bcontainer == null ? "absent" : w.vdev.bcontainer.bypassRo);
    }
    return null;
  }

  /** The object IDs and kinds and the fd table of a state dump (no counts, no ranges). */
  static String objectsAndFds(String dump) {
    StringBuilder sb = new StringBuilder();
    for (String l : dump.lines().toList()) {
      if (l.matches("^\\s+id \\d+ [A-Z_]+.*")) {
        sb.append(l.replaceFirst("^\\s+(id \\d+ [A-Z_]+).*$", "$1")).append('\n');
      } else if (l.startsWith("pid ")) {
        sb.append(l).append('\n');
      }
    }
    return sb.toString();
  }

  static GuestVtd.PageRequest expectedRequest(int pasid, int grpid, long perm, long addr) {
    return new GuestVtd.PageRequest(VtdWorld.DEVFN, pasid, (perm & IOMMU_PGFAULT_PERM_PRIV) != 0,
        (perm & IOMMU_PGFAULT_PERM_EXEC) != 0, addr, true, grpid,
        (perm & IOMMU_PGFAULT_PERM_READ) != 0, (perm & IOMMU_PGFAULT_PERM_WRITE) != 0);
  }
}
