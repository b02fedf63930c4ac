package org.iommufdsim.scenarios.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.IOMMUFDBackend;
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

/**
 * Makes {@code qemu-logs/port-made.log}'s trace lines: the backend port driven on the simulator
 * (one mock device) the way QEMU's VFIO and vIOMMU code drive it, with the two VFIO cdev lines
 * QEMU would print around it (bind, attach, detach) written in QEMU's own format, since VFIO is
 * not ported. Every {@code iommufd_backend_*} line is the port's output, verbatim.
 */
final class PortMadeLog {
  /** Inside the mock page table's aperture (MOCK_APERTURE_START). */
  private static final long BASE = 1L << 24;

  private PortMadeLog() {}

  static List<String> make() {
    Host host = Host.create(HostConfig.defaults()
        .withDevices(List.of(DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")))));
    Syscalls proc = host.spawn();
    Qemu qemu = new Qemu(proc);
    Libc libc = qemu.libc();
    IOMMUFDBackend be = new IOMMUFDBackend(qemu, "iommufd0");
    List<String> log = new ArrayList<>();
    be.iommufdBackendConnect(Errp.abort());
    // VFIO: open + bind the cdev
    int devfd = libc.open("/dev/vfio/devices/dev0");
    int devid;
    try (Frame f = libc.frame()) {
      UStruct bind = f.local(VfioUapi.vfio_device_bind_iommufd);
      bind.set("argsz", bind.size());
      bind.set("iommufd", be.fd());
      libc.ioctl(devfd, VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, bind);
      devid = bind.u32("out_devid");
    }
    log.addAll(qemu.trace().lines());
    qemu.trace().clear();
    log.add("iommufd_cdev_connect_and_bind  [iommufd=" + be.fd()
        + "] Successfully bound device 0000:00:03.0 (fd=" + devfd + "): output devid=" + devid);
    IntRef ioas = new IntRef();
    be.iommufdBackendAllocIoas(ioas, Errp.abort());
    SysResult ram = proc.mmap(0, 0x200000, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    be.iommufdBackendMapDma(ioas.value, BASE, 0x100000, ram.value(), false);
    be.iommufdBackendMapDma(ioas.value, BASE + 0x100000, 0x100000, ram.value() + 0x100000, true);
    IntRef hwpt = new IntRef();
    be.iommufdBackendAllocHwpt(devid, ioas.value, 1 << 1, 0, 0, 0, 0, hwpt, Errp.local());
    log.addAll(qemu.trace().lines());
    qemu.trace().clear();
    int ret = attach(libc, devfd, hwpt.value);
    if (ret == 0) {
      log.add("iommufd_cdev_attach_ioas_hwpt  [iommufd=" + be.fd()
          + "] Successfully attached device 0000:00:03.0 (" + devfd + ") to id=" + hwpt.value);
    }
    be.iommufdBackendSetDirtyTracking(hwpt.value, true, Errp.local());
    be.iommufdBackendGetDirtyBitmap(hwpt.value, BASE, 0x100000, 0x1000, libc.gMalloc0(64), 0,
        Errp.local());
    be.iommufdBackendSetDirtyTracking(hwpt.value, false, Errp.local());
    be.iommufdBackendFreeId(hwpt.value);                 // attached: EBUSY
    be.iommufdBackendUnmapDma(ioas.value, BASE, 0x80000);   // cuts an area: ENOENT
    be.iommufdBackendUnmapDma(ioas.value, BASE, 0x100000);
    be.iommufdBackendUnmapDma(ioas.value, BASE, 0x100000);  // nothing there any more
    IntRef fault = new IntRef();
    IntRef faultFd = new IntRef();
    be.iommufdBackendAllocFaultq(fault, faultFd, Errp.local());
    IntRef withFault = new IntRef();
    be.iommufdBackendAllocHwpt(devid, ioas.value, 0, 0, 0, 0, fault.value, withFault,
        Errp.local());
    IntRef parent = new IntRef();
    be.iommufdBackendAllocHwpt(devid, ioas.value, 1, 0, 0, 0, 0, parent, Errp.local());
    IntRef viommu = new IntRef();
    be.iommufdBackendAllocViommu(devid, 0xdeadbeef, parent.value, viommu, Errp.local());
    IntRef vdev = new IntRef();
    be.iommufdBackendAllocVdev(devid, viommu.value, 0x8, vdev, Errp.local());
    IntRef veventq = new IntRef();
    IntRef veventqFd = new IntRef();
    be.iommufdBackendAllocVeventq(viommu.value, 0xbeefbeef, 64, veventq, veventqFd,
        Errp.local());
    IntRef num = new IntRef();
    num.value = 0;
    be.iommufdBackendInvalidateCache(hwpt.value, 0xdeadbeef, 16, num, 0, Errp.local());
    log.addAll(qemu.trace().lines());
    qemu.trace().clear();
    if (detach(libc, devfd) == 0) {
      log.add("iommufd_cdev_detach_ioas_hwpt  [iommufd=" + be.fd()
          + "] Successfully detached 0000:00:03.0");
    }
    be.iommufdBackendFreeId(hwpt.value);
    be.iommufdBackendFreeId(hwpt.value);                 // already gone: ENOENT
    be.iommufdBackendFreeId(ioas.value);                 // the parent hwpt still holds it
    log.addAll(qemu.trace().lines());
    return log;
  }

  private static int attach(Libc libc, int devfd, int ptId) {
    try (Frame f = libc.frame()) {
      UStruct at = f.local(VfioUapi.vfio_device_attach_iommufd_pt);
      at.set("argsz", at.size());
      at.set("pt_id", ptId & 0xffffffffL);
      return libc.ioctl(devfd, VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, at);
    }
  }

  private static int detach(Libc libc, int devfd) {
    try (Frame f = libc.frame()) {
      UStruct de = f.local(VfioUapi.vfio_device_detach_iommufd_pt);
      de.set("argsz", de.size());
      return libc.ioctl(devfd, VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, de);
    }
  }
}
