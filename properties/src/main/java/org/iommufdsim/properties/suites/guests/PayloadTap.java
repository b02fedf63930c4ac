package org.iommufdsim.properties.suites.guests;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.ForwardingSyscalls;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * A pass-through system-call surface that keeps what the kernel's trace does not show: the
 * records a {@code read()} returned and the records a {@code write()} handed in (decoded as
 * fault-queue records, {@code struct iommu_hwpt_pgfault} and {@code struct
 * iommu_hwpt_page_response}), and the driver data an {@code IOMMU_HWPT_ALLOC} or
 * {@code IOMMU_HWPT_INVALIDATE} pointed at when it was made. The kernel model takes them, one per
 * traced call, in order.
 * Everything else goes through unchanged.
 */
final class PayloadTap extends ForwardingSyscalls {
  /** One fault record as the kernel wrote it into the reader's buffer. */
  record Pgfault(int flags, int devId, int pasid, int grpid, int perm, long addr, int cookie) {}

  /** One read or write: the records moved (empty when the call failed). */
  record Io(boolean write, int fd, long bytes, List<Pgfault> faults, List<long[]> responses) {}

  private static final int PGFAULT = IommufdUapi.iommu_hwpt_pgfault.size();
  private final ArrayDeque<Io> pending = new ArrayDeque<>();
  private final ArrayDeque<byte[]> data = new ArrayDeque<>();

  PayloadTap(Syscalls inner) {
    super(inner);
  }

  /** The oldest read/write not yet taken, or null. */
  Io take() {
    return pending.pollFirst();
  }

  @Override
  public SysResult read(int fd, long buf, long count) {
    SysResult r = inner.read(fd, buf, count);
    List<Pgfault> faults = new ArrayList<>();
    if (r.isOk()) {
      UserMemory m = inner.memory();
      for (long off = 0; off + PGFAULT <= r.value(); off += PGFAULT) {
        long a = buf + off;
        faults.add(new Pgfault(m.load32(a), m.load32(a + 4), m.load32(a + 8), m.load32(a + 12),
            m.load32(a + 16), m.load64(a + 24), m.load32(a + 36)));
      }
    }
    pending.addLast(new Io(false, fd, r.isOk() ? r.value() : -1, faults, List.of()));
    return r;
  }

  @Override
  public SysResult write(int fd, long buf, long count) {
    List<long[]> responses = new ArrayList<>();
    UserMemory m = inner.memory();
    for (long off = 0; off + 8 <= count && m.isMapped(buf + off, 8); off += 8) {
      responses.add(new long[] {Integer.toUnsignedLong(m.load32(buf + off)),
          Integer.toUnsignedLong(m.load32(buf + off + 4))});
    }
    SysResult r = inner.write(fd, buf, count);
    pending.addLast(new Io(true, fd, r.isOk() ? r.value() : -1, List.of(), responses));
    return r;
  }

  @Override
  public SysResult ioctl(int fd, long request, long arg) {
    if (request == IommufdUapi.IOMMU_HWPT_ALLOC.request()) {
      CStruct st = IommufdUapi.iommu_hwpt_alloc;
      data.addLast(payload(arg + st.offset("data_uptr"), arg + st.offset("data_len"), 1));
    } else if (request == IommufdUapi.IOMMU_HWPT_INVALIDATE.request()) {
      CStruct st = IommufdUapi.iommu_hwpt_invalidate;
      data.addLast(payload(arg + st.offset("data_uptr"), arg + st.offset("entry_len"),
          inner.memory().isMapped(arg + st.offset("entry_num"), 4)
              ? inner.memory().load32(arg + st.offset("entry_num")) : 0));
    }
    return inner.ioctl(fd, request, arg);
  }

  /** The bytes at {@code *uptrAt}, {@code *lenAt * count} long (empty when not readable). */
  private byte[] payload(long uptrAt, long lenAt, long count) {
    UserMemory m = inner.memory();
    if (!m.isMapped(uptrAt, 8) || !m.isMapped(lenAt, 4)) {
      return new byte[0];
    }
    long uptr = m.load64(uptrAt);
    long len = Integer.toUnsignedLong(m.load32(lenAt)) * Math.max(0, count);
    if (len == 0 || len > 4096 || !m.isMapped(uptr, len)) {
      return new byte[0];
    }
    return m.load(uptr, (int) len);
  }

  /** Forgets captured driver data (made before the model started). */
  void clearData() {
    data.clear();
  }

  /** The driver data of the oldest IOMMU_HWPT_ALLOC / IOMMU_HWPT_INVALIDATE not yet taken. */
  byte[] takeData() {
    byte[] b = data.pollFirst();
    return b == null ? new byte[0] : b;
  }

  /** Little-endian u64 at {@code off} of {@code b} (0 past the end). */
  static long u64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (off + i < b.length ? b[off + i] & 0xffL : 0);
    }
    return v;
  }
}
