package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIOAddressSpace;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VfioIommufd;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated host with one VFIO cdev device {@code vtd0} on an {@code intel_vtd} unit (nesting,
 * PRI and 20 PASID bits: the driver's defaults plus {@code pasid_bits}), a QEMU process with
 * {@code -object iommufd,id=iommufd0}, the device attached by VFIO behind an emulated VT-d in
 * accelerated mode (so its default HWPT is a nesting parent) and its VT-d host IOMMU device
 * realized; checks the kernel model's invariants after every test.
 */
final class VtdSim implements BeforeEachCallback, AfterEachCallback {
  /** Guest devfn of vtd0 on the root bus. */
  static final int DEVFN = 0x10;
  Host host;
  Syscalls proc;
  Qemu qemu;
  IOMMUFDBackend be;
  GuestVtd guest;
  IntelIommuAccel accel;
  VFIODevice vdev;
  VtdHostIOMMUDeviceIOMMUFDVFIO hiod;
  VTDHostIOMMUDevice vtdHiod;
  private int hostMark;

  @Override
  public void beforeEach(ExtensionContext context) {
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("vtd0", "intel_vtd", Map.of("pasid_bits", "20")))));
    proc = host.spawn();
    qemu = new Qemu(proc);
    be = new IOMMUFDBackend(qemu, "iommufd0");
    guest = new GuestVtd();
    accel = new IntelIommuAccel(qemu, guest);
    vdev = new VFIODevice("vtd0", be);
    vdev.viommu = accel.viommu();
    assertThat(VfioIommufd.iommufdCdevAttach("vtd0", vdev, new VFIOAddressSpace(), Errp.abort()))
        .isTrue();
    hiod = new VtdHostIOMMUDeviceIOMMUFDVFIO();
    assertThat(hiod.realize(vdev, Errp.abort())).isTrue();
    vtdHiod = accel.addHostIommuDevice(DEVFN, hiod);
    mark();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertThat(host.checkInvariants()).as("kernel model invariants").isEmpty();
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

  /** The request names of {@link #calls()} ({@code "ioctl IOMMU_HWPT_ALLOC"}, {@code "close"}). */
  List<String> requests() {
    List<String> out = new ArrayList<>();
    for (String c : calls()) {
      String r = c.replaceFirst("^(\\w+)\\((\\d+, )?([A-Z][A-Z_0-9]*|\\d+(?=[,)]))?.*?(= -1 (E\\w+))?$", "$1 $3 $5")
          .replaceAll("\\s+", " ").strip();
      out.add(r);
    }
    return out;
  }

  List<String> traced() {
    return qemu.trace().lines();
  }

  List<String> stderr() {
    return qemu.stderr().lines();
  }

  /** The device raises a page request through {@code IOMMU_TEST_OP_TRIGGER_IOPF}. */
  SysResult triggerIopf(int pasid, int grpid, int perm, long addr) {
    try (Frame f = qemu.libc().frame()) {
      UStruct cmd = f.local(IommufdTestUapi.iommu_test_cmd);
      cmd.set("size", cmd.size());
      cmd.set("op", IommufdTestUapi.IOMMU_TEST_OP_TRIGGER_IOPF);
      cmd.set("trigger_iopf.dev_id", vdev.devid);
      cmd.set("trigger_iopf.pasid", pasid);
      cmd.set("trigger_iopf.grpid", grpid);
      cmd.set("trigger_iopf.perm", perm);
      cmd.set("trigger_iopf.addr", addr);
      return proc.ioctl(be.fd(), IommufdTestUapi.IOMMU_TEST_CMD.request(), cmd.addr());
    }
  }
}
