package org.iommufdsim.sim.kernel.iommu;

import static org.iommufdsim.sim.kernel.decide.HwptCheck.*;

import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Driver-specific data a user passes with an ioctl (struct iommu_user_data): its type, pointer
 * and length, and the kernel's copy helper.
 */
public record UserData(Task task, long type, long uptr, long len) {

  /**
   * iommu_copy_struct_from_user: EINVAL for another type, a length below the struct's minimum
   * or above its size; then copy_struct_from_user (EFAULT). Returns the struct zero-extended.
   */
  public KResult<byte[]> copy(long expectedType, CStruct s) {
    Decider d = task.kernel().decider();
    if (d.refuse(USER_DATA_TYPE, type != expectedType, type)) {
      return KResult.err(Errno.EINVAL, "data_type " + Long.toHexString(type) + " is not "
          + Long.toHexString(expectedType));
    }
    if (d.refuse(USER_DATA_LEN,
        Long.compareUnsigned(len, s.minSize()) < 0 || Long.compareUnsigned(s.size(), len) < 0,
        len)) {
      return KResult.err(Errno.EINVAL, "data_len " + len + " is outside [" + s.minSize() + ", "
          + s.size() + "] for struct " + s.name());
    }
    byte[] in = task.mm().copyFrom(uptr, len);
    if (d.refuse(USER_DATA_READ, in == null)) {
      return KResult.err(Errno.EFAULT, "data_uptr is not readable user memory");
    }
    byte[] out = s.newBuffer();
    System.arraycopy(in, 0, out, 0, in.length);
    return KResult.ok(out);
  }
}
