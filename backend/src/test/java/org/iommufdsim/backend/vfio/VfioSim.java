package org.iommufdsim.backend.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.LinuxUapi;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated host with two VFIO cdev devices ({@code dev0}: mock, 20 PASID bits, dirty
 * tracking; {@code dev1}: mock without dirty tracking), a QEMU process with
 * {@code -object iommufd,id=iommufd0} and one guest address space; checks the kernel model's
 * invariants after every test.
 */
final class VfioSim implements BeforeEachCallback, AfterEachCallback {
  Host host;
  Syscalls proc;
  Qemu qemu;
  IOMMUFDBackend be;
  VFIOAddressSpace space;
  private int hostMark;

  @Override
  public void beforeEach(ExtensionContext context) {
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")),
        DeviceSpec.of("dev1", "mock", Map.of("dirty", "off")))));
    proc = host.spawn();
    qemu = new Qemu(proc);
    be = new IOMMUFDBackend(qemu, "iommufd0");
    space = new VFIOAddressSpace();
    mark();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertThat(host.checkInvariants()).as("kernel model invariants").isEmpty();
  }

  VFIODevice dev(String name) {
    return new VFIODevice(name, be);
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

  /**
   * The system call at which fail-nth fired since {@link #mark()} (request and errno only,
   * e.g. {@code "ioctl IOMMU_HWPT_ALLOC ENOMEM"}), or {@code "(none)"}.
   */
  String injected() {
    List<String> all = host.trace();
    boolean fired = false;
    for (String l : all.subList(hostMark, all.size())) {
      if (l.contains("fail-nth fired")) {
        fired = true;
      } else if (fired && !l.stripLeading().startsWith("#")) {
        String c = l.replaceFirst("^pid \\d+: ", "");
        return c.replaceFirst("^(\\w+)\\((\\d+, )?\"?([A-Za-z_/0-9]+).* = -1 (E\\w+)( \\(.*\\))?$",
            "$1 $3 $4");
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

  long ram(long length) {
    SysResult r = proc.mmap(0, length, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    assertThat(r.isOk()).as("mmap " + r).isTrue();
    return r.value();
  }
}
