package org.iommufdsim.sim.host;

import java.util.Map;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * A tiny "C program" for tests: lays structs out in the process's own memory and calls
 * ioctls through the syscall surface, as user space would.
 */
final class Cprog {
  final Host host;
  final Process p;
  final int iommufd;
  private final long scratch;
  private long next;

  Cprog(Host host) {
    this.host = host;
    this.p = host.spawn();
    this.iommufd = (int) p.open("/dev/iommu").value();
    this.scratch = p.mmap(0, 1 << 20, 3, 0x21, -1, 0).value();
    this.next = scratch;
  }

  Cprog() {
    this(Host.create());
  }

  /** A fresh zeroed region of scratch memory. */
  long alloc(int bytes) {
    long a = (next + 7) & -8L;
    next = a + bytes;
    if (next > scratch + (1 << 20)) {
      next = scratch;
      a = scratch;
      next = a + bytes;
    }
    p.memory().store(a, new byte[bytes]);
    return a;
  }

  long mmap(long length) {
    return p.mmap(0, length, 3, 0x21, -1, 0).value();
  }

  /** The struct of an ioctl with the given fields, laid out; returns its address. */
  long put(CStruct s, Map<String, Long> fields) {
    byte[] b = s.newBuffer();
    s.field("size").set(b, s.size());
    fields.forEach((k, v) -> s.field(k).set(b, v));
    long addr = alloc(b.length + 16);
    p.memory().store(addr, b);
    return addr;
  }

  Call ioctl(String name, Map<String, Long> fields) {
    IoctlDef d = Uapi.ioctl(name).orElseThrow();
    long addr = put(d.struct(), fields);
    SysResult r = p.ioctl(iommufd, d.request(), addr);
    return new Call(r, d.struct(), p.memory().load(addr, d.struct().size()));
  }

  /** IOMMU_TEST_CMD with op and the union member's fields named in full. */
  Call test(String op, Map<String, Long> fields) {
    long opNum = Uapi.testOp(op).orElseThrow().op();
    java.util.LinkedHashMap<String, Long> all = new java.util.LinkedHashMap<>(fields);
    all.put("op", opNum);
    return ioctl("IOMMU_TEST_CMD", all);
  }

  record Call(SysResult result, CStruct struct, byte[] after) {
    long out(String field) {
      return struct.field(field).get(after);
    }

    boolean ok() {
      return result.isOk();
    }

    org.iommufdsim.sim.uapi.Errno errno() {
      return result.errno();
    }
  }
}
