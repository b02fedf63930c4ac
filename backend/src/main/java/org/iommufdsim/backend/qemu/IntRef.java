package org.iommufdsim.backend.qemu;

/**
 * A C {@code uint32_t *} / {@code int *} out-parameter: the callee writes {@link #value}, or
 * leaves it untouched (QEMU's failure paths rely on that). A {@code uint32_t} is held as its
 * 32 bits in an int; {@link #unsigned()} reads it back unsigned.
 */
public final class IntRef {
  public int value;

  public IntRef() {}

  public IntRef(int value) {
    this.value = value;
  }

  public long unsigned() {
    return value & 0xffffffffL;
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
