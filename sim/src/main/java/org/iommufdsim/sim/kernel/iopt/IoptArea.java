package org.iommufdsim.sim.kernel.iopt;

/**
 * One mapping in an IOAS (the kernel's {@code struct iopt_area}): IOVA range
 * {@code [iova, last]}, protection, and the slice of its pages it maps, starting
 * {@code startByte} bytes into them.
 */
public final class IoptArea {
  private final long iova;
  private final long last;
  private final int prot;
  private final IoptPages pages;
  private final long startByte;
  /** Pins held by external accesses (the emulated-device unmap protocol). */
  int numAccesses;
  /** Pins held by internal accesses (HW queues): unmap is EBUSY while non-zero. */
  int numLocks;
  boolean preventAccess;

  IoptArea(long iova, long last, int prot, IoptPages pages, long startByte) {
    this.iova = iova;
    this.last = last;
    this.prot = prot;
    this.pages = pages;
    this.startByte = startByte;
  }

  public long iova() {
    return iova;
  }

  public long last() {
    return last;
  }

  public long length() {
    return last - iova + 1;
  }

  public int prot() {
    return prot;
  }

  public IoptPages pages() {
    return pages;
  }

  /** Byte offset of {@link #iova()} within the pages. */
  public long startByte() {
    return startByte;
  }

  /** iopt_area_start_byte: the pages byte offset of {@code at}. */
  public long startByteOf(long at) {
    return startByte + (at - iova);
  }

  public int numAccesses() {
    return numAccesses;
  }

  public boolean preventAccess() {
    return preventAccess;
  }

  public int numLocks() {
    return numLocks;
  }
}
