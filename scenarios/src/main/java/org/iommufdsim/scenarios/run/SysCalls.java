package org.iommufdsim.scenarios.run;

import java.io.ByteArrayOutputStream;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.LinuxUapi;
import org.iommufdsim.sim.uapi.Uapi;

/** The builtin calls: each lays out what it needs, makes one system call, reports the result. */
final class SysCalls {
  /** The largest buffer the runner maps for one read or write; past it is the arena's zeroes. */
  private static final long MAX_BUFFER = Scratch.ARENA;

  /**
   * The zeroed buffer a raw {@code ioctl request=N} without {@code arg=} points at: room for
   * any iommufd command header, as a C program's {@code &cmd} would give.
   */
  static final long RAW_IOCTL_BUFFER = 64;

  private final Machine m;

  SysCalls(Machine m) {
    this.m = m;
  }

  Answer exec(Step st, Builtin b) {
    if (!b.actsOnFd && st.target().isPresent()) {
      throw Env.bad(st.target().get().pos(), b.spelling + " takes no target (usage: " + b.usage
          + ")");
    }
    Args a = Args.of(st, b.usage, b.fields);
    if (b != Builtin.OPEN && b != Builtin.WRITE && b != Builtin.MEMFD_CREATE) {
      a.noPositional(b.usage);
    }
    return switch (b) {
      case OPEN -> withResult("fd", m.sys.open(a.string(b.usage)));
      case CLOSE -> close(m.targetFd(st));
      case READ -> Reads.read(m, m.targetFd(st), a.require("count", m.env, b.usage));
      case WRITE -> write(a, m.targetFd(st));
      case POLL -> poll(a, m.targetFd(st));
      case MMAP -> mmap(a, b);
      case MUNMAP -> withResult("ret", m.sys.munmap(a.require("addr", m.env, b.usage),
          a.require("length", m.env, b.usage)), false);
      case MEMFD_CREATE -> memfd(a, b);
      case FAIL_NTH -> withResult("ret",
          m.sys.failNth(toInt(a, "n", a.require("n", m.env, b.usage))), false);
      case IOCTL -> rawIoctl(a, b, m.targetFd(st));
    };
  }

  /**
   * {@code ioctl request=N [arg=VALUE]}: ioctl(2) with any request number. The argument is the
   * raw value of {@code arg=}, else the address of a fresh zeroed buffer of
   * {@value #RAW_IOCTL_BUFFER} bytes. The outcome may name {@code ret}, recorded when non-zero.
   */
  private Answer rawIoctl(Args a, Builtin b, int fd) {
    long request = a.require("request", m.env, b.usage);
    if ((request >>> 32) != 0) {
      throw Env.bad(a.field("request").get().value().pos(), "request = 0x"
          + Long.toHexString(request) + " is not an ioctl number (they are 32 bits wide)");
    }
    long arg = a.field("arg").isPresent()
        ? a.require("arg", m.env, b.usage)
        : m.scratch.alloc(RAW_IOCTL_BUFFER);
    SysResult r = m.sys.ioctl(fd, request, arg);
    return withResult("ret", r, r.isOk() && r.value() != 0);
  }

  /**
   * The call's result as the outcome field {@code name} (-1 when it failed, as C sees it);
   * recorded when the call succeeded.
   */
  static Answer withResult(String name, SysResult r) {
    return withResult(name, r, true);
  }

  /** Same, for results not worth recording (close's, munmap's, fail_nth's 0). */
  static Answer withResult(String name, SysResult r, boolean record) {
    Observed o = new Observed();
    o.add(new Observation(name, name, r.value(), 8, true, record && r.isOk()));
    return new Answer(r, o);
  }

  private Answer close(int fd) {
    SysResult r = m.sys.close(fd);
    if (r.isOk()) {
      m.forget(fd);
    }
    return withResult("ret", r, false);
  }

  private Answer write(Args a, int fd) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (Value v : a.positional()) {
      if (!(v instanceof Value.StructLit lit) || lit.type().isEmpty()) {
        throw Env.bad(v.pos(), "write takes records as STRUCT{field=value ...}, e.g. "
            + "iommu_hwpt_page_response{cookie=$c code=IOMMUFD_PAGE_RESP_SUCCESS}");
      }
      CStruct s = Uapi.struct(lit.type().get()).orElseThrow(() -> Env.unknown(lit.pos(),
          "unknown struct " + lit.type().get()));
      byte[] buf = s.newBuffer();
      m.writer.fill(s, buf, 0, lit);
      content.writeBytes(buf);
    }
    long count = a.orElse("count", m.env, content.size());
    long buf = m.scratch.alloc(Math.max(content.size(), bufferFor(count)));
    m.mem.store(buf, content.toByteArray());
    return withResult("ret", m.sys.write(fd, buf, count));
  }

  /** The bytes to map for a read or write of {@code count}: all of it, up to the arena's size. */
  static long bufferFor(long count) {
    return Long.compareUnsigned(count, MAX_BUFFER) < 0 ? count : MAX_BUFFER;
  }

  private Answer poll(Args a, int fd) {
    long events = a.orElse("events", m.env, LinuxUapi.POLLIN | LinuxUapi.POLLOUT);
    SysResult r = m.sys.poll(fd, toInt(a, "events", events));
    Observed o = new Observed();
    o.add(new Observation("revents", "revents", r.value(), 8, true, r.isOk(), "poll_events"));
    return new Answer(r, o);
  }

  private Answer mmap(Args a, Builtin b) {
    long length = a.require("length", m.env, b.usage);
    boolean file = a.field("fd").isPresent();
    long fd = a.orElse("fd", m.env, -1);
    long offset = a.orElse("offset", m.env, 0);
    long prot = a.orElse("prot", m.env, LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE);
    int flags = (int) (LinuxUapi.MAP_SHARED | (file ? 0 : LinuxUapi.MAP_ANONYMOUS));
    return withResult("addr", m.sys.mmap(0, length, toInt(a, "prot", prot), flags,
        toInt(a, "fd", fd), offset));
  }

  private Answer memfd(Args a, Builtin b) {
    String name = a.string(b.usage);
    SysResult r = m.sys.memfdCreate(name, 0);
    if (r.isOk() && a.field("size").isPresent()) {
      SysResult t = m.sys.ftruncate((int) r.value(), a.require("size", m.env, b.usage));
      if (!t.isOk()) {
        return withResult("fd", t);
      }
    }
    return withResult("fd", r);
  }

  private static int toInt(Args a, String name, long v) {
    if (v < Integer.MIN_VALUE || v > 0xffffffffL) {
      throw Env.bad(a.field(name).map(f -> f.value().pos()).orElse(Pos.NONE),
          name + " = 0x" + Long.toHexString(v) + " does not fit in 32 bits");
    }
    return (int) v;
  }
}
