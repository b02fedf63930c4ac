package org.iommufdsim.backend.arm;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.qemu.TraceLog;

/**
 * The trace points of {@code hw/arm/smmuv3-accel.c} (and {@code smmuv3_propagate_event} of
 * {@code hw/arm/smmuv3.c}) this package ports: their lines of QEMU's {@code hw/arm/trace-events},
 * verbatim (reference §6 and the vEVENTQ series' "hw/arm/smmuv3: Introduce
 * smmuv3_propagate_event()" patch).
 */
public final class SmmuTrace {
  /** The declarations, as in {@code hw/arm/trace-events}. */
  public static final String TRACE_EVENTS = """
      smmuv3_propagate_event(const char *type, uint32_t sid) "%s sid=0x%x"
      smmuv3_accel_set_iommu_device(int devfn, uint32_t devid) "devfn=0x%x (idev devid=0x%x)"
      smmuv3_accel_unset_iommu_device(int devfn, uint32_t devid) "devfn=0x%x (idev devid=0x%x)"
      smmuv3_accel_translate_ste(uint32_t vsid, uint32_t hwpt_id, uint64_t ste_1, uint64_t ste_0) "vSID=0x%x hwpt_id=0x%x ste=%"PRIx64":%"PRIx64
      smmuv3_accel_install_ste(uint32_t vsid, const char * type, uint32_t hwpt_id) "vSID=0x%x ste type=%s hwpt_id=0x%x"
      """;

  /** The parsed declarations, by name, in file order. */
  public static final ImmutableMap<String, TraceEvent> EVENTS = parse(TRACE_EVENTS);

  private final TraceLog log;

  public SmmuTrace(TraceLog log) {
    this.log = Objects.requireNonNull(log);
  }

  private static ImmutableMap<String, TraceEvent> parse(String text) {
    Map<String, TraceEvent> m = new LinkedHashMap<>();
    text.lines().filter(l -> !l.isBlank()).map(TraceEvent::parse)
        .forEach(e -> m.put(e.name(), e));
    return ImmutableMap.copyOf(m);
  }

  private void emit(String name, Object... args) {
    log.log(EVENTS.get(name).render(args));
  }

  public void traceSmmuv3PropagateEvent(String type, int sid) {
    emit("smmuv3_propagate_event", type, sid);
  }

  public void traceSmmuv3AccelSetIommuDevice(int devfn, int devid) {
    emit("smmuv3_accel_set_iommu_device", devfn, devid);
  }

  public void traceSmmuv3AccelUnsetIommuDevice(int devfn, int devid) {
    emit("smmuv3_accel_unset_iommu_device", devfn, devid);
  }

  public void traceSmmuv3AccelTranslateSte(int vsid, int hwptId, long ste1, long ste0) {
    emit("smmuv3_accel_translate_ste", vsid, hwptId, ste1, ste0);
  }

  public void traceSmmuv3AccelInstallSte(int vsid, String type, int hwptId) {
    emit("smmuv3_accel_install_ste", vsid, type, hwptId);
  }
}
