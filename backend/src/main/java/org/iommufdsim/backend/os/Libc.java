package org.iommufdsim.backend.os;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.LinuxUapi;

/**
 * The C library of the process QEMU runs in, over the simulator's system-call surface: calls
 * return {@code -1} and set {@link #errno()} as libc does, so ported code can test
 * {@code ret} and read {@code errno} exactly where QEMU does. It also owns the process's stack
 * (for locals passed by pointer, see {@link Frame}) and a heap ({@code g_malloc0}).
 *
 * <p>Both live in one anonymous mapping made when the library starts, before any ported code
 * runs: QEMU itself makes no system call to get a local or a small buffer, so neither may this
 * port (a stray {@code mmap} would also shift {@code fail_nth} counting).
 */
public final class Libc {
  /** Sparse: only the pages written cost memory. */
  static final long STACK_SIZE = 8L << 20;
  static final long HEAP_SIZE = 1L << 30;
  private static final long ALIGN = 16;

  private final Syscalls sys;
  private int errno;
  private final long stackBase;
  private long stackTop;
  private int depth;
  private long heapNext;
  private long heapEnd;

  public Libc(Syscalls sys) {
    this.sys = Objects.requireNonNull(sys);
    long base = mapArena(STACK_SIZE + HEAP_SIZE);
    this.stackBase = base;
    this.stackTop = base;
    this.heapNext = base + STACK_SIZE;
    this.heapEnd = base + STACK_SIZE + HEAP_SIZE;
  }

  /** The system-call surface underneath (for calls libc does not wrap). */
  public Syscalls syscalls() {
    return sys;
  }

  public UserMemory memory() {
    return sys.memory();
  }

  /** C's {@code errno}: the error of the last failed call, left alone by successful ones. */
  public int errno() {
    return errno;
  }

  /** {@code errno = value} (C code sometimes resets or sets it). */
  public void setErrno(int value) {
    errno = value;
  }

  /** {@code open(path, O_RDWR | O_CLOEXEC)}: the simulated host has no other modes. */
  public int open(String path) {
    return (int) ret(sys.open(path));
  }

  public int close(int fd) {
    return (int) ret(sys.close(fd));
  }

  /** {@code ioctl(fd, def, &s)}; the struct must be the one the ioctl takes. */
  public int ioctl(int fd, IoctlDef def, UStruct s) {
    checkArgument(def.struct() == s.type(), "%s takes struct %s, not %s", def.name(),
        def.struct() == null ? "no" : def.struct().name(), s.type().name());
    return (int) ret(sys.ioctl(fd, def.request(), s.addr()));
  }

  /** {@code ioctl(fd, request, arg)} with a raw argument. */
  public int ioctl(int fd, long request, long arg) {
    return (int) ret(sys.ioctl(fd, request, arg));
  }

  public long read(int fd, long buf, long count) {
    return ret(sys.read(fd, buf, count));
  }

  public long write(int fd, long buf, long count) {
    return ret(sys.write(fd, buf, count));
  }

  /** Enters a function: its locals are popped when the frame closes. */
  public Frame frame() {
    depth++;
    return new Frame(this, stackTop, depth);
  }

  /**
   * {@code g_malloc0(size)}: zeroed memory that stays valid for the life of the process (the
   * heap never reuses memory, so addresses depend only on the sequence of allocations).
   */
  public long gMalloc0(long size) {
    checkArgument(size >= 0, "negative size %s", size);
    long at = align(heapNext);
    if (at + size > heapEnd || at + size < at) {
      long len = Math.max(HEAP_SIZE, align(size));
      at = mapArena(len);
      heapEnd = at + len;
    }
    heapNext = at + Math.max(size, 1);
    return at;
  }

  long stackAlloc(long length, int frameDepth) {
    checkArgument(length >= 0, "negative length %s", length);
    if (frameDepth != depth) {
      throw new IllegalStateException("alloca in a frame that is not the innermost one");
    }
    long at = align(stackTop);
    if (at + length > stackBase + STACK_SIZE) {
      throw new IllegalStateException("stack overflow: " + length + " more bytes");
    }
    stackTop = at + length;
    if (length > 0) {
      memory().store(at, new byte[(int) length]);
    }
    return at;
  }

  void stackPop(long savedTop, int frameDepth) {
    if (frameDepth != depth) {
      throw new IllegalStateException("stack frames closed out of order");
    }
    depth--;
    stackTop = savedTop;
  }

  private long ret(SysResult r) {
    if (r.isOk()) {
      return r.value();
    }
    errno = r.errno().number();
    return -1;
  }

  private long mapArena(long length) {
    SysResult r = sys.mmap(0, length, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    if (!r.isOk()) {
      throw new IllegalStateException("the process cannot map its own memory: " + r);
    }
    return r.value();
  }

  private static long align(long v) {
    return (v + ALIGN - 1) & -ALIGN;
  }
}
