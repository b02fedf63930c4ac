package org.iommufdsim.sim.kernel.mm;

import java.util.Arrays;
import org.iommufdsim.sim.kernel.util.RunCounts;
import java.util.Map;
import java.util.TreeMap;

/**
 * Physical memory behind a mapping: anonymous memory or a memfd's page cache. Sparse: a page
 * holds storage only once written; unwritten pages read as zero. Every mapping of a memfd
 * shares its one MemObject, so writes through any of them are seen by all.
 */
public final class MemObject {
  private final String name;
  private final long pageSize;
  private final boolean file;
  private long size;
  private final TreeMap<Long, byte[]> pages = new TreeMap<>();
  /** log2(pageSize): page sizes are powers of two. */
  private final int pageShift;
  /** The page looked up last and its index (-1: none): runs of accesses to a page skip the map. */
  private long cachedIdx = -1;
  private byte[] cachedPage;
  private final RunCounts pins = new RunCounts();
  /** A stable identity for traces and invariant reports (creation order within the host). */
  private final long serial;

  public MemObject(String name, long pageSize, long size, boolean file, long serial) {
    this.name = name;
    this.pageSize = pageSize;
    this.size = size;
    this.file = file;
    this.serial = serial;
    if (Long.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size " + pageSize + " is not a power of two");
    }
    this.pageShift = Long.numberOfTrailingZeros(pageSize);
  }

  /** The stored page {@code idx}, or null while it was never written. */
  private byte[] page(long idx) {
    if (idx == cachedIdx) {
      return cachedPage;
    }
    byte[] p = pages.get(idx);
    if (p != null) {
      cachedIdx = idx;
      cachedPage = p;
    }
    return p;
  }

  public String name() {
    return name;
  }

  public boolean isFile() {
    return file;
  }

  public long serial() {
    return serial;
  }

  /** Bytes; pages at or past {@code size} do not exist (reading them is a fault). */
  public long size() {
    return size;
  }

  /** ftruncate: shrinking drops the storage of whole pages past the new end. */
  public void truncate(long newSize) {
    if (newSize < size) {
      long firstGone = (newSize + pageSize - 1) / pageSize;
      pages.tailMap(firstGone, true).clear();
      cachedIdx = -1;
      cachedPage = null;
      long partial = newSize / pageSize;
      byte[] p = pages.get(partial);
      if (p != null && newSize % pageSize != 0) {
        Arrays.fill(p, (int) (newSize % pageSize), p.length, (byte) 0);
      }
    }
    size = newSize;
  }

  public RunCounts pins() {
    return pins;
  }

  /** Number of pages holding storage (for scale tests and invariants). */
  public int storedPages() {
    return pages.size();
  }

  /** Copies {@code len} bytes at object offset {@code off} into {@code dst[dstOff..]}. */
  public void read(long off, byte[] dst, int dstOff, int len) {
    int done = 0;
    while (done < len) {
      long pos = off + done;
      long idx = pos >>> pageShift;
      int inPage = (int) (pos & (pageSize - 1));
      int n = (int) Math.min(len - done, pageSize - inPage);
      byte[] p = page(idx);
      if (p == null) {
        Arrays.fill(dst, dstOff + done, dstOff + done + n, (byte) 0);
      } else {
        System.arraycopy(p, inPage, dst, dstOff + done, n);
      }
      done += n;
    }
  }

  public void write(long off, byte[] src, int srcOff, int len) {
    int done = 0;
    while (done < len) {
      long pos = off + done;
      long idx = pos >>> pageShift;
      int inPage = (int) (pos & (pageSize - 1));
      int n = (int) Math.min(len - done, pageSize - inPage);
      byte[] p = page(idx);
      if (p == null) {
        if (allZero(src, srcOff + done, n)) {
          done += n;
          continue;
        }
        p = new byte[(int) pageSize];
        pages.put(idx, p);
      }
      System.arraycopy(src, srcOff + done, p, inPage, n);
      done += n;
    }
  }

  private static boolean allZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** True if {@code [off, off+len)} holds only zero bytes (unwritten pages are zero). */
  public boolean isZero(long off, long len) {
    long firstPage = off / pageSize;
    long lastPage = (off + len - 1) / pageSize;
    for (Map.Entry<Long, byte[]> e : pages.subMap(firstPage, true, lastPage, true).entrySet()) {
      long pageStart = e.getKey() * pageSize;
      int from = (int) Math.max(0, off - pageStart);
      int to = (int) Math.min(pageSize, off + len - pageStart);
      byte[] p = e.getValue();
      for (int i = from; i < to; i++) {
        if (p[i] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Read-only view of stored pages, for invariant checks. */
  Map<Long, byte[]> storedPageMap() {
    return pages;
  }

  @Override
  public String toString() {
    return (file ? "memfd:" : "anon:") + name + "#" + serial;
  }
}
