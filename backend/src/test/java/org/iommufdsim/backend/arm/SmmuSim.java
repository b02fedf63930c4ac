package org.iommufdsim.backend.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIOAddressSpace;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VfioIommufd;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.Syscalls;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated host with two VFIO cdev devices behind one Arm SMMUv3 ({@code smmu0}, StreamID
 * 0x100; {@code smmu1}, 0x108), a QEMU process with {@code -object iommufd,id=iommufd0}, one
 * {@code arm-smmuv3,accel=on} (guest model seeded with 42) and its shared address space; checks
 * the kernel model's invariants after every test. Helpers do what {@code vfio-pci}
 * realize/unrealize does around the vSMMU, and reach the SMMU driver model's
 * {@code reportEvent} test hook (simulator-internal, by reflection so that no test class
 * depends on the kernel model's types: {@code Host} offers no accessor for it).
 */
final class SmmuSim implements BeforeEachCallback, AfterEachCallback {
  Host host;
  Syscalls proc;
  Qemu qemu;
  IOMMUFDBackend be;
  VFIOAddressSpace space;
  GuestSmmu guest;
  MainLoop mainLoop;
  SMMUv3Accel accel;
  private int hostMark;

  @Override
  public void beforeEach(ExtensionContext context) {
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("smmu0", "arm_smmuv3", Map.of()),
        DeviceSpec.of("smmu1", "arm_smmuv3", Map.of()))));
    proc = host.spawn();
    qemu = new Qemu(proc);
    be = new IOMMUFDBackend(qemu, "iommufd0");
    space = new VFIOAddressSpace();
    mainLoop = new MainLoop(qemu.libc());
    guest = new GuestSmmu(qemu.stderr(), new SmmuTrace(qemu.trace()), 42);
    accel = new SMMUv3Accel(qemu, guest, mainLoop);
    mark();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertThat(host.checkInvariants()).as("kernel model invariants").isEmpty();
  }

  /** {@code vfio_realize}: the cdev attach (nesting parent), then {@code set_iommu_device}. */
  VFIODevice plug(String name, int devfn, Errp errp) {
    VFIODevice d = new VFIODevice(name, be);
    d.viommu = accel;
    if (!VfioIommufd.iommufdCdevAttach(name, d, space, errp)) {
      return null;
    }
    if (!accel.smmuv3AccelSetIommuDevice(devfn, (HostIOMMUDeviceIOMMUFD) d.hiod, errp)) {
      VfioIommufd.iommufdCdevDetach(d);
      return null;
    }
    return d;
  }

  VFIODevice plug(String name, int devfn) {
    Errp err = Errp.local();
    VFIODevice d = plug(name, devfn, err);
    assertThat(d).as("plug %s: %s", name, err).isNotNull();
    return d;
  }

  /** {@code vfio_exitfn}: {@code unset_iommu_device}, then the cdev detach. */
  void unplug(VFIODevice d, int devfn) {
    accel.smmuv3AccelUnsetIommuDevice(devfn);
    VfioIommufd.iommufdCdevDetach(d);
  }

  void mark() {
    hostMark = host.trace().size();
    qemu.trace().clear();
    qemu.stderr().clear();
  }

  /** Syscalls since {@link #mark()}: no pid prefix, no kernel reasons, no comments. */
  List<String> calls() {
    return org.iommufdsim.backend.TraceWindow.calls(host, hostMark);
  }

  /** {@link #calls()} reduced to {@code "REQUEST = result"} (ioctl name or syscall name). */
  List<String> shortCalls() {
    return calls().stream().map(SmmuSim::shorten).toList();
  }

  static String shorten(String c) {
    String res = c.substring(c.lastIndexOf(" = ") + 3);
    if (c.startsWith("ioctl(")) {
      String req = c.substring(c.indexOf(", ") + 2);
      req = req.substring(0, req.indexOf(','));
      return req + " = " + res;
    }
    return c.substring(0, c.indexOf('(')) + " = " + res;
  }

  /** The call at which fail-nth fired since {@link #mark()}, shortened, or "(none)". */
  String injected() {
    List<String> all = host.trace();
    boolean fired = false;
    for (String l : all.subList(hostMark, all.size())) {
      if (l.contains("fail-nth fired")) {
        fired = true;
      } else if (fired && !l.stripLeading().startsWith("#")) {
        return shorten(l.replaceFirst("^pid \\d+: ", "")
            .replaceFirst("(= -1 E[A-Z0-9]+) \\(.*\\)$", "$1"));
      }
    }
    return "(none)";
  }

  List<String> traced() {
    return qemu.trace().lines();
  }

  List<String> stderr() {
    return qemu.stderr().lines();
  }

  /**
   * The SMMU driver model raises the event-queue record {@code evt} for device {@code name}
   * ({@code ArmSmmuV3.reportEvent}); returns the errno name the hook answered, or "queued".
   */
  String reportEvent(String name, long[] evt) {
    try {
      Field kf = Host.class.getDeclaredField("kernel");
      kf.setAccessible(true);
      Object kernel = kf.get(host);
      Object devices = kernel.getClass().getMethod("devices").invoke(kernel);
      Field bf = devices.getClass().getDeclaredField("byName");
      bf.setAccessible(true);
      Object dev = ((Map<?, ?>) bf.get(devices)).get(name);
      Object driver = dev.getClass().getMethod("driver").invoke(dev);
      Method m = driver.getClass().getMethod("reportEvent", dev.getClass(), long[].class);
      Object r = m.invoke(driver, dev, evt);
      return r == null ? "queued" : r.toString();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot reach the SMMU model's reportEvent hook", e);
    }
  }

  /** A stage-1 F_TRANSLATION read fault at {@code iova} (what the model's helper raises). */
  String translationFault(String name, long iova) {
    return reportEvent(name, new long[] {0x10, 1L << 35, iova, 0});
  }
}
