package org.iommufdsim.backend.vfio;

import org.iommufdsim.backend.HostIOMMUDeviceCaps;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;

/**
 * Port of {@code TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO} ({@code "host-iommu-device-iommufd-vfio"},
 * {@code hw/vfio/iommufd.c}): the host IOMMU device of a VFIO cdev device. {@code realize}
 * reads {@code IOMMU_GET_HW_INFO} into the caps; {@code attach_hwpt}/{@code detach_hwpt} use
 * {@code VFIO_DEVICE_ATTACH/DETACH_IOMMUFD_PT} on the device fd (RID only: the callbacks ignore
 * {@code pasid}, as the ported tree's VFIO callbacks take none).
 */
public final class HostIOMMUDeviceIOMMUFDVFIO extends HostIOMMUDeviceIOMMUFD {
  /** {@code TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO}. */
  public static final String TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO =
      TYPE_HOST_IOMMU_DEVICE_IOMMUFD + "-vfio";

  /** Port of {@code hiod_iommufd_vfio_realize(hiod, opaque, errp)}. */
  @Override
  public boolean realize(Object opaque, Errp errp) {
    VFIODevice vdev = (VFIODevice) opaque;
    HostIOMMUDeviceCaps caps = this.caps;
    agent = opaque;
    if (caps.vendorCaps == 0) {
      caps.vendorCaps = vdev.iommufd.qemu().libc().gMalloc0(HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE);
    }
    IntRef type = new IntRef();
    LongRef hwCaps = new LongRef();
    IntRef maxPasidLog2 = new IntRef();
    if (!vdev.iommufd.iommufdBackendGetDeviceInfo(vdev.devid, type, caps.vendorCaps,
        HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE, hwCaps, maxPasidLog2, errp)) {
      return false;
    }
    name = vdev.name;
    caps.type = type.value;
    caps.hwCaps = hwCaps.value;
    caps.maxPasidLog2 = maxPasidLog2.value;
    iommufd = vdev.iommufd;
    devid = vdev.devid;
    hwptId = vdev.hwpt.hwptId;
    return true;
  }

  /** Port of {@code host_iommu_device_iommufd_vfio_attach_hwpt(idev, hwpt_id, errp)}. */
  @Override
  protected boolean attachHwpt(int pasid, int hwptId, Errp errp) {
    return VfioIommufd.iommufdCdevAttachIoasHwpt((VFIODevice) agent, hwptId, errp) == 0;
  }

  /** Port of {@code host_iommu_device_iommufd_vfio_detach_hwpt(idev, errp)}. */
  @Override
  protected boolean detachHwpt(int pasid, Errp errp) {
    return VfioIommufd.iommufdCdevDetachIoasHwpt((VFIODevice) agent, errp);
  }
}
