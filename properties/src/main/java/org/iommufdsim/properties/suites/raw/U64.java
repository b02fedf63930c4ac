package org.iommufdsim.properties.suites.raw;

/** Unsigned 64-bit helpers for IOVAs, lengths and user addresses (the model's own). */
final class U64 {
  static final long MAX = -1L;

  private U64() {}

  static boolean lt(long a, long b) {
    return Long.compareUnsigned(a, b) < 0;
  }

  static boolean le(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0;
  }

  static long max(long a, long b) {
    return lt(a, b) ? b : a;
  }

  static long min(long a, long b) {
    return lt(a, b) ? a : b;
  }

  /** {@code a + b} overflows 64 bits. */
  static boolean addOverflows(long a, long b) {
    return Long.compareUnsigned(a + b, a) < 0;
  }

  /** Round {@code v} up to a multiple of the power of two {@code align}; may wrap to 0. */
  static long alignUp(long v, long align) {
    return (v + align - 1) & -align;
  }

  static boolean aligned(long v, long align) {
    return (v & (align - 1)) == 0;
  }

  /** The smallest power of two not below {@code v} (v in [1, 2^63]). */
  static long roundUpPow2(long v) {
    long h = Long.highestOneBit(v);
    return h == v ? v : h << 1;
  }

  static boolean intersects(long s1, long l1, long s2, long l2) {
    return le(s1, l2) && le(s2, l1);
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
