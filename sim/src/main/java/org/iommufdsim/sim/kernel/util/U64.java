package org.iommufdsim.sim.kernel.util;

/** Unsigned 64-bit arithmetic as the kernel does it on {@code unsigned long}. */
public final class U64 {
  public static final long MAX = -1L;

  private U64() {}

  public static boolean lt(long a, long b) {
    return Long.compareUnsigned(a, b) < 0;
  }

  public static boolean le(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0;
  }

  public static boolean gt(long a, long b) {
    return Long.compareUnsigned(a, b) > 0;
  }

  public static boolean ge(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0;
  }

  public static long min(long a, long b) {
    return lt(a, b) ? a : b;
  }

  public static long max(long a, long b) {
    return lt(a, b) ? b : a;
  }

  /** check_add_overflow(a, b): true if a + b does not fit 64 bits. */
  public static boolean addOverflows(long a, long b) {
    return Long.compareUnsigned(a + b, a) < 0;
  }

  /** roundup_pow_of_two for 0 < x <= 2^63. */
  public static long roundupPow2(long x) {
    if (x == 1) {
      return 1;
    }
    return Long.highestOneBit(x - 1) << 1;
  }

  /** 1 << __ffs64(x): the lowest set bit. */
  public static long lowestBit(long x) {
    return x & -x;
  }

  /** Do two inclusive ranges intersect? */
  public static boolean intersects(long s1, long l1, long s2, long l2) {
    return le(s1, l2) && le(s2, l1);
  }

  public static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
