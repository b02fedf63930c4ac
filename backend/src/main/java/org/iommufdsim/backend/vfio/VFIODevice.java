package org.iommufdsim.backend.vfio;

import org.iommufdsim.backend.HostIOMMUDevice;
import org.iommufdsim.backend.IOMMUFDBackend;

/**
 * Port of the iommufd part of {@code VFIODevice} ({@code include/hw/vfio/vfio-device.h}): what
 * QEMU holds for a VFIO cdev device: its name, device fd (opened from
 * {@code /dev/vfio/devices/NAME}), the iommufd backend and the devid from the bind, the auto
 * domain it is attached to, its container and its host IOMMU device.
 */
public final class VFIODevice implements VfioDeviceAgent {
  /** {@code HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX}. */
  public static final int HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX = 64;

  /** {@code name}. */
  public final String name;
  /** {@code fd}: -1 until opened. */
  public int fd = -1;
  /** {@code devid}. */
  public int devid;
  /** {@code iommufd}. */
  public final IOMMUFDBackend iommufd;
  /** {@code hwpt}: the auto domain, or null. */
  public VFIOIOASHwpt hwpt;
  /** {@code bcontainer}: set by {@code vfio_device_prepare}. */
  public VFIOIOMMUFDContainer bcontainer;
  /** {@code hiod}. */
  public HostIOMMUDevice hiod;
  /** {@code iommu_dirty_tracking}. */
  public boolean iommuDirtyTracking;
  /** {@code mdev}: mediated devices attach to the IOAS directly. */
  public boolean mdev;
  /** {@code ram_block_discard_allowed}. */
  public boolean ramBlockDiscardAllowed;

  /** {@code VIOMMU_FLAG_WANT_NESTING_PARENT}: the vIOMMU wants a nesting-parent HWPT. */
  public static final long VIOMMU_FLAG_WANT_NESTING_PARENT = 1L << 0;
  /**
   * The vIOMMU opts in to dirty tracking on its nesting parent (commit 659275f84694; the flag's
   * name is inferred, only {@code vfio_device_get_viommu_flags_want_nesting_dirty()} was read).
   */
  public static final long VIOMMU_FLAG_WANT_NESTING_DIRTY = 1L << 1;

  /**
   * What the device's vIOMMU answers ({@code pci_device_get_viommu_flags()} and
   * {@code pci_device_get_host_iommu_quirks()}); the VT-d/SMMUv3 ports implement it. Null: no
   * vIOMMU (flags 0, no quirk).
   */
  public interface Viommu {
    /** The vIOMMU's {@code get_viommu_flags}. */
    long getViommuFlags();

    /**
     * {@code vfio_device_get_host_iommu_quirk_bypass_ro(vbasedev, type, caps, size)}: whether
     * the host IOMMU has {@code HOST_IOMMU_QUIRK_NESTING_PARENT_BYPASS_RO}; {@code caps} is the
     * user address of the {@code IOMMU_GET_HW_INFO} vendor data.
     */
    boolean hostIommuQuirkBypassRo(int type, long caps, int size);
  }

  /** The vIOMMU in front of this device, or null. */
  public Viommu viommu;

  public VFIODevice(String name, IOMMUFDBackend iommufd) {
    this.name = name;
    this.iommufd = iommufd;
  }

  /**
   * Port of {@code vfio_device_get_aw_bits(vdev)} ({@code hw/vfio/device.c}): the bit width
   * of the last IOVA range of the container ({@code range_get_last_bit(range) + 1}), else
   * {@code HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX}.
   */
  @Override
  public int vfioDeviceGetAwBits() {
    if (bcontainer != null && !bcontainer.iovaRanges.isEmpty()) {
      long upb = bcontainer.iovaRanges.get(bcontainer.iovaRanges.size() - 1)[1];
      return 63 - Long.numberOfLeadingZeros(upb) + 1;
    }
    return HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX;
  }

  /** Port of {@code vfio_device_get_viommu_flags_want_nesting(vbasedev)}. */
  boolean vfioDeviceGetViommuFlagsWantNesting() {
    return viommu != null && (viommu.getViommuFlags() & VIOMMU_FLAG_WANT_NESTING_PARENT) != 0;
  }

  /** Port of {@code vfio_device_get_viommu_flags_want_nesting_dirty(vbasedev)}. */
  boolean vfioDeviceGetViommuFlagsWantNestingDirty() {
    return viommu != null && (viommu.getViommuFlags() & VIOMMU_FLAG_WANT_NESTING_DIRTY) != 0;
  }

  /** Port of {@code vfio_device_get_host_iommu_quirk_bypass_ro(vbasedev, type, caps, size)}. */
  boolean vfioDeviceGetHostIommuQuirkBypassRo(int type, long caps, int size) {
    return viommu != null && viommu.hostIommuQuirkBypassRo(type, caps, size);
  }

  /** Port of {@code vfio_device_prepare(vbasedev, bcontainer, info)} (container part). */
  void vfioDevicePrepare(VFIOIOMMUFDContainer container) {
    bcontainer = container;
    container.deviceList.add(0, this);
  }

  /** Port of {@code vfio_device_unprepare(vbasedev)} (container part). */
  void vfioDeviceUnprepare() {
    bcontainer.deviceList.remove(this);
  }
}
