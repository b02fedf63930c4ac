package org.iommufdsim.properties.transcript;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.IoctlDef;

/**
 * One system call a {@link RecordingSyscalls} passed on, with what rendering it as a
 * {@code .scn} step needs. Byte arrays are copies taken at the time of the call, never shared
 * with the process; they are bounded (see {@link SafeMemory}), so a wild length costs nothing.
 */
public sealed interface Call {
  /** What the call returned. */
  SysResult result();

  record Open(String path, SysResult result) implements Call {}

  record Close(int fd, SysResult result) implements Call {}

  /**
   * ioctl(2).
   *
   * @param def the uAPI ioctl with this request number, or null for an unknown number
   * @param before the argument's bytes before the call: the struct (and any trailing bytes its
   *     {@code size} declares, up to a bound) as far as they were mapped; for an unknown request,
   *     up to 64 bytes; for an integer argument, empty
   * @param after the same bytes after the call
   * @param pointee the pointed-to input data the struct names (driver data, invalidation
   *     entries, IOVA ranges), as far as mapped; empty when the ioctl has none
   * @param outBufferMapped for an ioctl that writes into a user buffer (IOVA ranges, hardware
   *     info, dirty bitmap): whether that whole buffer was mapped when the call was made
   */
  record Ioctl(int fd, long request, long arg, IoctlDef def, byte[] before, byte[] after,
      byte[] pointee, boolean outBufferMapped, SysResult result) implements Call {}

  /** read(2); {@code data} is the start of what it returned (bounded). */
  record Read(int fd, long buf, long count, byte[] data, SysResult result) implements Call {}

  /**
   * write(2); {@code data} is the start of the buffer (bounded), or null when the buffer was
   * not mapped at all.
   */
  record Write(int fd, long buf, long count, byte[] data, SysResult result) implements Call {}

  record Poll(int fd, int events, SysResult result) implements Call {}

  record Mmap(long addr, long length, int prot, int flags, int fd, long offset, SysResult result)
      implements Call {}

  record Munmap(long addr, long length, SysResult result) implements Call {}

  record Fcntl(int fd, int cmd, long arg, SysResult result) implements Call {}

  record MemfdCreate(String name, int flags, SysResult result) implements Call {}

  record Ftruncate(int fd, long length, SysResult result) implements Call {}

  record FailNth(int n, SysResult result) implements Call {}
}
