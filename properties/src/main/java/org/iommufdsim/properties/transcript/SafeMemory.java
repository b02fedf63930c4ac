package org.iommufdsim.properties.transcript;

import org.iommufdsim.sim.host.UserMemory;

/**
 * Loads from a process's memory that never fault: what a debugger would show, the mapped
 * prefix of a range. Used only to look, never to change anything.
 */
final class SafeMemory {
  /** No single capture is larger: a wild length must not cost a wild copy. */
  static final int MAX_CAPTURE = 1 << 16;

  private SafeMemory() {}

  /**
   * The bytes of {@code [addr, addr+length)} up to the first unmapped page (at most
   * {@link #MAX_CAPTURE}); empty when {@code addr} itself is not mapped.
   */
  static byte[] prefix(UserMemory mem, long pageSize, long addr, long length) {
    long n = Long.compareUnsigned(length, MAX_CAPTURE) > 0 ? MAX_CAPTURE : length;
    if (n <= 0 || addr + n < addr) {
      return new byte[0];
    }
    try {
      if (mem.isMapped(addr, n)) {
        return mem.load(addr, (int) n);
      }
      long page = pageSize > 0 ? pageSize : 4096;
      long k = Math.min(n, page - Long.remainderUnsigned(addr, page));
      if (!mem.isMapped(addr, k)) {
        return new byte[0];
      }
      while (k < n && mem.isMapped(addr, Math.min(n, k + page))) {
        k = Math.min(n, k + page);
      }
      return mem.load(addr, (int) k);
    } catch (RuntimeException e) {
      return new byte[0];
    }
  }

  /** Whether all of {@code [addr, addr+length)} is mapped (false for an empty or wrapping range). */
  static boolean mapped(UserMemory mem, long addr, long length) {
    if (length <= 0 || addr + length < addr) {
      return false;
    }
    try {
      return mem.isMapped(addr, length);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
