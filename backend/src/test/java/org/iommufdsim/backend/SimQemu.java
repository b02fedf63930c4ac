package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.LinuxUapi;
import org.iommufdsim.sim.uapi.VfioUapi;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated host with one mock device ({@code dev0}, 20 PASID bits) and a QEMU process on it
 * holding an {@code -object iommufd,id=iommufd0}; after every test it checks the kernel
 * model's invariants, so no test can forget to. Helpers do what QEMU's callers (VFIO) would do
 * around the backend, through the same syscall surface, and read back what happened: the
 * host's syscall trace since {@link #mark()}, QEMU's trace log and its stderr.
 */
final class SimQemu implements BeforeEachCallback, AfterEachCallback {
  /** A VFIO device bound to the backend's iommufd. */
  record Dev(String name, int fd, int devid) {}

  private final Map<String, String> devOptions;
  Host host;
  Syscalls proc;
  Qemu qemu;
  Libc libc;
  IOMMUFDBackend be;
  private int hostMark;

  SimQemu() {
    this(Map.of("pasid_bits", "20"));
  }

  SimQemu(Map<String, String> devOptions) {
    this.devOptions = devOptions;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    host = Host.create(HostConfig.defaults()
        .withDevices(List.of(DeviceSpec.of("dev0", "mock", devOptions))));
    proc = host.spawn();
    qemu = new Qemu(proc);
    libc = qemu.libc();
    be = new IOMMUFDBackend(qemu, "iommufd0");
    mark();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertThat(host.checkInvariants()).as("kernel model invariants").isEmpty();
  }

  /** Starts a new observation window: later calls, trace lines and reports only. */
  void mark() {
    hostMark = host.trace().size();
    qemu.trace().clear();
    qemu.stderr().clear();
  }

  /**
   * The system calls since {@link #mark()}, without the {@code pid N: } prefix, the kernel's
   * human-readable reasons and the fail-nth comments: only what the kernel answered.
   */
  List<String> calls() {
    return org.iommufdsim.backend.TraceWindow.calls(host, hostMark);
  }

  List<String> traced() {
    return qemu.trace().lines();
  }

  List<String> stderr() {
    return qemu.stderr().lines();
  }

  // ---- what QEMU's callers do around the backend ----

  void connect() {
    assertThat(be.iommufdBackendConnect(Errp.abort())).isTrue();
  }

  int allocIoas() {
    IntRef id = new IntRef();
    assertThat(be.iommufdBackendAllocIoas(id, Errp.abort())).isTrue();
    return id.value;
  }

  /** Opens {@code /dev/vfio/devices/NAME} and binds it to the backend's iommufd. */
  Dev bind(String name) {
    int fd = libc.open("/dev/vfio/devices/" + name);
    assertThat(fd).as("open " + name).isGreaterThanOrEqualTo(0);
    try (Frame f = libc.frame()) {
      UStruct bind = f.local(VfioUapi.vfio_device_bind_iommufd);
      bind.set("argsz", bind.size());
      bind.set("iommufd", be.fd());
      assertThat(libc.ioctl(fd, VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, bind)).isZero();
      return new Dev(name, fd, bind.u32("out_devid"));
    }
  }

  /** {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}; 0 or -errno. */
  int attach(Dev d, int pasid, int ptId) {
    try (Frame f = libc.frame()) {
      UStruct at = f.local(VfioUapi.vfio_device_attach_iommufd_pt);
      at.set("argsz", at.size());
      at.set("flags", pasid == 0 ? 0 : VfioUapi.VFIO_DEVICE_ATTACH_PASID);
      at.set("pasid", pasid);
      at.set("pt_id", ptId & 0xffffffffL);
      return libc.ioctl(d.fd(), VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, at) == 0
          ? 0 : -libc.errno();
    }
  }

  /** {@code VFIO_DEVICE_DETACH_IOMMUFD_PT}; 0 or -errno. */
  int detach(Dev d, int pasid) {
    try (Frame f = libc.frame()) {
      UStruct de = f.local(VfioUapi.vfio_device_detach_iommufd_pt);
      de.set("argsz", de.size());
      de.set("flags", pasid == 0 ? 0 : VfioUapi.VFIO_DEVICE_DETACH_PASID);
      de.set("pasid", pasid);
      return libc.ioctl(d.fd(), VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, de) == 0
          ? 0 : -libc.errno();
    }
  }

  /** Guest RAM: an anonymous private mapping (QEMU's {@code qemu_ram_mmap}). */
  long ram(long length) {
    SysResult r = proc.mmap(0, length, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    assertThat(r.isOk()).as("mmap " + r).isTrue();
    return r.value();
  }

  /** File-backed guest RAM: a memfd of {@code length} bytes. */
  int memfd(long length) {
    SysResult r = proc.memfdCreate("guest-ram", 0);
    assertThat(r.isOk()).as("memfd_create " + r).isTrue();
    assertThat(proc.ftruncate((int) r.value(), length).isOk()).isTrue();
    return (int) r.value();
  }
}
