package org.iommufdsim.sim.host;

import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.Syscall;
import org.iommufdsim.sim.kernel.Task;

/**
 * One process on the simulated host and its system calls. Every call is traced and returns a
 * {@link SysResult}; a Java exception escaping from here is a bug in the simulator.
 */
public final class Process implements Syscalls {
  private final Kernel kernel;
  private final Task task;
  private final Syscall sys;
  private final UserMemory memory;

  Process(Kernel kernel, Task task) {
    this.kernel = kernel;
    this.task = task;
    this.sys = new Syscall(kernel, task);
    this.memory =
        new UserMemory() {
          @Override
          public byte[] load(long addr, int length) {
            byte[] b = task.mm().copyFrom(addr, length);
            if (b == null) {
              throw new SegmentationFault(addr, length);
            }
            return b;
          }

          @Override
          public void store(long addr, byte[] bytes) {
            if (!task.mm().copyTo(addr, bytes)) {
              throw new SegmentationFault(addr, bytes.length);
            }
          }

          @Override
          public boolean isMapped(long addr, long length) {
            return task.mm().isMapped(addr, length);
          }
        };
  }

  @Override
  public int pid() {
    return task.pid();
  }

  @Override
  public SysResult open(String path) {
    return sys.open(path);
  }

  @Override
  public SysResult close(int fd) {
    return sys.close(fd);
  }

  @Override
  public SysResult ioctl(int fd, long request, long arg) {
    return sys.ioctl(fd, request, arg);
  }

  @Override
  public SysResult read(int fd, long buf, long count) {
    return sys.read(fd, buf, count);
  }

  @Override
  public SysResult write(int fd, long buf, long count) {
    return sys.write(fd, buf, count);
  }

  @Override
  public SysResult poll(int fd, int events) {
    return sys.poll(fd, events);
  }

  @Override
  public SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    return sys.mmap(addr, length, prot, flags, fd, offset);
  }

  @Override
  public SysResult munmap(long addr, long length) {
    return sys.munmap(addr, length);
  }

  @Override
  public SysResult fcntl(int fd, int cmd, long arg) {
    return sys.fcntl(fd, cmd, arg);
  }

  @Override
  public SysResult memfdCreate(String name, int flags) {
    return sys.memfdCreate(name, flags);
  }

  @Override
  public SysResult ftruncate(int fd, long length) {
    return sys.ftruncate(fd, length);
  }

  @Override
  public SysResult failNth(int n) {
    return sys.failNth(n);
  }

  @Override
  public long failNthRemaining() {
    return task.failNth();
  }

  @Override
  public UserMemory memory() {
    return memory;
  }

  @Override
  public long pageSize() {
    return kernel.pageSize();
  }

  /**
   * The path the kernel took through this process's last system call: the checks that ran, in
   * order, each naming the kernel function it mirrors and what it looked at; a failed call's
   * path ends at the check that decided its errno. Empty before the first call. Rendered on
   * demand from what the deciding code recorded.
   */
  public java.util.List<Decision> lastDecisions() {
    return task.decisions().ended() ? Decisions.of(task.decisions()) : java.util.List.of();
  }

  /**
   * What the kernel did on the last call's path besides checking (see {@link PathEvent}), placed
   * among {@link #lastDecisions()}. Empty before the first call.
   */
  public java.util.List<PathEvent> lastEvents() {
    return task.decisions().ended()
        ? Decisions.events(task.decisions(), Decisions.of(task.decisions()))
        : java.util.List.of();
  }

  /** Process exit: closes every open fd, as the kernel does. */
  public void exit() {
    sys.exit();
  }
}
