package org.iommufdsim.scenarios.run;

import java.util.Optional;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * {@code read count=N}: one read(2) into a fresh buffer, and the records it returned decoded
 * by what the fd is: {@code struct iommu_hwpt_pgfault} records from a fault queue, headers and
 * payloads from a vEVENTQ. Record fields are named {@code [i].field}; a vEVENTQ payload's
 * fields sit next to its header's ({@code [0].sequence}, {@code [0].virt_id}).
 */
final class Reads {
  private Reads() {}

  static Answer read(Machine m, int fd, long count) {
    long buf = m.scratch.alloc(SysCalls.bufferFor(count));
    SysResult r = m.sys.read(fd, buf, count);
    Answer a = SysCalls.withResult("ret", r);
    Optional<FdKind> kind = m.kind(fd);
    if (r.isOk() && r.value() > 0 && kind.isPresent()) {
      byte[] data = m.mem.load(buf, (int) r.value());
      switch (kind.get()) {
        case FdKind.Fault f -> faults(data, a.observed());
        case FdKind.Veventq q -> vevents(q.type(), data, a.observed());
      }
    }
    return a;
  }

  private static void faults(byte[] data, Observed out) {
    CStruct s = UapiData.struct("iommu_hwpt_pgfault");
    for (int i = 0; (i + 1) * s.size() <= data.length; i++) {
      record(s, data, i * s.size(), "[" + i + "].", out);
    }
  }

  private static void vevents(long type, byte[] data, Observed out) {
    CStruct header = UapiData.struct("iommufd_vevent_header");
    long lost = UapiData.constant("IOMMU_VEVENTQ_FLAG_LOST_EVENTS", 1);
    Optional<CStruct> payload = UapiData.veventPayload(type);
    int at = 0;
    for (int i = 0; at + header.size() <= data.length; i++) {
      String prefix = "[" + i + "].";
      record(header, data, at, prefix, out);
      boolean isLost = (header.field("flags").get(data, at) & lost) != 0;
      at += header.size();
      if (!isLost && payload.isPresent()) {
        if (at + payload.get().size() > data.length) {
          return;
        }
        record(payload.get(), data, at, prefix, out);
        at += payload.get().size();
      }
    }
  }

  private static void record(CStruct s, byte[] data, int base, String prefix, Observed out) {
    String[] groups = org.iommufdsim.sim.uapi.Uapi.fieldGroups(s);
    int index = -1;
    for (CField f : s.fields()) {
      index++;
      String name = prefix + f.path();
      out.add(new Observation(name, name, f.get(data, base), f.width(), f.signed(), true,
          groups[index]));
    }
  }
}
