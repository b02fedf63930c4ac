package org.iommufdsim.backend.os;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * One C struct laid out in a process's user memory: what a C program has when it declares
 * {@code struct iommu_ioas_map map = {...}} and passes {@code &map} to {@code ioctl()}. Field
 * accesses are the program's own loads and stores (no system call); the layout comes from the
 * uAPI's {@link CStruct}, the single source of truth for offsets.
 */
public final class UStruct {
  private final UserMemory memory;
  private final CStruct type;
  private final long addr;

  private UStruct(UserMemory memory, CStruct type, long addr) {
    this.memory = Objects.requireNonNull(memory);
    this.type = Objects.requireNonNull(type);
    this.addr = addr;
  }

  /** The struct at {@code addr}, as it is (not zeroed). */
  public static UStruct at(UserMemory memory, CStruct type, long addr) {
    return new UStruct(memory, type, addr);
  }

  /** The struct at {@code addr}, zeroed first: C's {@code = {...}} initialisation. */
  public static UStruct zeroed(UserMemory memory, CStruct type, long addr) {
    UStruct s = new UStruct(memory, type, addr);
    memory.store(addr, type.newBuffer());
    return s;
  }

  /** {@code &s}: the user address of the struct. */
  public long addr() {
    return addr;
  }

  public CStruct type() {
    return type;
  }

  /** {@code sizeof(s)}. */
  public int size() {
    return type.size();
  }

  /** {@code s.path = value}; a value wider than the field is a bug in the caller. */
  public UStruct set(String path, long value) {
    CField f = type.field(path);
    checkArgument(f.fits(value), "%s.%s cannot hold 0x%s", type.name(), path,
        Long.toHexString(value));
    byte[] b = new byte[f.width()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    memory.store(addr + f.offset(), b);
    return this;
  }

  /** {@code s.path}: zero-extended, or sign-extended for a signed field. */
  public long get(String path) {
    CField f = type.field(path);
    byte[] b = memory.load(addr + f.offset(), f.width());
    long v = 0;
    for (int i = b.length - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xffL);
    }
    if (f.signed() && f.width() < 8) {
      int shift = 64 - 8 * f.width();
      v = (v << shift) >> shift;
    }
    return v;
  }

  /** {@code s.path} of a 32-bit (or narrower) field, as C's {@code uint32_t} bits in an int. */
  public int u32(String path) {
    return (int) get(path);
  }

  @Override
  public String toString() {
    return "struct " + type.name() + " @0x" + Long.toHexString(addr);
  }
}
