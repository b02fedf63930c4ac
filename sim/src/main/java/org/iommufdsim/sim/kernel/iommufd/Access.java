package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-kernel user of an IOAS (struct iommufd_access): here the internal access a HW queue
 * pins its guest memory through. It locks the areas it pins (IOAS_UNMAP of them is EBUSY).
 */
public final class Access extends IommufdObject {
  Ioas ioas;
  final boolean internal;
  org.iommufdsim.sim.kernel.iopt.IoPagetable.AlignmentSource alignment;
  /** Pinned ranges: the area, its first and last page index in the area's pages. */
  final List<org.iommufdsim.sim.kernel.iopt.IoPagetable.AccessPin> pins = new ArrayList<>();

  /** External (selftest) accesses: whether they pin pages, their items, their fd. */
  boolean needsPin;
  final java.util.TreeMap<Long, Item> items = new java.util.TreeMap<>();
  long nextItemId;
  AccessFile file;
  IommufdFile ictx;

  /** A pinned range of an external access (struct selftest_access_item). */
  record Item(long id, long iova, long length,
      List<org.iommufdsim.sim.kernel.iopt.IoPagetable.AccessPin> pins) {}

  Access(boolean internal) {
    super(ObjType.ACCESS);
    this.internal = internal;
  }
}
