package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * read, write and poll on an fd. A read's outcome names its records as the runner decodes them
 * (fault records from a fault queue, header and payload from a vEVENTQ); a write to a fault
 * queue gives its page responses as records.
 */
final class FdSteps {
  private static final int POLL_DEFAULT = 0x1 | 0x4;
  private static final String EFAULT = "EFAULT";

  private FdSteps() {}

  static Item read(Call.Read c, State st) {
    if (!st.hasVar(c.fd()) || bufferFault(c.result(), c.count())) {
      return unnamed("read(" + c.fd() + ", " + Text.literal(c.buf()) + ", "
          + Text.literal(c.count()) + ")", c);
    }
    List<String> units = List.of(State.fdVar(c.fd()) + ": read", "count="
        + Text.literal(c.count()));
    List<String> pairs = new ArrayList<>();
    if (c.result().isOk()) {
      pairs.add("ret=" + Text.literal(c.result().value()));
      st.kind(c.fd()).ifPresent(k -> records(k, c.data(), pairs));
    }
    return Item.step(ScnTranscript.withOutcome(units, c.result(), pairs), Set.of());
  }

  private static void records(State.Kind k, byte[] data, List<String> pairs) {
    if (k.fault()) {
      Optional<CStruct> s = Uapi.struct("iommu_hwpt_pgfault");
      for (int i = 0; s.isPresent() && (i + 1) * s.get().size() <= data.length; i++) {
        fields(s.get(), data, i * s.get().size(), "[" + i + "].", pairs);
      }
      return;
    }
    Optional<CStruct> header = Uapi.struct("iommufd_vevent_header");
    long lost = Uapi.constant("IOMMU_VEVENTQ_FLAG_LOST_EVENTS").map(x -> x.value()).orElse(1L);
    Optional<CStruct> payload = Uapi.veventPayloadStruct(k.veventqType());
    int at = 0;
    for (int i = 0; header.isPresent() && at + header.get().size() <= data.length; i++) {
      String prefix = "[" + i + "].";
      fields(header.get(), data, at, prefix, pairs);
      boolean isLost = (header.get().field("flags").get(data, at) & lost) != 0;
      at += header.get().size();
      if (!isLost && payload.isPresent()) {
        if (at + payload.get().size() > data.length) {
          return;
        }
        fields(payload.get(), data, at, prefix, pairs);
        at += payload.get().size();
      }
    }
  }

  private static void fields(CStruct s, byte[] data, int base, String prefix,
      List<String> pairs) {
    for (CField f : s.fields()) {
      pairs.add(prefix + f.path() + "=" + Text.literal(f.get(data, base), f.width(),
          f.signed()));
    }
  }

  /**
   * {@code $fd: write RECORD ... [count=N]}. The bytes are given as 8-byte
   * {@code iommu_hwpt_page_response} records (what a fault queue takes; for any other file, such
   * as a memfd whose content a later mapping shows, they are just bytes), up to the last
   * non-zero one; {@code count} covers the rest, which the runner fills with zeroes.
   */
  static Item write(Call.Write c, State st) {
    Optional<CStruct> resp = Uapi.struct("iommu_hwpt_page_response");
    if (!st.hasVar(c.fd()) || c.data() == null || bufferFault(c.result(), c.count()) || resp.isEmpty()) {
      return unnamed("write(" + c.fd() + ", " + Text.literal(c.buf()) + ", "
          + Text.literal(c.count()) + ")", c);
    }
    List<String> units = new ArrayList<>();
    units.add(State.fdVar(c.fd()) + ": write");
    int size = resp.get().size();
    int last = c.data().length;
    while (last > 0 && c.data()[last - 1] == 0) {
      last--;
    }
    int laid = 0;
    for (; laid < last; laid += size) {
      units.add(resp.get().name() + Structs.literal(resp.get(), c.data(), laid));
    }
    if (c.count() != laid) {
      units.add("count=" + Text.literal(c.count()));
    }
    List<String> pairs = c.result().isOk()
        ? List.of("ret=" + Text.literal(c.result().value())) : List.of();
    return Item.step(ScnTranscript.withOutcome(units, c.result(), pairs), Set.of());
  }

  static Item poll(Call.Poll c, State st) {
    if (!st.hasVar(c.fd())) {
      return unnamed("poll(" + c.fd() + ", 0x" + Integer.toHexString(c.events()) + ")", c);
    }
    List<String> units = new ArrayList<>();
    units.add(State.fdVar(c.fd()) + ": poll");
    if (c.events() != POLL_DEFAULT) {
      units.add("events=" + Text.literal(c.events() & 0xffffffffL));
    }
    List<String> pairs = c.result().isOk()
        ? List.of("revents=" + Text.literal(c.result().value())) : List.of();
    return Item.step(ScnTranscript.withOutcome(units, c.result(), pairs), Set.of());
  }

  /**
   * Top of user space on x86-64 (TASK_SIZE_MAX): a count above it fails access_ok whatever the
   * buffer, so such an EFAULT replays with the runner's own buffer.
   */
  private static final long TASK_SIZE_MAX = 0x7ffffffff000L;

  private static boolean isEfault(SysResult r) {
    return !r.isOk() && r.errno().name().equals(EFAULT);
  }

  /** An EFAULT that came from the buffer (which a step cannot give), not from the count. */
  private static boolean bufferFault(SysResult r, long count) {
    return isEfault(r) && Long.compareUnsigned(count, TASK_SIZE_MAX) <= 0;
  }

  private static Item unnamed(String call, Call c) {
    return Item.comment(call + " " + IoctlStep.outcomeText(c.result())
        + " (no step makes this call: the fd has no variable, or the buffer was bad)");
  }
}
