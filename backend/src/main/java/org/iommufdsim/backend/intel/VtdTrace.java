package org.iommufdsim.backend.intel;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.qemu.TraceLog;

/**
 * The trace points of {@code hw/i386/intel_iommu_accel.c} this package ports: the VT-d lines of
 * QEMU's {@code hw/i386/trace-events}. The three attach/detach events are verbatim (reference
 * §6); the two PRQ events ({@code vtd_prq_read_fault}, {@code vtd_prq_response_notify}) are
 * named by the series but their format strings were not seen, so theirs are inferred.
 */
public final class VtdTrace {
  /** The declarations, as in {@code hw/i386/trace-events}. */
  public static final String TRACE_EVENTS = """
      vtd_device_attach_hwpt(uint32_t dev_id, uint32_t pasid, uint32_t hwpt_id, int ret) "dev_id %d pasid %d hwpt_id %d, ret: %d"
      vtd_device_detach_hwpt(uint32_t dev_id, uint32_t pasid, int ret) "dev_id %d pasid %d ret: %d"
      vtd_device_reattach_def_hwpt(uint32_t dev_id, uint32_t pasid, uint32_t hwpt_id, int ret) "dev_id %d pasid %d hwpt_id %d, ret: %d"
      vtd_prq_read_fault(uint32_t id, int fd, int bytes) "fault_id %d fault_fd %d bytes %d"
      vtd_prq_response_notify(uint32_t id, int fd, uint32_t cookie, uint32_t code, int bytes) "fault_id %d fault_fd %d cookie %d code %d bytes %d"
      """;

  /** The parsed declarations, by name, in file order. */
  public static final ImmutableMap<String, TraceEvent> EVENTS = parse(TRACE_EVENTS);

  private final TraceLog log;

  public VtdTrace(TraceLog log) {
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

  public void traceVtdDeviceAttachHwpt(int devId, int pasid, int hwptId, int ret) {
    emit("vtd_device_attach_hwpt", devId, pasid, hwptId, ret);
  }

  public void traceVtdDeviceDetachHwpt(int devId, int pasid, int ret) {
    emit("vtd_device_detach_hwpt", devId, pasid, ret);
  }

  public void traceVtdDeviceReattachDefHwpt(int devId, int pasid, int hwptId, int ret) {
    emit("vtd_device_reattach_def_hwpt", devId, pasid, hwptId, ret);
  }

  public void traceVtdPrqReadFault(int id, int fd, int bytes) {
    emit("vtd_prq_read_fault", id, fd, bytes);
  }

  public void traceVtdPrqResponseNotify(int id, int fd, int cookie, int code, int bytes) {
    emit("vtd_prq_response_notify", id, fd, cookie, code, bytes);
  }
}
