package org.iommufdsim.sim.host;

import java.util.Objects;

/**
 * A system-call surface that passes every call to another one: the base of wrappers that watch
 * or record some calls (override those) and let the rest through unchanged.
 */
public abstract class ForwardingSyscalls implements Syscalls {
  protected final Syscalls inner;

  protected ForwardingSyscalls(Syscalls inner) {
    this.inner = Objects.requireNonNull(inner);
  }

  @Override
  public int pid() {
    return inner.pid();
  }

  @Override
  public SysResult open(String path) {
    return inner.open(path);
  }

  @Override
  public SysResult close(int fd) {
    return inner.close(fd);
  }

  @Override
  public SysResult ioctl(int fd, long request, long arg) {
    return inner.ioctl(fd, request, arg);
  }

  @Override
  public SysResult read(int fd, long buf, long count) {
    return inner.read(fd, buf, count);
  }

  @Override
  public SysResult write(int fd, long buf, long count) {
    return inner.write(fd, buf, count);
  }

  @Override
  public SysResult poll(int fd, int events) {
    return inner.poll(fd, events);
  }

  @Override
  public SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    return inner.mmap(addr, length, prot, flags, fd, offset);
  }

  @Override
  public SysResult munmap(long addr, long length) {
    return inner.munmap(addr, length);
  }

  @Override
  public SysResult fcntl(int fd, int cmd, long arg) {
    return inner.fcntl(fd, cmd, arg);
  }

  @Override
  public SysResult memfdCreate(String name, int flags) {
    return inner.memfdCreate(name, flags);
  }

  @Override
  public SysResult ftruncate(int fd, long length) {
    return inner.ftruncate(fd, length);
  }

  @Override
  public SysResult failNth(int n) {
    return inner.failNth(n);
  }

  @Override
  public long failNthRemaining() {
    return inner.failNthRemaining();
  }

  @Override
  public UserMemory memory() {
    return inner.memory();
  }

  @Override
  public long pageSize() {
    return inner.pageSize();
  }
}
