package org.iommufdsim.properties.suites.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIOAddressSpace;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VFIOIOMMUFDContainer;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.uapi.LinuxUapi;

/**
 * One try of the backend properties: a simulated host with three mock devices, one QEMU process
 * with two iommufd backends ({@code iommufd0} opens {@code /dev/iommu} itself,
 * {@code iommufd1} is given an fd the management opened), two guest address spaces, and the
 * model the properties keep: who holds a backend, what each IOAS has mapped (as the kernel must
 * see it, and as QEMU believes it), the raw objects the test allocated, and what the current
 * step made the kernel, QEMU's trace and QEMU's stderr say.
 */
final class World {
  static final long PAGE = 4096;
  static final long RAM_SIZE = 0x100000;

  /** A backend and who holds it. */
  static final class Be {
    final IOMMUFDBackend be;
    final String name;
    final boolean owned;
    /** The management's fd for a passed-in backend; -1 for the owned one. */
    final int passedFd;
    /** Successful explicit connects minus disconnects (VFIO devices are counted apart). */
    int explicit;
    /** Whether the CHANGE_PROCESS probe of the current first user was refused. */
    boolean cprBlocked;
    final List<Target> rawIoas = new ArrayList<>();
    final List<RawHwpt> rawHwpts = new ArrayList<>();

    Be(IOMMUFDBackend be, boolean owned, int passedFd) {
      this.be = be;
      this.name = be.id();
      this.owned = owned;
      this.passedFd = passedFd;
    }
  }

  /** A host device and, while attached, the VFIO device QEMU made for it. */
  static final class Dev {
    final String name;
    final boolean dirty;
    final int pasidBits;
    final boolean pri;
    VFIODevice v;
    Be be;
    int space;

    Dev(String name, boolean dirty, int pasidBits, boolean pri) {
      this.name = name;
      this.dirty = dirty;
      this.pasidBits = pasidBits;
      this.pri = pri;
    }
  }

  /** An IOAS DMA goes to: a container's (through its hooks) or a raw one (through the backend). */
  static final class Target {
    final Be be;
    final VFIOIOMMUFDContainer container;
    final int ioasId;
    /** Areas as the kernel's rules say they must be: first -> last. */
    final TreeMap<Long, Long> kernel = new TreeMap<>();
    /** Ranges QEMU believes mapped (from the answers it gave its callers): first -> last. */
    final TreeMap<Long, Long> belief = new TreeMap<>();
    /** Dirty-tracking start/stop as QEMU's container should see it. */
    boolean dirtySupported;
    boolean dirtyStarted;

    Target(Be be, VFIOIOMMUFDContainer container, int ioasId) {
      this.be = be;
      this.container = container;
      this.ioasId = ioasId;
    }

    String label() {
      return (container != null ? "container" : "raw ioas") + " " + be.name + "/" + ioasId;
    }
  }

  /** A HWPT the test allocated itself, with its fault queue if any. */
  record RawHwpt(Be be, int id, Target pt, int faultId, int faultFd) {}

  final BackendFlows.Mode mode;
  final Host host;
  final RecordingSyscalls sys;
  final Qemu qemu;
  final Be owned;
  final Be passed;
  final List<Be> bes;
  final List<Dev> devs = new ArrayList<>();
  final List<VFIOAddressSpace> spaces = List.of(new VFIOAddressSpace(), new VFIOAddressSpace());
  final List<Target> containers = new ArrayList<>();
  final long ram;
  /** A memfd of {@link #RAM_SIZE} bytes, for file-backed maps. */
  final int memfd;
  /** HWPT_ALLOC flags of every HWPT the kernel created, by "backend/id". */
  final Map<String, Long> hwptFlags = new TreeMap<>();
  /** Findings met (and tolerated) in this try. */
  final TreeSet<Finding> met = new TreeSet<>();

  // ---- the current step ----
  int hostMark;
  int traceMark;
  int errMark;
  String dumpBefore;
  /** The state dump at {@link #dumpVersion} and its parse (null until asked). */
  private String dumpText;
  private KernelView.Dump dumpParsed;
  private long dumpVersion = -1;
  List<KernelView.Call> stepCalls = List.of();
  List<String> stepTrace = List.of();
  List<String> stepErr = List.of();
  /** Destroys that may be refused in this step (an explicit free of a busy or stale id). */
  boolean destroyErrorsExpected;
  /** stderr lines the step must print exactly; null when the step states no expectation. */
  List<String> expectedErr;
  /** Regexes every stderr line of the step must match when {@link #expectedErr} is null. */
  List<String> allowedErr = List.of();
  /** True when fail-nth was armed and fired in this step. */
  boolean fired;
  String lastDescription = "";
  /** The step's outcome label and its postcondition (run after {@link #collect()}). */
  String outcome = "ok";
  Runnable check = () -> { };
  /** True in an attach step (its IOAS_ALLOC also traces the new container). */
  boolean attachStep;
  boolean onlyMigratable;
  /** True in a step that runs the CPR vmstate hooks (their probes are not a first connect's). */
  boolean hookStep;
  /** Device fds seen opened, by fd: the device's name; and the iommufd each was bound to. */
  final Map<Integer, String> devNames = new TreeMap<>();
  final Map<Integer, Integer> devIommufd = new TreeMap<>();
  /** The trace lines the kernel's answers call for (computed in {@link #collect()}). */
  List<String> derivedTrace = List.of();

  World(BackendFlows.Mode mode) {
    this.mode = mode;
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20", "pri", "on")),
        DeviceSpec.of("dev1", "mock", Map.of("dirty", "off")),
        DeviceSpec.of("dev2", "mock", Map.of("pasid_bits", "8")))));
    devs.add(new Dev("dev0", true, 20, true));
    devs.add(new Dev("dev1", false, 0, false));
    devs.add(new Dev("dev2", true, 8, false));
    sys = new RecordingSyscalls(host.spawn());
    qemu = new Qemu(sys);
    // the management opens /dev/iommu and passes it (-object iommufd,id=iommufd1,fd=N)
    int mgmtFd = (int) sys.open("/dev/iommu").value();
    IOMMUFDBackend b0 = new IOMMUFDBackend(qemu, "iommufd0");
    b0.iommufdBackendComplete(Errp.abort());
    IOMMUFDBackend b1 = new IOMMUFDBackend(qemu, "iommufd1");
    b1.iommufdBackendSetFd(Integer.toString(mgmtFd), Errp.abort());
    b1.iommufdBackendComplete(Errp.abort());
    owned = new Be(b0, true, -1);
    passed = new Be(b1, false, mgmtFd);
    bes = List.of(owned, passed);
    ram = sys.mmap(0, RAM_SIZE, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0).value();
    memfd = (int) sys.memfdCreate("guest-ram", 0).value();
    sys.ftruncate(memfd, RAM_SIZE);
    qemu.trace().clear();
    qemu.stderr().clear();
  }

  int expectedUsers(Be b) {
    int n = b.explicit;
    for (Dev d : devs) {
      if (d.v != null && d.be == b) {
        n++;
      }
    }
    return n;
  }

  List<Target> targets() {
    List<Target> all = new ArrayList<>(containers);
    all.addAll(owned.rawIoas);
    all.addAll(passed.rawIoas);
    return all;
  }

  List<Dev> attached() {
    return devs.stream().filter(d -> d.v != null).toList();
  }

  /** Before a step: marks the outputs and keeps the kernel's state. */
  void begin(String description) {
    lastDescription = description;
    hostMark = host.traceSize();
    traceMark = qemu.trace().lines().size();
    errMark = qemu.stderr().lines().size();
    dumpBefore = dumpText();
    destroyErrorsExpected = false;
    expectedErr = List.of();
    allowedErr = List.of();
    fired = false;
    attachStep = false;
    hookStep = false;
    check = () -> { };
  }

  /** The kernel's state dump now; taken again only after the kernel's state may have changed. */
  String dumpText() {
    if (dumpVersion != host.stateVersion() || dumpText == null) {
      dumpText = host.stateDump();
      dumpParsed = null;
      dumpVersion = host.stateVersion();
    }
    return dumpText;
  }

  /** The kernel's state now, parsed once per state (invariants read it several times a step). */
  KernelView.Dump kernelNow() {
    String text = dumpText();
    if (dumpParsed == null) {
      dumpParsed = KernelView.dump(text);
    }
    return dumpParsed;
  }

  /** Arms fail-nth for the coming flow (0: none). */
  void arm(int n) {
    if (n > 0) {
      sys.failNth(n);
    }
  }

  /** After the flow: disarms fail-nth and says whether it fired. */
  void disarm(int n) {
    if (n > 0) {
      fired = sys.failNthRemaining() == 0;
      sys.failNth(0);
    }
  }

  /** After a step: collects what the kernel, QEMU's trace and QEMU's stderr said. */
  void collect() {
    stepCalls = KernelView.calls(host.traceSince(hostMark));
    List<String> q = qemu.trace().lines();
    stepTrace = List.copyOf(q.subList(traceMark, q.size()));
    List<String> e = qemu.stderr().lines();
    stepErr = List.copyOf(e.subList(errMark, e.size()));
    derivedTrace = Expect.traceFor(stepCalls, devNames, devIommufd, attachStep);
    for (KernelView.Call k : stepCalls) {
      if (k.request().equals("IOMMU_IOAS_CHANGE_PROCESS") && !hookStep) {
        for (Be b : bes) {
          if (b.be.fd() == k.fd() && b.be.users() > 0) {
            b.cprBlocked = !k.ok();
          }
        }
      }
    }
  }

  List<KernelView.Call> calls(String request) {
    return stepCalls.stream().filter(c -> c.request().equals(request)).toList();
  }

  /** Brings the container list in line with the address spaces after an attach or detach. */
  void reconcileContainers() {
    List<Target> next = new ArrayList<>();
    for (VFIOAddressSpace s : spaces) {
      for (VFIOIOMMUFDContainer c : s.containers) {
        Target known = null;
        for (Target t : containers) {
          if (t.container == c) {
            known = t;
          }
        }
        if (known == null) {
          Be b = c.be == owned.be ? owned : passed;
          known = new Target(b, c, c.ioasId);
        }
        next.add(known);
      }
    }
    containers.clear();
    containers.addAll(next);
  }

  /** When the owned backend's fd was closed, every raw object on it went with it. */
  void dropClosedObjects() {
    if (owned.be.users() == 0 && owned.be.fd() < 0) {
      owned.rawIoas.clear();
      owned.rawHwpts.clear();
      hwptFlags.keySet().removeIf(k -> k.startsWith(owned.name + "/"));
    }
  }
}
