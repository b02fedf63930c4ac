package org.iommufdsim.sim.kernel.iommufd;

import java.util.function.Function;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The end of creating a file-backed object (mirrors eventq.c: iommufd_eventq_init and the tail
 * of the FAULT / vEVENTQ alloc ioctls): the anonymous file takes a user on the object and a
 * reference on the context, an fd number is reserved, the IDs are written back, and only then is
 * the fd installed and the object published. Any failure undoes all of it.
 */
final class EventqFiles {
  private EventqFiles() {}

  static SysResult publish(Ucmd u, IommufdObject obj, String name,
      Function<IommufdObject, KFile> makeFile, CField outId, CField outFd) {
    if (u.task.shouldFail("anon_inode_getfile", name)) {
      Lifecycle.abortAndDestroy(u.ictx, obj);
      return SysResult.err(Errno.ENOMEM, "creating the " + name + " file failed");
    }
    KFile file = makeFile.apply(obj);
    obj.get();
    u.ictx.get();
    int fd = u.task.reserveFd();
    if (u.refuse(org.iommufdsim.sim.kernel.decide.EventqCheck.EVENTQ_FD, fd < 0)) {
      file.put();
      Lifecycle.abortAndDestroy(u.ictx, obj);
      return SysResult.err(Errno.EMFILE, "no free fd");
    }
    u.set(outId, obj.id());
    u.set(outFd, fd);
    SysResult r = u.respond();
    if (!r.isOk()) {
      u.task.unreserveFd(fd);
      file.put();
      Lifecycle.abortAndDestroy(u.ictx, obj);
      return r;
    }
    Lifecycle.finalize(u.ictx, obj);
    u.task.installFd(fd, file);
    return SysResult.ok();
  }
}
