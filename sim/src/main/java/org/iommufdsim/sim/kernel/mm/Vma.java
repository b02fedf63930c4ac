package org.iommufdsim.sim.kernel.mm;

/**
 * One mapping of a process: {@code [start, start+length)} maps {@code object} from byte
 * {@code objOffset}, with PROT_* bits {@code prot} and MAP_* flags {@code flags}.
 */
public record Vma(long start, long length, int prot, int flags, MemObject object, long objOffset) {
  public long last() {
    return start + length - 1;
  }

  public boolean contains(long addr) {
    return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, last()) <= 0;
  }

  Vma slice(long newStart, long newLength) {
    return new Vma(newStart, newLength, prot, flags, object, objOffset + (newStart - start));
  }
}
