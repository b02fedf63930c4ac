package org.iommufdsim.backend.qemu;

/** A C {@code uint64_t *} out-parameter (64 bits in a long). */
public final class LongRef {
  public long value;

  public LongRef() {}

  public LongRef(long value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return "0x" + Long.toHexString(value);
  }
}
