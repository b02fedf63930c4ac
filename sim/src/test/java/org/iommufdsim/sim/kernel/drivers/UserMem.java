package org.iommufdsim.sim.kernel.drivers;

import java.util.List;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.Syscall;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.iommu.UserArray;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * A process's memory for calling driver ops directly: lays out user structs and hands the
 * driver the same {@link UserData} / {@link UserArray} the iommufd core would.
 */
final class UserMem {
  final Kernel kernel = new Kernel(HostConfig.defaults());
  final Task task = kernel.spawn();
  private final long base;
  private long next;

  UserMem() {
    base = new Syscall(kernel, task).mmap(0, 1 << 20, 3, 0x21, -1, 0).value();
    next = base;
  }

  /** Copies {@code bytes} into fresh user memory; returns the address. */
  long put(byte[] bytes) {
    long a = (next + 15) & -16L;
    next = a + bytes.length + 64;
    task.mm().copyTo(a, bytes);
    return a;
  }

  /** A struct with fields set ("path", value pairs). */
  static byte[] struct(CStruct s, Object... kv) {
    byte[] b = s.newBuffer();
    for (int i = 0; i < kv.length; i += 2) {
      s.field((String) kv[i]).set(b, ((Number) kv[i + 1]).longValue());
    }
    return b;
  }

  UserData data(long type, byte[] bytes) {
    return new UserData(task, type, put(bytes), bytes.length);
  }

  UserData data(long type, byte[] bytes, long len) {
    return new UserData(task, type, put(bytes), len);
  }

  /** An array of equally long entries. */
  UserArray array(long type, List<byte[]> entries) {
    int len = entries.isEmpty() ? 16 : entries.get(0).length;
    byte[] all = new byte[len * entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      System.arraycopy(entries.get(i), 0, all, i * len, len);
    }
    return new UserArray(task, type, put(all), len, entries.size());
  }

  UserArray array(long type, long entryLen, byte[] raw, long num) {
    return new UserArray(task, type, put(raw), entryLen, num);
  }
}
