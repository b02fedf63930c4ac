package org.iommufdsim.bench;

import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.Process;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * What a C program does around an ioctl, for the benchmarks: one process with {@code /dev/iommu}
 * open and a scratch area in its own memory, where each prepared call keeps its struct. A call
 * writes the struct into user memory, makes the system call and reads the struct back, exactly
 * the work a caller of the real uAPI pays for; nothing bypasses the byte-level dispatcher.
 */
final class UserProgram {
  static final long PAGE = 4096;
  static final int SCRATCH = 1 << 20;

  final Host host;
  final Process p;
  final int iommufd;
  private final long scratch;
  private long next;

  UserProgram(Host host, boolean tracing) {
    this.host = host;
    host.setTracing(tracing);
    this.p = host.spawn();
    this.iommufd = (int) check(p.open("/dev/iommu"), "open");
    this.scratch = check(p.mmap(0, SCRATCH, 3, 0x21, -1, 0), "mmap scratch");
    this.next = scratch;
  }

  /** A fresh zeroed buffer in the scratch area, 8-byte aligned. */
  long alloc(int bytes) {
    long a = (next + 7) & -8L;
    if (a + bytes > scratch + SCRATCH) {
      throw new IllegalStateException("scratch area full");
    }
    next = a + bytes;
    p.memory().store(a, new byte[bytes]);
    return a;
  }

  /** Anonymous memory of {@code length} bytes (sparse: only written pages cost anything). */
  long mmap(long length) {
    return check(p.mmap(0, length, 3, 0x21, -1, 0), "mmap");
  }

  Call ioctl(String name) {
    return new Call(Uapi.ioctl(name).orElseThrow());
  }

  /** {@code IOMMU_TEST_CMD} with its op set. */
  Call test(String op) {
    Call c = ioctl("IOMMU_TEST_CMD");
    return c.set("op", Uapi.testOp(op).orElseThrow().op());
  }

  static long check(SysResult r, String what) {
    if (!r.isOk()) {
      throw new IllegalStateException(what + " failed: " + r);
    }
    return r.value();
  }

  /** One ioctl's struct, laid out once, kept at its own address in user memory. */
  final class Call {
    final IoctlDef def;
    final CStruct struct;
    final byte[] in;
    final byte[] out;
    final long addr;

    Call(IoctlDef def) {
      this.def = def;
      this.struct = def.struct();
      this.in = struct.newBuffer();
      this.out = new byte[in.length];
      struct.field("size").set(in, struct.size());
      this.addr = alloc(in.length);
    }

    Call set(String field, long value) {
      struct.field(field).set(in, value);
      return this;
    }

    /** Lays the struct out, calls, reads it back; answers the ioctl's result. */
    SysResult call() {
      p.memory().store(addr, in);
      SysResult r = p.ioctl(iommufd, def.request(), addr);
      byte[] back = p.memory().load(addr, in.length);
      System.arraycopy(back, 0, out, 0, out.length);
      return r;
    }

    /** Calls, insisting on success. */
    Call ok() {
      check(call(), def.name());
      return this;
    }

    long out(String field) {
      return struct.field(field).get(out);
    }
  }
}
