package org.iommufdsim.sim.host;

/**
 * The system-call surface of one process on the simulated host, as a C program sees it.
 * Pointers are addresses in the process's own user memory; a bad pointer is EFAULT. No call
 * ever throws on bad input: every outcome is a {@link SysResult}.
 *
 * <p>This interface, {@link UserMemory} and the {@code uapi} package are everything the backend
 * port and the scenario runner may use of the simulator, so they could run unchanged over a
 * real {@code /dev/iommu}.
 */
public interface Syscalls {
  int pid();

  /** open(2) of {@code /dev/iommu} or {@code /dev/vfio/devices/NAME}; value = fd. */
  SysResult open(String path);

  SysResult close(int fd);

  SysResult ioctl(int fd, long request, long arg);

  SysResult read(int fd, long buf, long count);

  SysResult write(int fd, long buf, long count);

  /** poll(2) of one fd with no timeout; value = revents. */
  SysResult poll(int fd, int events);

  /**
   * mmap(2). {@code addr} must be 0 (MAP_FIXED is not modelled); the kernel picks increasing,
   * page-aligned addresses that are never reused within the process. value = address.
   */
  SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset);

  SysResult munmap(long addr, long length);

  /**
   * fcntl(2) with F_GETFD/F_SETFD (FD_CLOEXEC) and F_GETFL/F_SETFL (O_NONBLOCK and the other
   * status flags); any other command is EINVAL. Reads in the simulator never block, so
   * O_NONBLOCK is recorded and reported, not acted on.
   */
  SysResult fcntl(int fd, int cmd, long arg);

  /** memfd_create(2); value = fd. The file starts empty: size it with ftruncate. */
  SysResult memfdCreate(String name, int flags);

  SysResult ftruncate(int fd, long length);

  /**
   * Writes {@code n} to {@code /proc/self/task/<tid>/fail-nth}: the n-th fallible point reached
   * by the following system calls fails (n = 0 disarms). value = 0.
   */
  SysResult failNth(int n);

  /**
   * Reads back {@code /proc/self/task/<tid>/fail-nth}: 0 once the injected failure fired,
   * otherwise the number of fallible points still to pass.
   */
  long failNthRemaining();

  UserMemory memory();

  /** The host's PAGE_SIZE (sysconf(_SC_PAGESIZE)). */
  long pageSize();
}
