package org.iommufdsim.sim.kernel.iommu;

import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * An array of driver-specific entries a user passes (struct iommu_user_data_array), with the
 * kernel's two copy helpers. {@code handled} is what the driver reports back as entry_num.
 */
public final class UserArray {
  private static final org.iommufdsim.sim.kernel.decide.HwptCheck TYPE =
      org.iommufdsim.sim.kernel.decide.HwptCheck.USER_ARRAY_TYPE;
  private static final org.iommufdsim.sim.kernel.decide.HwptCheck EMPTY =
      org.iommufdsim.sim.kernel.decide.HwptCheck.USER_ARRAY_EMPTY;
  private static final org.iommufdsim.sim.kernel.decide.HwptCheck ENTRY_LEN =
      org.iommufdsim.sim.kernel.decide.HwptCheck.USER_ARRAY_ENTRY_LEN;
  private static final org.iommufdsim.sim.kernel.decide.HwptCheck READ =
      org.iommufdsim.sim.kernel.decide.HwptCheck.USER_ARRAY_READ;
  private static final org.iommufdsim.sim.kernel.decide.HwptCheck TAIL =
      org.iommufdsim.sim.kernel.decide.HwptCheck.USER_ARRAY_TAIL;

  private final Task task;
  private final long type;
  private final long uptr;
  private final long entryLen;
  private final long entryNum;
  private long handled;

  public UserArray(Task task, long type, long uptr, long entryLen, long entryNum) {
    this.task = task;
    this.type = type;
    this.uptr = uptr;
    this.entryLen = entryLen;
    this.entryNum = entryNum;
  }

  /** A fallible kernel allocation made for this array (kcalloc of the entries). */
  public boolean allocFails(String point) {
    return entryNum > 0 && task.shouldFail(point);
  }

  public long type() {
    return type;
  }

  public long entryNum() {
    return entryNum;
  }

  public long handled() {
    return handled;
  }

  public void setHandled(long n) {
    handled = n;
  }

  /**
   * iommu_copy_struct_from_full_user_array: every entry, each zero-extended when shorter than
   * the struct and needing an all-zero tail when longer (E2BIG); EFAULT for a bad pointer.
   */
  public KResult<java.util.List<byte[]>> fullArray(long expectedType, CStruct s) {
    org.iommufdsim.sim.kernel.decide.Decider d = task.kernel().decider();
    if (d.refuse(TYPE, type != expectedType, type)) {
      return KResult.err(Errno.EINVAL, "data_type does not match the driver's");
    }
    if (d.refuse(EMPTY, entryNum == 0)) {
      return KResult.err(Errno.EINVAL, "an empty array");
    }
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    for (long i = 0; i < entryNum; i++) {
      long at = uptr + i * entryLen;
      long n = Math.min(entryLen, s.size());
      if (entryLen > s.size()) {
        int z = task.mm().checkZeroed(at + s.size(), entryLen - s.size());
        if (d.refuse(READ, z < 0)) {
          return KResult.err(Errno.EFAULT, "entry " + i + " is not readable");
        }
        if (d.refuse(TAIL, z == 0)) {
          return KResult.err(Errno.E2BIG, "entry " + i + " has non-zero bytes past the struct");
        }
      }
      byte[] in = task.mm().copyFrom(at, n);
      if (d.refuse(READ, in == null)) {
        return KResult.err(Errno.EFAULT, "entry " + i + " is not readable");
      }
      byte[] e = s.newBuffer();
      System.arraycopy(in, 0, e, 0, in.length);
      out.add(e);
    }
    return KResult.ok(out);
  }

  /**
   * iommu_copy_struct_from_user_array: entry {@code index}; EINVAL for another type or an
   * entry_len below the struct's minimum or above its size, EFAULT for a bad pointer.
   */
  public KResult<byte[]> entry(long expectedType, CStruct s, long index) {
    org.iommufdsim.sim.kernel.decide.Decider d = task.kernel().decider();
    if (d.refuse(TYPE, type != expectedType, type)) {
      return KResult.err(Errno.EINVAL, "data_type does not match the driver's");
    }
    if (d.refuse(ENTRY_LEN, Long.compareUnsigned(entryLen, s.minSize()) < 0
        || Long.compareUnsigned(entryLen, s.size()) > 0, entryLen)) {
      return KResult.err(Errno.EINVAL, "entry_len " + entryLen + " is outside ["
          + s.minSize() + ", " + s.size() + "]");
    }
    byte[] in = task.mm().copyFrom(uptr + index * entryLen, entryLen);
    if (d.refuse(READ, in == null)) {
      return KResult.err(Errno.EFAULT, "entry " + index + " is not readable user memory");
    }
    byte[] out = s.newBuffer();
    System.arraycopy(in, 0, out, 0, in.length);
    return KResult.ok(out);
  }
}
