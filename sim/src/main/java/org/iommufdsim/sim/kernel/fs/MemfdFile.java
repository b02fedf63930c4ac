package org.iommufdsim.sim.kernel.fs;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.uapi.Errno;

/** A memfd: a shmem file whose pages every mapping of it shares. */
public final class MemfdFile extends KFile {
  private final MemObject object;

  public MemfdFile(MemObject object) {
    this.object = object;
  }

  public MemObject object() {
    return object;
  }

  @Override
  public String describe() {
    return "/memfd:" + object.name();
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public SysResult read(Task task, long buf, long count) {
    long n = Math.max(0, Math.min(count, object.size() - pos));
    if (n > Integer.MAX_VALUE - 8) {
      n = Integer.MAX_VALUE - 8;
    }
    byte[] b = new byte[(int) n];
    object.read(pos, b, 0, b.length);
    if (!task.mm().copyTo(buf, b)) {
      return SysResult.err(Errno.EFAULT, "read buffer is not writable user memory");
    }
    pos += n;
    return SysResult.ok(n);
  }

  @Override
  public SysResult write(Task task, long buf, long count) {
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      return SysResult.err(Errno.EFBIG, "write too large");
    }
    byte[] b = task.mm().copyFrom(buf, count);
    if (b == null) {
      return SysResult.err(Errno.EFAULT, "write buffer is not readable user memory");
    }
    if (pos + count > object.size()) {
      object.truncate(pos + count);
    }
    object.write(pos, b, 0, b.length);
    pos += count;
    return SysResult.ok(count);
  }
}
