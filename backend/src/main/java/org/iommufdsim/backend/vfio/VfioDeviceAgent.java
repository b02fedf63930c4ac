package org.iommufdsim.backend.vfio;

/**
 * What the host IOMMU device needs of the VFIO device that created it (its {@code agent}):
 * {@code vfio_device_get_aw_bits(vdev)}, the IOVA address width of the device's container.
 * The seam for the VFIO device port, which implements it.
 */
public interface VfioDeviceAgent {
  /** Port target: {@code vfio_device_get_aw_bits(vdev)} ({@code hw/vfio/device.c}). */
  int vfioDeviceGetAwBits();
}
