package org.iommufdsim.scenarios.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the port prints while it runs on the simulator replays on a fresh simulator without a
 * single divergence: the log format the replay reads is the one the port writes, and the
 * simulator answers the same calls the same way twice.
 */
class PortMadeLogTest {

  @Test
  void theLogThePortPrintsToday_replaysClean() {
    List<String> made = PortMadeLog.make();
    assertThat(made).isNotEmpty();
    QemuReplay.Result r = QemuReplay.replay("port-made", made, List.of());
    assertThat(r.divergences()).as("%s", r.lines()).isZero();
    assertThat(r.malformed()).as("%s", r.lines()).isZero();
    assertThat(r.calls()).as("the backend calls in the port's log are recognised")
        .isGreaterThan(made.size() / 2);
    assertThat(r.exitCode()).isZero();
  }
}
