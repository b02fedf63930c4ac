package org.iommufdsim.sim.kernel.fs;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.decide.SysCheck;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.uapi.Errno;

/**
 * An open file (the kernel's {@code struct file}): reference counted by fd table entries and
 * by kernel objects; {@link #release()} runs when the last reference goes. The default
 * operations are those of a file whose driver does not implement them.
 */
public abstract class KFile {
  /** DEFAULT_POLLMASK: POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM. */
  public static final int DEFAULT_POLLMASK = 0x0001 | 0x0004 | 0x0040 | 0x0100;

  private int refs = 1;
  /** f_pos. */
  protected long pos;
  /** f_flags status bits (O_RDWR = 2 for the files modelled here). */
  private int statusFlags = 02;
  private boolean cloexec;

  public final int statusFlags() {
    return statusFlags;
  }

  public final void setStatusFlags(int flags) {
    statusFlags = flags;
  }

  /** FD_CLOEXEC (kept per file here; Linux keeps it per fd). */
  public final boolean cloexec() {
    return cloexec;
  }

  public final void setCloexec(boolean on) {
    cloexec = on;
  }

  /** A name as /proc/self/fd would show it, e.g. {@code /dev/iommu}. */
  public abstract String describe();

  public final void get() {
    refs++;
  }

  /** fput: drops a reference and releases the file when it was the last. */
  public final void put() {
    if (--refs == 0) {
      release();
    }
  }

  public final int refs() {
    return refs;
  }

  /** Called once, when the last reference is dropped. */
  protected void release() {}

  public SysResult ioctl(Task task, long request, long arg) {
    task.kernel().decider().refuse(SysCheck.FILE_IOCTL, true);
    return SysResult.err(Errno.ENOTTY, describe() + " has no ioctl " + Long.toHexString(request));
  }

  /**
   * Whether the file has a read op at all (FMODE_CAN_READ): vfs_read refuses a file without one
   * (EINVAL) before it looks at the buffer.
   */
  public boolean readable() {
    return false;
  }

  /** Whether the file has a write op at all (FMODE_CAN_WRITE). */
  public boolean writable() {
    return false;
  }

  public SysResult read(Task task, long buf, long count) {
    task.kernel().decider().refuse(SysCheck.FILE_READ, true);
    return SysResult.err(Errno.EINVAL, describe() + " cannot be read");
  }

  public SysResult write(Task task, long buf, long count) {
    task.kernel().decider().refuse(SysCheck.FILE_WRITE, true);
    return SysResult.err(Errno.EINVAL, describe() + " cannot be written");
  }

  public int poll(Task task, int events) {
    return DEFAULT_POLLMASK;
  }
}
