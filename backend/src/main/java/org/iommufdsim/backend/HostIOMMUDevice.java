package org.iommufdsim.backend;

import org.iommufdsim.backend.qemu.Errp;

/**
 * Port of {@code HostIOMMUDevice} ({@code include/system/host_iommu_device.h}, the abstract QOM
 * type {@code "host-iommu-device"}): a host device's view of its physical IOMMU, created by
 * the device backend (VFIO) and handed to the vIOMMU. The class callbacks are abstract
 * methods; {@code get_pasid_info} is optional (QEMU's NULL hook answers false).
 */
public abstract class HostIOMMUDevice {
  /** {@code HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE}. */
  public static final int HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE = 0;
  /** {@code HOST_IOMMU_DEVICE_CAP_AW_BITS}. */
  public static final int HOST_IOMMU_DEVICE_CAP_AW_BITS = 1;

  /** {@code name}: the device's name, for messages. */
  protected String name = "";
  /** {@code agent}: the device that created it (a VFIO device); may be null until realize. */
  protected Object agent;
  /** {@code caps}. */
  protected final HostIOMMUDeviceCaps caps = new HostIOMMUDeviceCaps();

  /** The class's {@code realize(hiod, opaque, errp)}. */
  public abstract boolean realize(Object opaque, Errp errp);

  /** The class's {@code get_cap(hiod, cap, errp)}: the value, or {@code -errno}. */
  public abstract int getCap(int cap, Errp errp);

  /** The class's {@code get_pasid_info(hiod, pasid_info)}; false when not provided. */
  public boolean getPasidInfo(HostIOMMUDevicePasidInfo pasidInfo) {
    return false;
  }

  public String name() {
    return name;
  }

  public Object agent() {
    return agent;
  }

  public HostIOMMUDeviceCaps caps() {
    return caps;
  }
}
