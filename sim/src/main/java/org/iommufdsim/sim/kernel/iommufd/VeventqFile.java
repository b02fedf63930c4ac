package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The fd of a vEVENTQ, "[iommufd-viommu-event]" (mirrors eventq.c: iommufd_veventq_fops_*):
 * reads return 8-byte headers each followed by its payload; no write; readable while non-empty.
 */
final class VeventqFile extends KFile {
  private static final int HDR = 8;
  private static final int LOST_EVENTS = 1;
  private final Veventq q;
  private final IommufdFile ictx;

  VeventqFile(Veventq q, IommufdFile ictx) {
    this.q = q;
    this.ictx = ictx;
  }

  @Override
  public String describe() {
    return "anon_inode:[iommufd-viommu-event]";
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public SysResult read(Task task, long buf, long count) {
    org.iommufdsim.sim.kernel.decide.Decider d = task.kernel().decider();
    if (d.refuse(org.iommufdsim.sim.kernel.decide.EventqCheck.VEVENTQ_READ_POS, pos != 0)) {
      return SysResult.err(Errno.ESPIPE, "vEVENTQ reads need position 0");
    }
    long done = 0;
    SysResult rc = SysResult.ok(0);
    while (!q.deliver.isEmpty()) {
      Veventq.Entry e = q.deliver.peekFirst();
      if (done >= count || HDR > count - done) {
        break;
      }
      int len = e.lost() ? 0 : e.payload().length;
      if (!e.lost() && HDR + len > count - done) {
        break;
      }
      byte[] out = new byte[HDR + len];
      putU32(out, 0, e.lost() ? LOST_EVENTS : 0);
      putU32(out, 4, e.sequence());
      if (len > 0) {
        System.arraycopy(e.payload(), 0, out, HDR, len);
      }
      if (d.refuse(org.iommufdsim.sim.kernel.decide.EventqCheck.VEVENTQ_READ_COPY,
          !task.mm().copyTo(buf + done, out))) {
        rc = SysResult.err(Errno.EFAULT, "read buffer is not writable user memory");
        break;
      }
      q.deliver.pollFirst();
      if (!e.lost()) {
        q.numEvents--;
      }
      done += out.length;
    }
    return done == 0 ? rc : SysResult.ok(done);
  }

  @Override
  public SysResult write(Task task, long buf, long count) {
    task.kernel().decider().refuse(org.iommufdsim.sim.kernel.decide.EventqCheck.VEVENTQ_WRITE,
        true);
    return SysResult.err(Errno.EINVAL, "a vEVENTQ fd has no write");
  }

  @Override
  public int poll(Task task, int events) {
    return q.deliver.isEmpty() ? 0 : 0x0001 | 0x0040;
  }

  @Override
  protected void release() {
    q.put();
    ictx.put();
  }

  private static void putU32(byte[] b, int off, long v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
