package org.iommufdsim.backend.vfio;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.qemu.TraceLog;

/**
 * The trace points of {@code hw/vfio/iommufd.c} this package ports: the {@code #iommufd.c}
 * lines of QEMU's {@code hw/vfio/trace-events}, verbatim, rendered as QEMU's {@code log}
 * backend prints them ({@code trace_NAME(...)} is {@code traceNAME} in lowerCamelCase).
 */
public final class VfioTrace {
  /** The declarations, as in {@code hw/vfio/trace-events}. */
  public static final String TRACE_EVENTS = """
      iommufd_cdev_connect_and_bind(int iommufd, const char *name, int devfd, int devid) " [iommufd=%d] Successfully bound device %s (fd=%d): output devid=%d"
      iommufd_cdev_getfd(const char *dev, int devfd) " %s (fd=%d)"
      iommufd_cdev_attach_ioas_hwpt(int iommufd, const char *name, int devfd, int id) " [iommufd=%d] Successfully attached device %s (%d) to id=%d"
      iommufd_cdev_detach_ioas_hwpt(int iommufd, const char *name) " [iommufd=%d] Successfully detached %s"
      iommufd_cdev_fail_attach_existing_container(const char *msg) " %s"
      iommufd_cdev_alloc_ioas(int iommufd, int ioas_id) " [iommufd=%d] new IOMMUFD container with ioasid=%d"
      """;

  /** The parsed declarations, by name, in file order. */
  public static final ImmutableMap<String, TraceEvent> EVENTS = parse(TRACE_EVENTS);

  private final TraceLog log;

  public VfioTrace(TraceLog log) {
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

  public void traceIommufdCdevConnectAndBind(int iommufd, String name, int devfd, int devid) {
    emit("iommufd_cdev_connect_and_bind", iommufd, name, devfd, devid);
  }

  public void traceIommufdCdevGetfd(String dev, int devfd) {
    emit("iommufd_cdev_getfd", dev, devfd);
  }

  public void traceIommufdCdevAttachIoasHwpt(int iommufd, String name, int devfd, int id) {
    emit("iommufd_cdev_attach_ioas_hwpt", iommufd, name, devfd, id);
  }

  public void traceIommufdCdevDetachIoasHwpt(int iommufd, String name) {
    emit("iommufd_cdev_detach_ioas_hwpt", iommufd, name);
  }

  public void traceIommufdCdevFailAttachExistingContainer(String msg) {
    emit("iommufd_cdev_fail_attach_existing_container", msg);
  }

  public void traceIommufdCdevAllocIoas(int iommufd, int ioasId) {
    emit("iommufd_cdev_alloc_ioas", iommufd, ioasId);
  }
}
