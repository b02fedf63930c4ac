package org.iommufdsim.sim.kernel;

import org.iommufdsim.sim.host.SysResult;
import static org.iommufdsim.sim.kernel.decide.SysCheck.*;

import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.fs.MemfdFile;
import org.iommufdsim.sim.kernel.iommufd.IommufdFile;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.kernel.mm.Mm;
import org.iommufdsim.sim.kernel.mm.Vma;
import org.iommufdsim.sim.kernel.trace.CallFormat;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The system-call layer of one task: argument checks that belong to the VFS and mm, then the
 * file's operation; every call leaves one trace line.
 */
public final class Syscall {
  private static final int MAP_SHARED = 0x01;
  private static final int MAP_PRIVATE = 0x02;
  private static final int MAP_FIXED = 0x10;
  private static final int MAP_ANONYMOUS = 0x20;
  private static final int MFD_VALID = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010;

  private final Kernel kernel;
  private final Task task;

  public Syscall(Kernel kernel, Task task) {
    this.kernel = kernel;
    this.task = task;
  }

  private Decider d() {
    return kernel.decider();
  }

  /** A call begins: its checks record into the task's decision log. */
  private void enter() {
    task.enterCall();
  }

  /** A call ends: the log remembers what it answered. */
  private SysResult done(SysResult r, java.util.function.Supplier<String> call) {
    task.decisions().end(r.errno(), r.reason());
    kernel.decider().end();
    kernel.callEnded(task, call);
    return r;
  }

  private SysResult traced(String text, SysResult r) {
    done(r, () -> text);
    kernel.tracer().line(() -> "pid " + task.pid() + ": " + text + " " + CallFormat.result(r));
    return r;
  }

  public SysResult open(String path) {
    enter();
    return traced("open(\"" + path + "\")", doOpen(path));
  }

  private SysResult doOpen(String path) {
    // the simulator's own guard (a process that exited makes no calls): recorded only when it
    // refuses, so a live process's open shows the kernel's checks alone
    if (task.exited() && d().refuse(PROCESS_ALIVE, true)) {
      return SysResult.err(Errno.ESRCH, "process has exited");
    }
    KFile file;
    if (path.equals("/dev/iommu")) {
      if (task.shouldFail("kzalloc(iommufd_ctx)")) {
        return SysResult.err(Errno.ENOMEM, "allocating the iommufd context failed");
      }
      file = new IommufdFile(kernel, task, false);
    } else if (path.equals("/dev/vfio/vfio")) {
      if (task.shouldFail("kzalloc(iommufd_ctx)")) {
        return SysResult.err(Errno.ENOMEM, "allocating the iommufd context failed");
      }
      file = new IommufdFile(kernel, task, true);
    } else {
      SysResult dev = kernel.devices().open(task, path);
      if (dev != null) {
        return dev;
      }
      d().refuse(OPEN_PATH, true);
      return SysResult.err(Errno.ENOENT, "no such file: " + path);
    }
    int fd = task.reserveFd();
    if (d().refuse(OPEN_FD, fd < 0)) {
      file.put();
      return SysResult.err(Errno.EMFILE, "too many open files");
    }
    task.installFd(fd, file);
    return SysResult.ok(fd);
  }

  public SysResult close(int fd) {
    enter();
    return traced("close(" + fd + ")", task.file(fd) == null ? badFd(fd) : closeOpen(fd));
  }

  private SysResult closeOpen(int fd) {
    kernel.decider().pass(org.iommufdsim.sim.kernel.decide.SysCheck.FD_OPEN);
    task.closeFd(fd);
    return SysResult.ok();
  }

  public SysResult ioctl(int fd, long request, long arg) {
    enter();
    KFile f = task.file(fd);
    if (!kernel.tracer().enabled()) {
      return done(f == null ? badFd(fd) : f.ioctl(task, request, arg),
          () -> "ioctl(" + fd + ", " + CallFormat.request(request) + ", 0x"
              + Long.toHexString(arg) + ")");
    }
    CallFormat.Args before = CallFormat.ioctlArgs(task, request, arg);
    SysResult r = f == null ? badFd(fd) : f.ioctl(task, request, arg);
    String after = CallFormat.ioctlOutputs(task, arg, before);
    return traced("ioctl(" + fd + ", " + CallFormat.request(request) + ", " + before.text()
        + ")" + after, r);
  }

  public SysResult read(int fd, long buf, long count) {
    enter();
    KFile f = task.file(fd);
    SysResult r;
    if (f == null) {
      r = badFd(fd);
    } else if (d().refuse(FILE_READ, !f.readable())) {
      r = SysResult.err(Errno.EINVAL, f.describe() + " cannot be read");
    } else if (d().refuse(RW_ACCESS_OK, !accessOk(buf, count), count)) {
      r = SysResult.err(Errno.EFAULT, "buf + count reaches past the top of user space");
    } else if (d().refuse(COUNT_SIZE, count < 0)) {
      r = SysResult.err(Errno.EINVAL, "count is larger than SSIZE_MAX");
    } else {
      r = f.read(task, buf, count);
    }
    return traced(String.format("read(%d, 0x%x, %d)", fd, buf, count), r);
  }

  public SysResult write(int fd, long buf, long count) {
    enter();
    KFile f = task.file(fd);
    SysResult r;
    if (f == null) {
      r = badFd(fd);
    } else if (d().refuse(FILE_WRITE, !f.writable())) {
      r = SysResult.err(Errno.EINVAL, f.describe() + " cannot be written");
    } else if (d().refuse(RW_ACCESS_OK, !accessOk(buf, count), count)) {
      r = SysResult.err(Errno.EFAULT, "buf + count reaches past the top of user space");
    } else if (d().refuse(COUNT_SIZE, count < 0)) {
      r = SysResult.err(Errno.EINVAL, "count is larger than SSIZE_MAX");
    } else {
      r = f.write(task, buf, count);
    }
    return traced(String.format("write(%d, 0x%x, %d)", fd, buf, count), r);
  }

  public SysResult poll(int fd, int events) {
    enter();
    KFile f = task.file(fd);
    int always = 0x0008 | 0x0010; // POLLERR | POLLHUP are reported whatever was asked
    int revents = f == null ? 0x0020 : f.poll(task, events) & (events | always);
    return traced(String.format("poll([{fd=%d, events=%s}], 1, 0)", fd,
        org.iommufdsim.sim.uapi.Uapi.symbolic("poll_events", events & 0xffffL)),
        SysResult.ok(revents & 0xffff));
  }

  public SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    enter();
    return traced(String.format("mmap(0x%x, 0x%x, %s, %s, %d, 0x%x)", addr, length,
        org.iommufdsim.sim.uapi.Uapi.symbolic("mmap_prot", prot & 0xffffffffL),
        org.iommufdsim.sim.uapi.Uapi.symbolic("mmap_flags", flags & 0xffffffffL), fd, offset), doMmap(addr, length, prot, flags, fd, offset));
  }

  private SysResult doMmap(long addr, long length, int prot, int flags, int fd, long offset) {
    Mm mm = task.mm();
    int type = flags & (MAP_SHARED | MAP_PRIVATE);
    Decider d = d();
    if (d.refuse(MMAP_TYPE, type == 0 || type == (MAP_SHARED | MAP_PRIVATE), flags)) {
      return SysResult.err(Errno.EINVAL, "flags must hold exactly one of MAP_SHARED, MAP_PRIVATE");
    }
    if (d.refuse(MMAP_FIXED, (flags & MAP_FIXED) != 0)) {
      return SysResult.err(Errno.EINVAL, "MAP_FIXED is not modelled");
    }
    // do_mmap does not look at unknown prot bits (only mprotect asks arch_validate_prot)
    if (d.refuse(MMAP_LENGTH, length == 0 || (offset & (mm.pageSize() - 1)) != 0)) {
      return SysResult.err(Errno.EINVAL, "length is 0 or offset is not page aligned");
    }
    long rounded = mm.roundUp(length);
    if (d.refuse(MMAP_SIZE, rounded == 0 || Long.compareUnsigned(rounded, Mm.TASK_SIZE) > 0,
        length)) {
      return SysResult.err(Errno.ENOMEM, "length does not fit the address space");
    }
    MemObject obj;
    long objOffset = 0;
    if ((flags & MAP_ANONYMOUS) != 0) {
      obj = kernel.newMemObject("anon", rounded, false);
    } else {
      KFile f = task.file(fd);
      if (f == null) {
        return badFd(fd);
      }
      if (f instanceof IommufdFile ictx) {
        return mmapIommufd(ictx, length, prot, flags, offset);
      }
      if (d.refuse(MMAP_FILE, !(f instanceof MemfdFile)) || !(f instanceof MemfdFile m)) {
        return SysResult.err(Errno.ENODEV, f.describe() + " cannot be mapped");
      }
      if (d.refuse(MMAP_FILE_PRIVATE, type == MAP_PRIVATE)) {
        return SysResult.err(Errno.ENODEV, "private file mappings are not modelled");
      }
      if (d.refuse(MMAP_OFFSET, Long.compareUnsigned(offset, Long.MAX_VALUE - rounded) > 0)) {
        return SysResult.err(Errno.EOVERFLOW, "offset + length overflows");
      }
      obj = m.object();
      objOffset = offset;
    }
    long start = mm.reserve(length);
    if (d.refuse(MMAP_SPACE, start < 0)) {
      return SysResult.err(Errno.ENOMEM, "address space exhausted");
    }
    mm.insert(new Vma(start, rounded, prot, flags, obj, objOffset));
    return SysResult.ok(start);
  }

  /** Mirrors main.c: iommufd_fops_mmap (vIOMMU MMIO regions). */
  private SysResult mmapIommufd(IommufdFile ictx, long length, int prot, int flags, long offset) {
    Decider d = d();
    if (d.refuse(IOMMUFD_MMAP_SHARED, (flags & MAP_SHARED) == 0)) {
      return SysResult.err(Errno.EINVAL, "an iommufd mapping must be MAP_SHARED");
    }
    if (d.refuse(IOMMUFD_MMAP_EXEC, (prot & 0x4) != 0)) {
      return SysResult.err(Errno.EPERM, "an iommufd mapping cannot be executable");
    }
    Mm mm = task.mm();
    long rounded = mm.roundUp(length);
    IommufdFile.MmapRegion r = ictx.mmapRegion(offset, rounded);
    if (d.refuse(IOMMUFD_MMAP_REGION, r == null, offset)) {
      return SysResult.err(Errno.ENXIO, "no mmap region at exactly this offset and length");
    }
    long start = mm.reserve(rounded);
    if (d.refuse(MMAP_SPACE, start < 0)) {
      return SysResult.err(Errno.ENOMEM, "address space exhausted");
    }
    Vma.Ref ref = ictx.mmapRef(r);
    mm.insert(new Vma(start, rounded, prot, flags, r.memory(), 0, ref));
    return SysResult.ok(start);
  }

  public SysResult munmap(long addr, long length) {
    enter();
    Errno e = task.mm().checkMunmap(addr, length);
    SysResult r;
    if (d().refuse(MUNMAP_ARGS, e != null)) {
      r = SysResult.err(e, "addr not page aligned, length 0, or range outside user space");
    } else {
      task.mm().unmap(addr, task.mm().roundUp(length));
      r = SysResult.ok();
    }
    return traced(String.format("munmap(0x%x, 0x%x)", addr, length), r);
  }

  private static final int F_GETFD = 1;
  private static final int F_SETFD = 2;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;
  /** O_APPEND | O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_NOATIME: what F_SETFL may change. */
  private static final int SETFL_MASK = 02000 | 04000 | 010000 | 020000 | 040000 | 01000000;

  public SysResult fcntl(int fd, int cmd, long arg) {
    enter();
    KFile f = task.file(fd);
    SysResult r;
    if (f == null) {
      r = badFd(fd);
    } else {
      r = switch (cmd) {
        case F_GETFD -> SysResult.ok(f.cloexec() ? 1 : 0);
        case F_SETFD -> {
          f.setCloexec((arg & 1) != 0);
          yield SysResult.ok();
        }
        case F_GETFL -> SysResult.ok(f.statusFlags());
        case F_SETFL -> {
          f.setStatusFlags((f.statusFlags() & ~SETFL_MASK) | ((int) arg & SETFL_MASK));
          yield SysResult.ok();
        }
        default -> {
          d().refuse(FCNTL_CMD, true, cmd);
          yield SysResult.err(Errno.EINVAL, "fcntl command " + cmd + " is not modelled");
        }
      };
    }
    return traced(String.format("fcntl(%d, %d, 0x%x)", fd, cmd, arg), r);
  }

  public SysResult memfdCreate(String name, int flags) {
    enter();
    SysResult r;
    if (d().refuse(MEMFD_FLAGS, (flags & ~MFD_VALID) != 0, flags)) {
      r = SysResult.err(Errno.EINVAL, "unknown MFD_ flags");
    } else if (d().refuse(MEMFD_NAME, name.length() > 249)) {
      r = SysResult.err(Errno.EINVAL, "name longer than 249 bytes");
    } else {
      int fd = task.reserveFd();
      if (d().refuse(OPEN_FD, fd < 0)) {
        r = SysResult.err(Errno.EMFILE, "too many open files");
      } else {
        task.installFd(fd, new MemfdFile(kernel.newMemObject(name, 0, true)));
        r = SysResult.ok(fd);
      }
    }
    return traced("memfd_create(\"" + name + "\", 0x" + Integer.toHexString(flags) + ")", r);
  }

  public SysResult ftruncate(int fd, long length) {
    enter();
    KFile f = task.file(fd);
    SysResult r;
    if (f == null) {
      r = badFd(fd);
    } else if (d().refuse(FTRUNCATE_FILE, !(f instanceof MemfdFile))
        || !(f instanceof MemfdFile m)) {
      r = SysResult.err(Errno.EINVAL, f.describe() + " cannot be truncated");
    } else if (d().refuse(FTRUNCATE_LENGTH, length < 0)) {
      r = SysResult.err(Errno.EINVAL, "negative length");
    } else {
      m.object().truncate(length);
      r = SysResult.ok();
    }
    return traced(String.format("ftruncate(%d, 0x%x)", fd, length), r);
  }

  /** proc_fail_nth_write: any unsigned int is taken (n is the int's 32 bits, unsigned). */
  public SysResult failNth(int n) {
    enter();
    task.setFailNth(Integer.toUnsignedLong(n));
    return traced("write(/proc/self/task/" + task.pid() + "/fail-nth, \""
        + Integer.toUnsignedString(n) + "\")", SysResult.ok());
  }

  /**
   * access_ok(buf, count) on x86-64: the whole range lies below TASK_SIZE_MAX (a count above
   * SSIZE_MAX never does).
   */
  private static boolean accessOk(long buf, long count) {
    long top = org.iommufdsim.sim.kernel.mm.Mm.TASK_SIZE;
    return Long.compareUnsigned(count, top) <= 0 && Long.compareUnsigned(buf, top - count) <= 0;
  }

  public void exit() {
    enter();
    kernel.tracer().line(() -> "pid " + task.pid() + ": exit()");
    kernel.exit(task);
    done(SysResult.ok(), () -> "exit()");
  }

  private SysResult badFd(int fd) {
    kernel.decider().refuse(org.iommufdsim.sim.kernel.decide.SysCheck.FD_OPEN, true);
    return SysResult.err(Errno.EBADF, "fd " + fd + " is not open");
  }
}
