package org.iommufdsim.properties.suites.guests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.intel.GuestVtd;
import org.iommufdsim.backend.intel.IntelIommuAccel;
import org.iommufdsim.backend.intel.VTDHostIOMMUDevice;
import org.iommufdsim.backend.intel.VtdHostIOMMUDeviceIOMMUFDVFIO;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIOAddressSpace;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.backend.vfio.VfioIommufd;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;

/**
 * One try of the {@code vtd-prq} property: a host with one {@code intel_vtd} cdev (PRI, 20 PASID
 * bits), a QEMU process whose VFIO attached it behind an accelerated emulated VT-d (so its
 * default HWPT is the nesting parent), the port ({@link IntelIommuAccel}), the guest
 * ({@link GuestVtd}), and the properties' own view of the kernel ({@link KernelModel}).
 */
final class VtdWorld {
  static final int DEVFN = 0x10;
  final Host host;
  final RecordingSyscalls rec;
  final PayloadTap tap;
  final Qemu qemu;
  final IOMMUFDBackend be;
  final GuestVtd guest;
  final IntelIommuAccel accel;
  final VFIODevice vdev;
  final VTDHostIOMMUDevice vtdHiod;
  final int parentHwpt;
  final String initialDump;
  /** The kernel's IOMMU_GET_HW_INFO answer to the realize of the host IOMMU device. */
  final KernelCall hwInfo;
  final KernelModel kernel;
  final Violations violations;
  /** For each guest page request (by index), the kernel group it came from. */
  final List<KernelModel.Delivery> requestOrigins = new ArrayList<>();
  /** Groups the guest answered with a code iommufd does not know (left awaiting). */
  final java.util.Set<KernelModel.Group> failureAnswered = new java.util.HashSet<>();
  /** HWPT and fault IDs (and fault fds) QEMU forgot while attached (reference §7). */
  final java.util.Set<Integer> forgotten = new java.util.TreeSet<>();
  final java.util.Set<Integer> forgottenFds = new java.util.TreeSet<>();
  /** Which PIOTLB invalidations the kernel must see (from the attaches it accepted). */
  final VtdPiotlb piotlbModel = new VtdPiotlb();
  /** Whether QEMU reported a failed detach in the last step. */
  boolean detachFailed;
  private int traceCursor;
  int stepIndex;
  /** How many of QEMU's stderr lines earlier steps already accounted for. */
  int stderrSeen;
  /** Whether QEMU's once-only fault-fd write failure report has been due. */
  boolean writeFailureReported;
  /** Whether QEMU's once-only fault-fd read failure report has been due. */
  boolean readFailureReported;
  /** How many of the process's recorded calls earlier steps already checked. */
  int recCursor;

  VtdWorld(Set<Finding> tolerated) {
    host = Host.create(HostConfig.defaults().withDevices(List.of(
        DeviceSpec.of("vtd0", "intel_vtd", Map.of("pasid_bits", "20")))));
    rec = new RecordingSyscalls(host.spawn());
    tap = new PayloadTap(rec);
    qemu = new Qemu(tap);
    be = new IOMMUFDBackend(qemu, "iommufd0");
    guest = new GuestVtd();
    accel = new IntelIommuAccel(qemu, guest);
    vdev = new VFIODevice("vtd0", be);
    vdev.viommu = accel.viommu();
    if (!VfioIommufd.iommufdCdevAttach("vtd0", vdev, new VFIOAddressSpace(), Errp.abort())) {
      throw new IllegalStateException("VFIO could not attach vtd0");
    }
    VtdHostIOMMUDeviceIOMMUFDVFIO hiod = new VtdHostIOMMUDeviceIOMMUFDVFIO();
    if (!hiod.realize(vdev, Errp.abort())) {
      throw new IllegalStateException("the VT-d host IOMMU device did not realize");
    }
    vtdHiod = accel.addHostIommuDevice(DEVFN, hiod);
    parentHwpt = hiod.hwptId();
    initialDump = host.stateDump();
    KernelCall info = null;
    for (String l : host.trace()) {
      KernelCall k = KernelCall.parse(l);
      if (k != null && k.isIoctl("IOMMU_GET_HW_INFO")) {
        info = k;
      }
    }
    hwInfo = info;
    kernel = new KernelModel(host, Map.of(vdev.devid, vdev.fd), tap,
        Map.of(KernelModel.key(vdev.fd, 0), parentHwpt));
    violations = new Violations(tolerated);
    traceCursor = qemu.trace().lines().size();
    recCursor = rec.calls().size();
  }

  String attachKey(int pasid) {
    return KernelModel.key(vdev.fd, pasid);
  }

  /** After a step: feed the kernel's calls to the model and check QEMU's trace lines of it. */
  void observe() {
    List<KernelCall> calls = kernel.advance(host);
    List<String> lines = qemu.trace().lines();
    TraceCheck.check(lines.subList(traceCursor, lines.size()), calls, kernel.lastAnswers, true,
        violations);
    traceCursor = lines.size();
  }
}
