package org.iommufdsim.sim.host;

/**
 * A process's own loads and stores, as a C program dereferences pointers: no system call, no
 * errno. Touching unmapped memory throws {@link SegmentationFault}.
 */
public interface UserMemory {
  byte[] load(long addr, int length);

  void store(long addr, byte[] bytes);

  /** True if every byte of {@code [addr, addr+length)} is mapped. */
  boolean isMapped(long addr, long length);

  default long load64(long addr) {
    byte[] b = load(addr, 8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xffL);
    }
    return v;
  }

  default void store64(long addr, long value) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    store(addr, b);
  }

  default int load32(long addr) {
    return (int) (load64Bytes(addr, 4));
  }

  private long load64Bytes(long addr, int n) {
    byte[] b = load(addr, n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xffL);
    }
    return v;
  }
}
