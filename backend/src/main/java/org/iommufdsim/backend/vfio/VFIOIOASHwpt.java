package org.iommufdsim.backend.vfio;

import java.util.ArrayList;
import java.util.List;

/**
 * Port of {@code VFIOIOASHwpt} ({@code include/hw/vfio/vfio-container-iommufd.h}): an auto
 * domain (HWPT) of a container, its allocation flags and the devices attached to it
 * ({@code device_list}, head insertion as {@code QLIST_INSERT_HEAD}).
 */
public final class VFIOIOASHwpt {
  /** {@code hwpt_id}. */
  public int hwptId;
  /** {@code hwpt_flags}: the {@code IOMMU_HWPT_ALLOC_*} flags it was allocated with. */
  public int hwptFlags;
  /** {@code device_list}. */
  public final List<VFIODevice> deviceList = new ArrayList<>();
}
