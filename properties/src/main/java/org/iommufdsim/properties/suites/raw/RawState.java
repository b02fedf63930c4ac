package org.iommufdsim.properties.suites.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;

/** One try of the raw-syscall property: the host, the recorded process, and the model of it. */
final class RawState {
  /** Where a struct goes: full size, too short, longer with a zero tail, longer with junk. */
  enum SizeVariant { FULL, SHORT, LONG_ZERO, LONG_JUNK, AS_IS }

  static final long SCRATCH_PAGES = 8;
  /** An address nothing is ever mapped at. */
  static final long UNMAPPED = 0xdead0000000L;

  final Host host;
  final RecordingSyscalls sys;
  final RefModel model;
  final long scratch;
  /** Every buffer ever mapped (start -> length), live or not, for pointers on both sides. */
  final TreeMap<Long, Long> buffers = new TreeMap<>(Long::compareUnsigned);
  final List<Integer> closedFds = new ArrayList<>();
  final List<Integer> deadIds = new ArrayList<>();
  byte[] lastOut;
  /**
   * True while a call runs with an injected allocation failure armed: a call that fails once
   * the failure fired is accepted with any errno, and must have changed nothing.
   */
  boolean injecting;

  RawState(HostConfig config, Map<String, String> deviceDrivers) {
    host = Host.create(config);
    sys = new RecordingSyscalls(host.spawn());
    model = new RefModel(sys.pageSize(), deviceDrivers);
    scratch = mmap(SCRATCH_PAGES * sys.pageSize());
    mmap(16 * sys.pageSize());
    mmap(4 * sys.pageSize());
    SysResult r = sys.open("/dev/iommu");
    if (r.isOk()) {
      model.fds.put((int) r.value(), new RefModel.IommuFd(model.newCtx()));
    }
  }

  /** Maps anonymous read-write memory and records it in the model; -1 on failure. */
  long mmap(long length) {
    SysResult r = sys.mmap(0, length, 3, 0x22, -1, 0);
    if (!r.isOk()) {
      return -1;
    }
    model.mem.put(r.value(), r.value() + length - 1);
    buffers.put(r.value(), length);
    return r.value();
  }

  /** Lays {@code buf} out at the scratch page with the size field set as {@code v} says. */
  long layout(CStruct s, byte[] buf, SizeVariant v) {
    int size = switch (v) {
      case FULL -> s.size();
      case SHORT -> s.minSize() - 4;
      case LONG_ZERO, LONG_JUNK -> s.size() + 8;
      case AS_IS -> (int) s.fields().getFirst().get(buf);
    };
    byte[] out = new byte[s.size() + 8];
    System.arraycopy(buf, 0, out, 0, buf.length);
    s.fields().getFirst().set(out, size);
    if (v == SizeVariant.LONG_JUNK) {
      out[s.size() + 3] = 0x5a;
    }
    sys.memory().store(scratch, out);
    return scratch;
  }

  /** Calls an ioctl whose struct sits at the scratch page (or a bad pointer); keeps the bytes. */
  SysResult ioctl(int fd, IoctlDef def, byte[] buf, SizeVariant v, boolean badPtr) {
    long arg = layout(def.struct(), buf, v);
    SysResult r = sys.ioctl(fd, def.request(), badPtr ? UNMAPPED : arg);
    lastOut = sys.memory().load(scratch, def.struct().size());
    return r;
  }

  /** Writes raw bytes to scratch memory at {@code offset} and answers their address. */
  long store(long offset, byte[] bytes) {
    sys.memory().store(scratch + offset, bytes);
    return scratch + offset;
  }
}
