package org.iommufdsim.scenarios.run;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.LinuxUapi;

/**
 * The runner's own user memory, where it lays out structs and pointed-to buffers as a C
 * program keeps them on its stack or heap. A bump allocator over anonymous mappings: every
 * buffer is fresh (zero) memory and never reused, so the addresses a scenario sees depend only
 * on its steps. The first arena is mapped before the first step, so that it cannot come
 * between {@code fail_nth} and the call it aims at.
 */
final class Scratch {
  /** Sparse: only the pages written cost anything. */
  static final long ARENA = 1L << 30;
  private static final long ALIGN = 16;

  private final Syscalls sys;
  private long next;
  private long end;

  Scratch(Syscalls sys) {
    this.sys = sys;
  }

  /** Maps the first arena; returns the failure if the host refuses. */
  SysResult start() {
    return map(ARENA);
  }

  /** {@code length} bytes of zeroed memory, 16-byte aligned. */
  long alloc(long length) {
    long at = (next + ALIGN - 1) & -ALIGN;
    if (end == 0 || at + length > end || at + length < at) {
      SysResult r = map(Math.max(ARENA, length));
      if (!r.isOk()) {
        throw new IllegalStateException("the runner cannot map scratch memory: " + r);
      }
      at = next;
    }
    next = at + Math.max(length, 1);
    return at;
  }

  private SysResult map(long length) {
    SysResult r = sys.mmap(0, length,
        (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    if (r.isOk()) {
      next = r.value();
      end = r.value() + length;
    }
    return r;
  }
}
