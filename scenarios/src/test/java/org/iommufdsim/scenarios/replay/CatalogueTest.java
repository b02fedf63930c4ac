package org.iommufdsim.scenarios.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.backend.BackendTrace;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.junit.jupiter.api.Test;

/**
 * Every event of the port's trace catalogue ({@link BackendTrace#EVENTS}), rendered as QEMU
 * prints it, is read by the replay (recognised as a call, never malformed), with or without the
 * {@code -msg timestamp=on} prefix.
 */
class CatalogueTest {
  @Test
  void everyBackendEvent_isRecognised() {
    for (TraceEvent e : BackendTrace.EVENTS.values()) {
      Object[] zeros = new Object[e.args().size()];
      java.util.Arrays.fill(zeros, 0L);
      String line = e.render(zeros);
      for (String l : List.of(line, "77@1700000000.000001:" + line)) {
        QemuReplay.Result r = QemuReplay.replay("x", List.of(l), List.of());
        assertThat(r.malformed()).as(l).isZero();
        assertThat(r.calls()).as(l).isEqualTo(1);
      }
    }
  }

  @Test
  void otherLines_areIgnored() {
    QemuReplay.Result r = QemuReplay.replay("x", List.of("vfio_listener_region_add 0x0",
        "qemu-system-aarch64: warning: x", "  ", "# comment", "iommufd"), List.of());
    assertThat(r.lines()).isEmpty();
    assertThat(r.calls()).isZero();
  }
}
