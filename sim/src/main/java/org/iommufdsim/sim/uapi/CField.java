package org.iommufdsim.sim.uapi;

/**
 * One scalar leaf of a C struct: its full path ({@code mock_domain.out_stdev_id},
 * {@code __reserved[2]}), byte offset and width (1, 2, 4 or 8 bytes, little-endian).
 */
public record CField(String path, long offset, int width, boolean signed) {

  /** The value as an unsigned (or sign-extended, for signed fields) 64-bit number. */
  public long get(byte[] buf) {
    return get(buf, 0);
  }

  public long get(byte[] buf, int base) {
    int o = base + (int) offset;
    long v = 0;
    for (int i = width - 1; i >= 0; i--) {
      v = (v << 8) | (buf[o + i] & 0xffL);
    }
    if (signed && width < 8) {
      int shift = 64 - 8 * width;
      v = (v << shift) >> shift;
    }
    return v;
  }

  /** Stores the low {@code width} bytes of {@code value}. */
  public void set(byte[] buf, long value) {
    set(buf, 0, value);
  }

  public void set(byte[] buf, int base, long value) {
    int o = base + (int) offset;
    for (int i = 0; i < width; i++) {
      buf[o + i] = (byte) (value >>> (8 * i));
    }
  }

  /** True if {@code value} fits this field's width (as unsigned, or as signed for signed fields). */
  public boolean fits(long value) {
    if (width == 8) {
      return true;
    }
    long bits = 8L * width;
    if (signed) {
      long min = -(1L << (bits - 1));
      long max = (1L << (bits - 1)) - 1;
      // a negative literal for a signed field, or its unsigned spelling
      return (value >= min && value <= max) || (value >>> bits) == 0;
    }
    return (value >>> bits) == 0;
  }

  /** Offset of the first byte after this field. */
  public long end() {
    return offset + width;
  }
}
