package org.iommufdsim.backend;

import java.util.Objects;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.vfio.VfioDeviceAgent;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * Port of {@code HostIOMMUDeviceIOMMUFD} ({@code TYPE_HOST_IOMMU_DEVICE_IOMMUFD},
 * {@code "host-iommu-device-iommufd"}, abstract) and of the functions {@code
 * backends/iommufd.c} defines for it: the device's iommufd backend, its device ID from the
 * VFIO bind, and its default HWPT (a nesting parent when the vIOMMU asked for one). Subclasses
 * (VFIO's {@code "-vfio"} type) implement the mandatory {@code attach_hwpt} /
 * {@code detach_hwpt} class callbacks; the PASID series' signatures are ported (PASID 0 is
 * {@code IOMMU_NO_PASID}, the RID).
 */
public abstract class HostIOMMUDeviceIOMMUFD extends HostIOMMUDevice {
  /** {@code TYPE_HOST_IOMMU_DEVICE_IOMMUFD}. */
  public static final String TYPE_HOST_IOMMU_DEVICE_IOMMUFD = "host-iommu-device-iommufd";
  /** {@code IOMMU_NO_PASID}. */
  public static final int IOMMU_NO_PASID = 0;

  /** {@code iommufd}. */
  protected IOMMUFDBackend iommufd;
  /** {@code devid}: the iommufd DEVICE object ID. */
  protected int devid;
  /** {@code hwpt_id}: the device's default HWPT. */
  protected int hwptId;

  /** The class callback {@code attach_hwpt(idev, pasid, hwpt_id, errp)}. */
  protected abstract boolean attachHwpt(int pasid, int hwptId, Errp errp);

  /** The class callback {@code detach_hwpt(idev, pasid, errp)}. */
  protected abstract boolean detachHwpt(int pasid, Errp errp);

  /**
   * Port of {@code host_iommu_device_iommufd_attach_hwpt(idev, pasid, hwpt_id, errp)}: attach
   * (or replace) the device's {@code pasid} to {@code hwptId} through the class callback.
   */
  public final boolean hostIommuDeviceIommufdAttachHwpt(int pasid, int hwptId, Errp errp) {
    return attachHwpt(pasid, hwptId, errp);
  }

  /** Port of {@code host_iommu_device_iommufd_detach_hwpt(idev, pasid, errp)}. */
  public final boolean hostIommuDeviceIommufdDetachHwpt(int pasid, Errp errp) {
    return detachHwpt(pasid, errp);
  }

  /**
   * Port of {@code hiod_iommufd_get_cap(hiod, cap, errp)}: the IOMMU type, the address width
   * (from the VFIO device that owns this host device), else {@code -EINVAL} with
   * {@code "%s: unsupported capability %x"}.
   */
  @Override
  public int getCap(int cap, Errp errp) {
    switch (cap) {
      case HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE -> {
        return caps.type;
      }
      case HOST_IOMMU_DEVICE_CAP_AW_BITS -> {
        return ((VfioDeviceAgent) Objects.requireNonNull(agent, "hiod->agent"))
            .vfioDeviceGetAwBits();
      }
      default -> {
        errp.setg(name + ": unsupported capability " + Integer.toHexString(cap));
        return -Errno.EINVAL.number();
      }
    }
  }

  /**
   * Port of {@code hiod_iommufd_get_pasid_info(hiod, pasid_info)}: false without PASID
   * support, else the EXEC/PRIV capabilities and the PASID width.
   */
  @Override
  public boolean getPasidInfo(HostIOMMUDevicePasidInfo pasidInfo) {
    if (caps.maxPasidLog2 == 0) {
      return false;
    }
    Objects.requireNonNull(pasidInfo, "g_assert(pasid_info)");
    pasidInfo.execPerm = (caps.hwCaps & IommufdUapi.IOMMU_HW_CAP_PCI_PASID_EXEC) != 0;
    pasidInfo.privMod = (caps.hwCaps & IommufdUapi.IOMMU_HW_CAP_PCI_PASID_PRIV) != 0;
    pasidInfo.maxPasidLog2 = caps.maxPasidLog2;
    return true;
  }

  public IOMMUFDBackend iommufd() {
    return iommufd;
  }

  public int devid() {
    return devid;
  }

  public int hwptId() {
    return hwptId;
  }
}
