package org.iommufdsim.properties.suites.guests;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.arm.GuestSmmu;
import org.iommufdsim.backend.arm.MainLoop;
import org.iommufdsim.backend.arm.SMMUv3Accel;
import org.iommufdsim.backend.arm.SmmuTrace;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIOAddressSpace;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VfioIommufd;
import org.iommufdsim.properties.engine.SplitMix64;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;

/**
 * One try of the {@code smmu-accel} property: a host with two {@code arm_smmuv3} cdevs, a QEMU
 * process with one {@code arm-smmuv3,accel=on} ({@link SMMUv3Accel} and its guest
 * {@link GuestSmmu}), the two devices plugged and unplugged by the program the way
 * {@code vfio-pci} realize/unrealize does, and the properties' own view of the kernel.
 */
final class SmmuWorld {
  static final String[] NAMES = {"smmu0", "smmu1"};
  static final int[] DEVFNS = {0x8, 0x10};
  /**
   * Host devices a probe plugs at {@link #PROBE_DEVFN} and unplugs at once: an SMMU without
   * ATS, an SMMU without S2FWB (no vIOMMU can be made on it), a device of a non-SMMU IOMMU.
   */
  static final String[] PROBES = {"smmu2-noats", "smmu3-nofwb", "mock1"};
  static final int PROBE_DEVFN = 0x18;
  /** The guest vSMMU's ID registers as the program configured them (QEMU's defaults at first). */
  final int[] guestIdr;
  /** QEMU's defaults of the vSMMU's ID registers. */
  final int[] defaultIdr;
  /**
   * How many fail-nth points a first plug (the one that builds the vIOMMU) took when last seen
   * whole, or 0: lets fail-nth aim at the end of the plug, where the vIOMMU chain is.
   */
  int plugPoints;
  /** Whether a probe plugs at the devfn of a plugged device. */
  boolean probeOccupied;
  /** Whether QEMU had a vIOMMU when the step began. */
  boolean viommuBefore;
  /** Each device's device ID as the kernel answered its last bind. */
  final long[] kernelDevids = {-1, -1};
  /** Reports a step's own postcondition expects (first lines), explained for SmmuReports. */
  final List<String> expectedReports = new java.util.ArrayList<>();
  /** Each device's last guest STE words. */
  final long[][] steWords = new long[2][];
  /** The error of the last failed plug (or probe), else null. */
  org.iommufdsim.backend.qemu.QemuError lastPlugError;
  final Host host;
  final RecordingSyscalls rec;
  final PayloadTap tap;
  final Qemu qemu;
  final IOMMUFDBackend be;
  final VFIOAddressSpace space = new VFIOAddressSpace();
  final MainLoop mainLoop;
  final GuestSmmu guest;
  final SMMUv3Accel accel;
  final VFIODevice[] devices = new VFIODevice[2];
  final String initialDump;
  final KernelModel kernel;
  final Violations violations;
  /** The vEVENTQ the event model is about (0: none), and its fd. */
  int countedVeventq;
  int countedVeventqFd = -1;
  /** The kernel's vEVENTQ as the properties model it: depth, ID, events, lost marker. */
  long veventqDepth;
  int veventqKernelId;
  final List<long[]> kernelQueue = new java.util.ArrayList<>();
  final List<String> kernelQueueNames = new java.util.ArrayList<>();
  boolean lostPending;
  /** Whether QEMU already reported an overflow (error_report_once: once per process). */
  boolean overflowReported;
  /** Guest records dropped and written so far; the guest event queue's log2size. */
  int totalDropped;
  int totalWritten;
  int guestLog2size = 4;
  /** Whether an unplug went on after a failed re-attach (backend finding 17) in this try. */
  boolean unsetFailed;
  /** IDs whose refused destroy is the vIOMMU-pins-S2 finding. */
  final java.util.Set<Integer> pinnedIds = new java.util.TreeSet<>();
  /** QEMU's trace lines of the last step. */
  List<String> stepLines = List.of();
  int stderrSeen;
  /** Each device's cdev fd and device ID of its last plug; the kind of its last guest STE. */
  final int[] lastFds = {-1, -1};
  final int[] lastDevids = {0, 0};
  final int[] steKind = {-1, -1};
  private int traceCursor;

  SmmuWorld(long seed, Set<Finding> tolerated) {
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of(NAMES[0], "arm_smmuv3", Map.of()),
        DeviceSpec.of(NAMES[1], "arm_smmuv3", Map.of()),
        DeviceSpec.of("vf0", "mock", Map.of()),
        DeviceSpec.of(PROBES[0], "arm_smmuv3", Map.of("ats", "off", "iommu", "smmu-b")),
        DeviceSpec.of(PROBES[1], "arm_smmuv3", Map.of("fwb", "off", "iommu", "smmu-c")),
        DeviceSpec.of(PROBES[2], "mock", Map.of("iommu", "mock-b")))));
    rec = new RecordingSyscalls(host.spawn());
    tap = new PayloadTap(rec);
    qemu = new Qemu(tap);
    be = new IOMMUFDBackend(qemu, "iommufd0");
    mainLoop = new MainLoop(qemu.libc());
    guest = new GuestSmmu(qemu.stderr(), new SmmuTrace(qemu.trace()),
        SplitMix64.stream(seed, "guest").nextLong());
    accel = new SMMUv3Accel(qemu, guest, mainLoop);
    guestIdr = guest.idr.clone();
    defaultIdr = guest.idr.clone();
    // a plain VFIO device outside the vSMMU, bound first (so the vSMMU's devices do not get
    // device ID 1, and the iommufd stays open across unplugs, as in a VM with more devices)
    VFIODevice plain = new VFIODevice("vf0", be);
    if (!VfioIommufd.iommufdCdevAttach("vf0", plain, new VFIOAddressSpace(), Errp.abort())) {
      throw new IllegalStateException("VFIO could not attach vf0");
    }
    initialDump = host.stateDump();
    kernel = new KernelModel(host, Map.of(), tap, Map.of());
    violations = new Violations(tolerated);
    traceCursor = qemu.trace().lines().size();
  }

  /** {@code vfio_realize}: the cdev attach (nesting parent), then {@code set_iommu_device}. */
  boolean plug(int i) {
    VFIODevice d = new VFIODevice(NAMES[i], be);
    d.viommu = accel;
    Errp err = Errp.local();
    lastPlugError = null;
    if (!VfioIommufd.iommufdCdevAttach(NAMES[i], d, space, err)) {
      lastPlugError = err.get().orElse(null);
      return false;
    }
    if (!accel.smmuv3AccelSetIommuDevice(DEVFNS[i], (HostIOMMUDeviceIOMMUFD) d.hiod, err)) {
      lastPlugError = err.get().orElse(null);
      VfioIommufd.iommufdCdevDetach(d);
      return false;
    }
    devices[i] = d;
    lastFds[i] = d.fd;
    lastDevids[i] = d.devid;
    return true;
  }

  /**
   * Plugs probe device {@code k} at {@link #PROBE_DEVFN} as {@link #plug} does and, when that
   * worked, unplugs it again: answers whether the plug worked ({@link #lastPlugError} else).
   */
  boolean probe(int k, int devfn) {
    VFIODevice d = new VFIODevice(PROBES[k], be);
    d.viommu = accel;
    Errp err = Errp.local();
    lastPlugError = null;
    if (!VfioIommufd.iommufdCdevAttach(PROBES[k], d, space, err)) {
      lastPlugError = err.get().orElse(null);
      return false;
    }
    if (!accel.smmuv3AccelSetIommuDevice(devfn, (HostIOMMUDeviceIOMMUFD) d.hiod, err)) {
      lastPlugError = err.get().orElse(null);
      VfioIommufd.iommufdCdevDetach(d);
      return false;
    }
    accel.smmuv3AccelUnsetIommuDevice(devfn);
    VfioIommufd.iommufdCdevDetach(d);
    return true;
  }

  /** {@code vfio_exitfn}: {@code unset_iommu_device}, then the cdev detach. */
  void unplug(int i) {
    accel.smmuv3AccelUnsetIommuDevice(DEVFNS[i]);
    VfioIommufd.iommufdCdevDetach(devices[i]);
    devices[i] = null;
  }

  void observe() {
    List<KernelCall> calls = kernel.advance(host);
    List<String> lines = qemu.trace().lines();
    List<String> fresh = lines.subList(traceCursor, lines.size());
    List<String> all = new java.util.ArrayList<>(stepLines);
    all.addAll(fresh);
    stepLines = List.copyOf(all);
    TraceCheck.check(fresh, calls, kernel.lastAnswers, false, violations);
    traceCursor = lines.size();
  }

  /** The kernel attachment of device {@code i}'s RID, or null. */
  Integer attached(int i) {
    return devices[i] == null ? null : kernel.attach.get(KernelModel.key(devices[i].fd, 0));
  }

  /**
   * The SMMU driver model raises a stage-1 translation fault for device {@code i}
   * ({@code ArmSmmuV3.reportEvent}, the simulator's test hook; {@code Host} has no public
   * accessor for it, so it is reached by reflection as the backend's {@code SmmuSim} does).
   * Answers the errno name the hook returned, or "queued".
   */
  String translationFault(int i, long iova) {
    return reportEvent(i, new long[] {0x10, 1L << 35, iova, 0});
  }

  /** The SMMU model raises event record {@code evt} for device {@code i} (as above). */
  String reportEvent(int i, long[] evt) {
    try {
      Field kf = Host.class.getDeclaredField("kernel");
      kf.setAccessible(true);
      Object kernelObj = kf.get(host);
      Object devs = kernelObj.getClass().getMethod("devices").invoke(kernelObj);
      Field bf = devs.getClass().getDeclaredField("byName");
      bf.setAccessible(true);
      Object dev = ((Map<?, ?>) bf.get(devs)).get(NAMES[i]);
      Object driver = dev.getClass().getMethod("driver").invoke(dev);
      Method m = driver.getClass().getMethod("reportEvent", dev.getClass(), long[].class);
      Object r = m.invoke(driver, dev, evt);
      return r == null ? "queued" : r.toString();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the SMMU model's reportEvent hook", e);
    }
  }
}
