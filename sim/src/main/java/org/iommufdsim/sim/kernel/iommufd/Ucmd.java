package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Check;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.decide.SysCheck;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One iommufd ioctl in flight (mirrors iommufd_private.h: struct iommufd_ucmd): the kernel's
 * copy of the command struct, zero-extended to the kernel's size, and where it came from.
 */
public final class Ucmd {
  final IommufdFile ictx;
  final Task task;
  final long ubuffer;
  final int userSize;
  final CStruct struct;
  final byte[] cmd;

  Ucmd(IommufdFile ictx, Task task, long ubuffer, int userSize, CStruct struct, byte[] cmd) {
    this.ictx = ictx;
    this.task = task;
    this.ubuffer = ubuffer;
    this.userSize = userSize;
    this.struct = struct;
    this.cmd = cmd;
  }

  /**
   * Records {@code check} in the call's decision path and returns {@code refuses}: the check
   * site both decides and explains, {@code if (u.refuse(C, bad)) return err(...)}.
   */
  public boolean refuse(Check check, boolean refuses) {
    return task.kernel().decider().refuse(check, refuses);
  }

  /** As {@link #refuse(Check, boolean)}, keeping the value looked at. */
  public boolean refuse(Check check, boolean refuses, long value) {
    return task.kernel().decider().refuse(check, refuses, value);
  }

  /** The kernel's decider, for helpers that record without a Ucmd. */
  public Decider decider() {
    return task.kernel().decider();
  }

  public long get(CField f) {
    return f.get(cmd);
  }

  /** A u32 field as an int (IDs, flags). */
  public int u32(CField f) {
    return (int) f.get(cmd);
  }

  public void set(CField f, long value) {
    f.set(cmd, value);
  }

  public Task task() {
    return task;
  }

  public IommufdFile ictx() {
    return ictx;
  }

  /**
   * iommufd_ucmd_respond: copies min(user size, kernel size) bytes of the command back to user
   * space; EFAULT if that fails.
   */
  public SysResult respond() {
    int n = Math.min(userSize, cmd.length);
    return copyToUser(ubuffer, java.util.Arrays.copyOf(cmd, n), "respond: copy_to_user(cmd)");
  }

  /** copy_to_user, a fallible point: EFAULT on a bad pointer or an injected failure. */
  public SysResult copyToUser(long addr, byte[] bytes, String what) {
    if (task.shouldFail("copy_to_user")) {
      return SysResult.err(Errno.EFAULT, what + ": injected fault");
    }
    if (refuse(SysCheck.UCMD_COPY_TO_USER, !task.mm().copyTo(addr, bytes))) {
      return SysResult.err(Errno.EFAULT, what + ": user memory not writable");
    }
    return SysResult.ok();
  }

  /** clear_user of {@code length} bytes, in bounded chunks (zero pages cost no storage). */
  public SysResult clearUser(long addr, long length, String what) {
    byte[] zeros = new byte[(int) Math.min(length, 1 << 16)];
    for (long done = 0; done < length; done += zeros.length) {
      int n = (int) Math.min(zeros.length, length - done);
      byte[] chunk = n == zeros.length ? zeros : new byte[n];
      if (refuse(SysCheck.UCMD_COPY_TO_USER, !task.mm().copyTo(addr + done, chunk))) {
        return SysResult.err(Errno.EFAULT, what + ": user memory not writable");
      }
    }
    return SysResult.ok();
  }

  /** copy_from_user of {@code length} bytes; null on EFAULT. */
  public byte[] copyFromUser(long addr, long length) {
    return task.mm().copyFrom(addr, length);
  }

  static SysResult fail(Errno e, String reason) {
    return SysResult.err(e, reason);
  }
}
