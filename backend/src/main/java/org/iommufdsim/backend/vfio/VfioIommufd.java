package org.iommufdsim.backend.vfio;

import org.iommufdsim.backend.HostIOMMUDeviceCaps;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.iommufdsim.sim.uapi.VfioUapi;

/**
 * Port of the device side of {@code hw/vfio/iommufd.c} ({@code TYPE_VFIO_IOMMU_IOMMUFD}'s
 * {@code attach_device}/{@code detach_device} and their helpers): open and bind a VFIO cdev
 * device to an iommufd backend, find or create its container (IOAS), attach it to an auto
 * domain (HWPT), realize its host IOMMU device; and every unwind path, in QEMU's order.
 * Static because the C functions' first argument is a {@code VFIODevice} or a name; the
 * container hooks are methods of {@link VFIOIOMMUFDContainer}.
 *
 * <p>Not modelled (no syscalls on the simulated surface, or no CPR-incoming state):
 * {@code kvm-vfio} add/del, {@code VFIO_DEVICE_GET_INFO}, the memory listener, RAM-discard
 * accounting, CPR container/device registration; {@code cpr_is_incoming()} is false.
 */
public final class VfioIommufd {
  private VfioIommufd() {}

  private static VfioTrace trace(IOMMUFDBackend be) {
    return new VfioTrace(be.qemu().trace());
  }

  /**
   * The part of {@code iommufd_cdev_getfd(sysfs_path, errp)} the simulator has: open
   * {@code /dev/vfio/devices/NAME} (QEMU finds NAME under {@code sysfs_path/vfio-dev/} and
   * checks the char device's major:minor first).
   */
  static int iommufdCdevGetfd(Libc libc, VfioTrace t, String devName, Errp errp) {
    String vfioPath = "/dev/vfio/devices/" + devName;
    int ret = libc.open(vfioPath);
    if (ret < 0) {
      errp.setg("Failed to open " + vfioPath);
    }
    t.traceIommufdCdevGetfd(vfioPath, ret);
    return ret;
  }

  /**
   * Port of {@code iommufd_cdev_connect_and_bind(vbasedev, errp)}: connect the backend, then
   * {@code VFIO_DEVICE_BIND_IOMMUFD}; disconnect if the bind fails.
   */
  static boolean iommufdCdevConnectAndBind(VFIODevice vbasedev, Errp errp) {
    IOMMUFDBackend iommufd = vbasedev.iommufd;
    Libc libc = iommufd.qemu().libc();
    if (!iommufd.iommufdBackendConnect(errp)) {
      return false;
    }
    try (Frame f = libc.frame()) {
      UStruct bind = f.local(VfioUapi.vfio_device_bind_iommufd);
      bind.set("argsz", bind.size());
      bind.set("flags", 0);
      bind.set("iommufd", iommufd.fd());
      if (libc.ioctl(vbasedev.fd, VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, bind) != 0) {
        errp.setgErrno(libc.errno(), "error bind device fd=" + vbasedev.fd + " to iommufd="
            + (int) bind.get("iommufd"));
        iommufd.iommufdBackendDisconnect();
        return false;
      }
      vbasedev.devid = bind.u32("out_devid");
      trace(iommufd).traceIommufdCdevConnectAndBind((int) bind.get("iommufd"), vbasedev.name,
          vbasedev.fd, vbasedev.devid);
      return true;
    }
  }

  /** Port of {@code iommufd_cdev_unbind_and_disconnect(vbasedev)} (unbind is the close). */
  static void iommufdCdevUnbindAndDisconnect(VFIODevice vbasedev) {
    vbasedev.iommufd.iommufdBackendDisconnect();
  }

  /**
   * Port of {@code iommufd_cdev_attach_ioas_hwpt(vbasedev, id, errp)}:
   * {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}; 0 or {@code -errno}.
   */
  static int iommufdCdevAttachIoasHwpt(VFIODevice vbasedev, int id, Errp errp) {
    int iommufd = vbasedev.iommufd.fd();
    Libc libc = vbasedev.iommufd.qemu().libc();
    try (Frame f = libc.frame()) {
      UStruct attachData = f.local(VfioUapi.vfio_device_attach_iommufd_pt);
      attachData.set("argsz", attachData.size());
      attachData.set("flags", 0);
      attachData.set("pt_id", id & 0xffffffffL);
      if (libc.ioctl(vbasedev.fd, VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, attachData) != 0) {
        int errno = libc.errno();
        errp.setgErrno(errno, "[iommufd=" + iommufd + "] error attach " + vbasedev.name + " ("
            + vbasedev.fd + ") to id=" + id);
        return -errno;
      }
      trace(vbasedev.iommufd).traceIommufdCdevAttachIoasHwpt(iommufd, vbasedev.name,
          vbasedev.fd, id);
      return 0;
    }
  }

  /** Port of {@code iommufd_cdev_detach_ioas_hwpt(vbasedev, errp)}. */
  static boolean iommufdCdevDetachIoasHwpt(VFIODevice vbasedev, Errp errp) {
    int iommufd = vbasedev.iommufd.fd();
    Libc libc = vbasedev.iommufd.qemu().libc();
    try (Frame f = libc.frame()) {
      UStruct detachData = f.local(VfioUapi.vfio_device_detach_iommufd_pt);
      detachData.set("argsz", detachData.size());
      detachData.set("flags", 0);
      if (libc.ioctl(vbasedev.fd, VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, detachData) != 0) {
        errp.setgErrno(libc.errno(), "detach " + vbasedev.name + " failed");
        return false;
      }
      trace(vbasedev.iommufd).traceIommufdCdevDetachIoasHwpt(iommufd, vbasedev.name);
      return true;
    }
  }

  /**
   * Port of {@code iommufd_cdev_autodomains_get(vbasedev, container, errp)}: attach to the
   * first existing HWPT that accepts the device ({@code -EINVAL} means "incompatible, try the
   * next"; any other error fails); otherwise read the device's capabilities, allocate a HWPT
   * on the IOAS ({@code DIRTY_TRACKING} iff the IOMMU reports it, unless a vIOMMU wants a
   * nesting parent without opting in to dirty tracking; {@code NEST_PARENT} iff it wants one),
   * attach, and free the HWPT if that attach fails.
   */
  static boolean iommufdCdevAutodomainsGet(VFIODevice vbasedev, VFIOIOMMUFDContainer container,
      Errp errp) {
    IOMMUFDBackend iommufd = vbasedev.iommufd;
    int flags = 0;
    for (VFIOIOASHwpt hwpt : container.hwptList) {
      int ret = iommufdCdevAttachIoasHwpt(vbasedev, hwpt.hwptId, errp);
      if (ret != 0) {
        if (ret == -Errno.EINVAL.number()) {
          errp.free();
          continue;
        }
        return false;
      }
      vbasedev.hwpt = hwpt;
      hwpt.deviceList.add(0, vbasedev);
      vbasedev.iommuDirtyTracking = VFIOIOMMUFDContainer.iommufdHwptDirtyTracking(hwpt);
      return true;
    }

    try (Frame f = iommufd.qemu().libc().frame()) {
      // VendorCaps caps; (a local of the C function)
      long caps = f.alloca(HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE);
      IntRef type = new IntRef();
      LongRef hwCaps = new LongRef();
      if (!iommufd.iommufdBackendGetDeviceInfo(vbasedev.devid, type, caps,
          HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE, hwCaps, null, errp)) {
        return false;
      }
      boolean viommuNesting = vbasedev.vfioDeviceGetViommuFlagsWantNesting();
      boolean viommuNestingDirty = vbasedev.vfioDeviceGetViommuFlagsWantNestingDirty();
      if ((hwCaps.value & IommufdUapi.IOMMU_HW_CAP_DIRTY_TRACKING) != 0) {
        if (!viommuNesting || viommuNestingDirty) {
          flags |= (int) IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
        }
      }
      if (viommuNesting) {
        flags |= (int) IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
        if (vbasedev.vfioDeviceGetHostIommuQuirkBypassRo(type.value, caps,
            HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE)) {
          container.bypassRo = true;
        }
      }
    }
    IntRef hwptId = new IntRef();
    if (!iommufd.iommufdBackendAllocHwpt(vbasedev.devid, container.ioasId, flags,
        (int) IommufdUapi.IOMMU_HWPT_DATA_NONE, 0, 0, 0, hwptId, errp)) {
      return false;
    }
    if (iommufdCdevAttachIoasHwpt(vbasedev, hwptId.value, errp) != 0) {
      container.be.iommufdBackendFreeId(hwptId.value);
      return false;
    }

    VFIOIOASHwpt hwpt = new VFIOIOASHwpt();
    hwpt.hwptId = hwptId.value;
    hwpt.hwptFlags = flags;
    vbasedev.hwpt = hwpt;
    vbasedev.iommuDirtyTracking = VFIOIOMMUFDContainer.iommufdHwptDirtyTracking(hwpt);
    hwpt.deviceList.add(0, vbasedev);
    container.hwptList.add(0, hwpt);
    container.dirtyPagesSupported |= vbasedev.iommuDirtyTracking;
    if (container.dirtyPagesSupported && !vbasedev.iommuDirtyTracking) {
      iommufd.qemu().stderr().warnReport("IOMMU instance for device " + vbasedev.name
          + " doesn't support dirty tracking");
    }
    return true;
  }

  /** Port of {@code iommufd_cdev_autodomains_put(vbasedev, container)}. */
  static void iommufdCdevAutodomainsPut(VFIODevice vbasedev, VFIOIOMMUFDContainer container) {
    VFIOIOASHwpt hwpt = vbasedev.hwpt;
    hwpt.deviceList.remove(vbasedev);
    vbasedev.hwpt = null;
    if (hwpt.deviceList.isEmpty()) {
      container.hwptList.remove(hwpt);
      container.be.iommufdBackendFreeId(hwpt.hwptId);
    }
  }

  /** Port of {@code iommufd_cdev_attach_container(vbasedev, container, errp)}. */
  static boolean iommufdCdevAttachContainer(VFIODevice vbasedev, VFIOIOMMUFDContainer container,
      Errp errp) {
    if (!vbasedev.mdev) {
      return iommufdCdevAutodomainsGet(vbasedev, container, errp);
    }
    return iommufdCdevAttachIoasHwpt(vbasedev, container.ioasId, errp) == 0;
  }

  /** Port of {@code iommufd_cdev_detach_container(vbasedev, container)}. */
  static void iommufdCdevDetachContainer(VFIODevice vbasedev, VFIOIOMMUFDContainer container) {
    Errp err = Errp.local();
    if (!iommufdCdevDetachIoasHwpt(vbasedev, err)) {
      vbasedev.iommufd.qemu().stderr().errorReportErr(err);
    }
    if (vbasedev.hwpt != null) {
      iommufdCdevAutodomainsPut(vbasedev, container);
    }
  }

  /** Port of {@code iommufd_cdev_container_destroy(container)}: only once no device is left. */
  static void iommufdCdevContainerDestroy(VFIOIOMMUFDContainer container) {
    if (!container.deviceList.isEmpty()) {
      return;
    }
    if (container.space != null) {
      container.space.containers.remove(container);
    }
    container.be.iommufdBackendFreeId(container.ioasId);
  }

  /**
   * Port of {@code iommufd_cdev_get_info_iova_range(container, ioas_id, errp)}:
   * {@code IOMMU_IOAS_IOVA_RANGES} once for the count ({@code EMSGSIZE} expected), then with a
   * buffer for the ranges.
   */
  static boolean iommufdCdevGetInfoIovaRange(VFIOIOMMUFDContainer container, int ioasId,
      Errp errp) {
    int fd = container.be.fd();
    Libc libc = container.be.qemu().libc();
    UStruct info = UStruct.at(libc.memory(), IommufdUapi.iommu_ioas_iova_ranges,
        libc.gMalloc0(IommufdUapi.iommu_ioas_iova_ranges.size()));
    info.set("size", info.size());
    info.set("ioas_id", ioasId & 0xffffffffL);
    if (libc.ioctl(fd, IommufdUapi.IOMMU_IOAS_IOVA_RANGES, info) != 0
        && libc.errno() != Errno.EMSGSIZE.number()) {
      errp.setgErrno(libc.errno(), "Cannot get IOVA ranges");
      return false;
    }
    int n = info.u32("num_iovas");
    int rangeSize = IommufdUapi.iommu_iova_range.size();
    long ranges = libc.gMalloc0((long) n * rangeSize);
    info.set("allowed_iovas", ranges);
    if (libc.ioctl(fd, IommufdUapi.IOMMU_IOAS_IOVA_RANGES, info) != 0) {
      errp.setgErrno(libc.errno(), "Cannot get IOVA ranges");
      return false;
    }
    for (int i = 0; i < info.u32("num_iovas"); i++) {
      UStruct r = UStruct.at(libc.memory(), IommufdUapi.iommu_iova_range,
          ranges + (long) i * rangeSize);
      container.iovaRanges.add(new long[] {r.get("start"), r.get("last")});
    }
    container.pgsizes = info.get("out_iova_alignment");
    return true;
  }

  /** Port of {@code vfio_device_hiod_create_and_realize(vbasedev, typename, errp)}. */
  static boolean vfioDeviceHiodCreateAndRealize(VFIODevice vbasedev, Errp errp) {
    if (vbasedev.mdev) {
      return true;
    }
    HostIOMMUDeviceIOMMUFDVFIO hiod = new HostIOMMUDeviceIOMMUFDVFIO();
    if (!hiod.realize(vbasedev, errp)) {
      return false;
    }
    vbasedev.hiod = hiod;
    return true;
  }

  /**
   * Port of {@code iommufd_cdev_attach(name, vbasedev, as, errp)}: open the cdev, connect and
   * bind; try every container of the address space on the same backend (a failure is traced
   * and the next one tried); else allocate an IOAS and a new container, attach, read its IOVA
   * ranges (a failure only warns); then realize the host IOMMU device. The unwind labels
   * ({@code err_listener_register} .. {@code err_connect_bind}) run in QEMU's order.
   */
  public static boolean iommufdCdevAttach(String name, VFIODevice vbasedev,
      VFIOAddressSpace space, Errp errp) {
    IOMMUFDBackend be = vbasedev.iommufd;
    Libc libc = be.qemu().libc();
    VfioTrace t = trace(be);
    VFIOIOMMUFDContainer container = null;
    Errp err = Errp.local();

    if (vbasedev.fd < 0) {
      int devfd = iommufdCdevGetfd(libc, t, name, errp);
      if (devfd < 0) {
        return false;
      }
      vbasedev.fd = devfd;
    }

    if (!iommufdCdevConnectAndBind(vbasedev, errp)) {
      libc.close(vbasedev.fd);
      return false;
    }

    boolean found = false;
    for (VFIOIOMMUFDContainer c : java.util.List.copyOf(space.containers)) {
      container = c;
      if (vbasedev.iommufd != c.be) {
        continue;
      }
      if (!iommufdCdevAttachContainer(vbasedev, c, err)) {
        t.traceIommufdCdevFailAttachExistingContainer(err.pretty());
        err.free();
      } else {
        found = true;
        break;
      }
    }

    if (!found) {
      IntRef ioasId = new IntRef();
      if (!be.iommufdBackendAllocIoas(ioasId, errp)) {
        // err_alloc_ioas:
        iommufdCdevUnbindAndDisconnect(vbasedev);
        libc.close(vbasedev.fd);
        return false;
      }
      t.traceIommufdCdevAllocIoas(be.fd(), ioasId.value);
      container = new VFIOIOMMUFDContainer(be, ioasId.value);
      space.vfioAddressSpaceInsert(container);

      if (!iommufdCdevAttachContainer(vbasedev, container, errp)) {
        return unwindAttachContainer(vbasedev, container, libc);
      }
      if (!iommufdCdevGetInfoIovaRange(container, ioasId.value, err)) {
        err.appendHint("Fallback to default 64bit IOVA range and 4K page size\n");
        // warn_report_err: "warning: MSG\n" then the hint as printed (its own line)
        String hint = err.get().orElseThrow().hint();
        be.qemu().stderr().warnReport(err.get().orElseThrow().message() + "\n"
            + hint.substring(0, hint.length() - 1));
        err.free();
        container.pgsizes = libc.syscalls().pageSize();
      }
      container.initialized = true;
    }

    // found_container:
    if (!vfioDeviceHiodCreateAndRealize(vbasedev, errp)) {
      // err_listener_register: / err_discard_disable:
      iommufdCdevDetachContainer(vbasedev, container);
      return unwindAttachContainer(vbasedev, container, libc);
    }
    vbasedev.vfioDevicePrepare(container);
    return true;
  }

  /** The labels {@code err_attach_container}, {@code err_alloc_ioas}, {@code err_connect_bind}. */
  private static boolean unwindAttachContainer(VFIODevice vbasedev,
      VFIOIOMMUFDContainer container, Libc libc) {
    iommufdCdevContainerDestroy(container);
    iommufdCdevUnbindAndDisconnect(vbasedev);
    libc.close(vbasedev.fd);
    return false;
  }

  /**
   * Port of {@code iommufd_cdev_detach(vbasedev)}: unprepare, drop the host IOMMU device,
   * detach from the HWPT (freeing it with its last device), destroy the container with its
   * last device (freeing the IOAS), disconnect, close the device fd.
   */
  public static void iommufdCdevDetach(VFIODevice vbasedev) {
    VFIOIOMMUFDContainer container = vbasedev.bcontainer;
    vbasedev.vfioDeviceUnprepare();
    vbasedev.hiod = null;
    iommufdCdevDetachContainer(vbasedev, container);
    iommufdCdevContainerDestroy(container);
    iommufdCdevUnbindAndDisconnect(vbasedev);
    vbasedev.iommufd.qemu().libc().close(vbasedev.fd);
  }
}
