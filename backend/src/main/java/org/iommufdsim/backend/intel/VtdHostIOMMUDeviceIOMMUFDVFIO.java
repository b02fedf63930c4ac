package org.iommufdsim.backend.intel;

import org.iommufdsim.backend.HostIOMMUDeviceCaps;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.sim.uapi.VfioUapi;

/**
 * Port of {@code TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO} as the PASID series extends it
 * ({@code hiod_iommufd_vfio_attach_hwpt(idev, pasid, hwpt_id, errp)} /
 * {@code hiod_iommufd_vfio_detach_hwpt(idev, pasid, errp)}): the same realize as
 * {@code org.iommufdsim.backend.vfio.HostIOMMUDeviceIOMMUFDVFIO} (plus {@code max_pasid_log2},
 * as the PASID series' realize reads it), but attach and detach honour
 * {@code pasid} — {@code IOMMU_NO_PASID} (0) is the RID ({@code flags = 0}), any other value
 * sets {@code VFIO_DEVICE_ATTACH_PASID}/{@code VFIO_DEVICE_DETACH_PASID} and {@code .pasid}.
 * Error texts follow {@code iommufd_cdev_attach_ioas_hwpt}/{@code _detach_ioas_hwpt}.
 */
public final class VtdHostIOMMUDeviceIOMMUFDVFIO extends HostIOMMUDeviceIOMMUFD {
  private VFIODevice vdev;

  /** Port of {@code hiod_iommufd_vfio_realize(hiod, opaque, errp)}. */
  @Override
  public boolean realize(Object opaque, Errp errp) {
    VFIODevice vbasedev = (VFIODevice) opaque;
    agent = opaque;
    if (caps.vendorCaps == 0) {
      caps.vendorCaps =
          vbasedev.iommufd.qemu().libc().gMalloc0(HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE);
    }
    IntRef type = new IntRef();
    LongRef hwCaps = new LongRef();
    IntRef maxPasidLog2 = new IntRef();
    if (!vbasedev.iommufd.iommufdBackendGetDeviceInfo(vbasedev.devid, type, caps.vendorCaps,
        HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE, hwCaps, maxPasidLog2, errp)) {
      return false;
    }
    vdev = vbasedev;
    name = vbasedev.name;
    caps.type = type.value;
    caps.hwCaps = hwCaps.value;
    caps.maxPasidLog2 = maxPasidLog2.value;
    iommufd = vbasedev.iommufd;
    devid = vbasedev.devid;
    hwptId = vbasedev.hwpt.hwptId;
    return true;
  }

  /** The host capabilities read at realize ({@code hiod->caps}). */
  public HostIOMMUDeviceCaps caps() {
    return caps;
  }

  /** Port of {@code hiod_iommufd_vfio_attach_hwpt(idev, pasid, hwpt_id, errp)} (PASID series). */
  @Override
  protected boolean attachHwpt(int pasid, int hwptId, Errp errp) {
    Libc libc = vdev.iommufd.qemu().libc();
    try (Frame f = libc.frame()) {
      UStruct attachData = f.local(VfioUapi.vfio_device_attach_iommufd_pt);
      attachData.set("argsz", attachData.size());
      attachData.set("flags", pasid == IOMMU_NO_PASID ? 0 : VfioUapi.VFIO_DEVICE_ATTACH_PASID);
      attachData.set("pt_id", hwptId & 0xffffffffL);
      attachData.set("pasid", pasid & 0xffffffffL);
      if (libc.ioctl(vdev.fd, VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, attachData) != 0) {
        errp.setgErrno(libc.errno(), "[iommufd=" + vdev.iommufd.fd() + "] error attach "
            + vdev.name + " (" + vdev.fd + ") to id=" + hwptId);
        return false;
      }
      return true;
    }
  }

  /** Port of {@code hiod_iommufd_vfio_detach_hwpt(idev, pasid, errp)} (PASID series). */
  @Override
  protected boolean detachHwpt(int pasid, Errp errp) {
    Libc libc = vdev.iommufd.qemu().libc();
    try (Frame f = libc.frame()) {
      UStruct detachData = f.local(VfioUapi.vfio_device_detach_iommufd_pt);
      detachData.set("argsz", detachData.size());
      detachData.set("flags", pasid == IOMMU_NO_PASID ? 0 : VfioUapi.VFIO_DEVICE_DETACH_PASID);
      detachData.set("pasid", pasid & 0xffffffffL);
      if (libc.ioctl(vdev.fd, VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, detachData) != 0) {
        errp.setgErrno(libc.errno(), "detach " + vdev.name + " failed");
        return false;
      }
      return true;
    }
  }
}
