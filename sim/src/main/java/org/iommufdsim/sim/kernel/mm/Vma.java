package org.iommufdsim.sim.kernel.mm;

/**
 * One mapping of a process: {@code [start, start+length)} maps {@code object} from byte
 * {@code objOffset}, with PROT_* bits {@code prot} and MAP_* flags {@code flags}.
 */
public record Vma(long start, long length, int prot, int flags, MemObject object, long objOffset,
    Ref ref) {
  /** A driver mapping's open/close accounting (vm_ops open/close): pieces alive, and the close. */
  public static final class Ref {
    private int pieces = 1;
    private final Runnable onLastClose;

    public Ref(Runnable onLastClose) {
      this.onLastClose = onLastClose;
    }

    void open() {
      pieces++;
    }

    void close() {
      if (--pieces == 0) {
        onLastClose.run();
      }
    }
  }

  public Vma(long start, long length, int prot, int flags, MemObject object, long objOffset) {
    this(start, length, prot, flags, object, objOffset, null);
  }

  public long last() {
    return start + length - 1;
  }

  public boolean contains(long addr) {
    return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, last()) <= 0;
  }

  Vma slice(long newStart, long newLength) {
    if (ref != null) {
      ref.open();
    }
    return new Vma(newStart, newLength, prot, flags, object, objOffset + (newStart - start), ref);
  }
}
