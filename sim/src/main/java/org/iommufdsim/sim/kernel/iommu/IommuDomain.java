package org.iommufdsim.sim.kernel.iommu;

import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.util.U64;

/**
 * An IOMMU domain (include/linux/iommu.h: struct iommu_domain): what a device's DMA goes
 * through. A paging domain's translations are the areas of the IOAS it is added to (the
 * simulator derives them instead of copying them); a nested domain is a user-owned stage 1 on a
 * paging parent. Dirty bits are kept per IO page as ranges.
 */
public final class IommuDomain {
  /** IOMMU_DOMAIN_*: the kinds iommufd deals with. */
  public enum Type {
    BLOCKED,
    PAGING,
    NESTED
  }

  private final Type type;
  private final IommuDriver driver;
  private final long pgsizeBitmap;
  private final long apertureStart;
  private final long apertureEnd;
  private final boolean dirtyOps;
  private final IommuDomain parent;
  private final Object priv;
  private boolean dirtyTracking;
  /** Set by iommufd when the HWPT has a fault object (iommufd_fault_iopf_handler). */
  private Object iopfHandler;
  /** Dirty IO pages: start -> inclusive last, merged. */
  private final TreeMap<Long, Long> dirty = new TreeMap<>(Long::compareUnsigned);

  public IommuDomain(Type type, IommuDriver driver, long pgsizeBitmap, long apertureStart,
      long apertureEnd, boolean dirtyOps, IommuDomain parent, Object priv) {
    this.type = type;
    this.driver = driver;
    this.pgsizeBitmap = pgsizeBitmap;
    this.apertureStart = apertureStart;
    this.apertureEnd = apertureEnd;
    this.dirtyOps = dirtyOps;
    this.parent = parent;
    this.priv = priv;
  }

  public Type type() {
    return type;
  }

  public IommuDriver driver() {
    return driver;
  }

  public long pgsizeBitmap() {
    return pgsizeBitmap;
  }

  /** The smallest IO page: 1 << the lowest set bit of the page-size bitmap. */
  public long minPageSize() {
    return U64.lowestBit(pgsizeBitmap);
  }

  public long apertureStart() {
    return apertureStart;
  }

  public long apertureEnd() {
    return apertureEnd;
  }

  public boolean hasDirtyOps() {
    return dirtyOps;
  }

  public IommuDomain parent() {
    return parent;
  }

  /** Driver-private state (the mock's IOTLB, a VT-d context, ...). */
  public Object priv() {
    return priv;
  }

  public boolean dirtyTracking() {
    return dirtyTracking;
  }

  public void setDirtyTracking(boolean on) {
    dirtyTracking = on;
  }

  public Object iopfHandler() {
    return iopfHandler;
  }

  public void setIopfHandler(Object handler) {
    iopfHandler = handler;
  }

  // ---- dirty bits ----

  /** Marks {@code [iova, last]} dirty (both already aligned to the recording granule). */
  public void markDirty(long iova, long last) {
    Map.Entry<Long, Long> before = dirty.floorEntry(iova);
    long s = iova;
    long l = last;
    if (before != null && U64.ge(before.getValue(), iova == 0 ? 0 : iova - 1)) {
      s = before.getKey();
      l = U64.max(l, before.getValue());
    }
    while (true) {
      Map.Entry<Long, Long> next = dirty.ceilingEntry(s);
      if (next == null || (l != U64.MAX && U64.gt(next.getKey(), l + 1))) {
        break;
      }
      l = U64.max(l, next.getValue());
      dirty.remove(next.getKey());
    }
    dirty.put(s, l);
  }

  /** Dirty sub-ranges of {@code [iova, last]}, optionally clearing them. */
  public java.util.List<long[]> readDirty(long iova, long last, boolean clear) {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    Map.Entry<Long, Long> e = dirty.floorEntry(iova);
    java.util.List<long[]> hits = new java.util.ArrayList<>();
    if (e != null && U64.ge(e.getValue(), iova)) {
      hits.add(new long[] {e.getKey(), e.getValue()});
    }
    dirty.subMap(iova, false, last, true).forEach((s, l) -> hits.add(new long[] {s, l}));
    for (long[] h : hits) {
      long s = U64.max(h[0], iova);
      long l = U64.min(h[1], last);
      out.add(new long[] {s, l});
      if (clear) {
        dirty.remove(h[0]);
        if (U64.lt(h[0], s)) {
          dirty.put(h[0], s - 1);
        }
        if (U64.gt(h[1], l)) {
          dirty.put(l + 1, h[1]);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return type + " domain of " + driver.name();
  }
}
