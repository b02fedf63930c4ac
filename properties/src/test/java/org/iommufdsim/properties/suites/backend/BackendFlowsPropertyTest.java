package org.iommufdsim.properties.suites.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.junit.jupiter.api.Test;

/**
 * Proves that random programs of QEMU backend flows (connect/disconnect, IOAS, DMA map/unmap,
 * VFIO attach/detach, HWPTs with fault queues, free_id, dirty tracking, device info,
 * invalidation) keep every invariant of qemu-backend.md §8, with the known findings tolerated.
 */
class BackendFlowsPropertyTest {
  @Test
  void backendFlows_holdTheirInvariants() {
    PropertyCheck.Result r = Verify.holds(BackendFlows.flows(),
        new PropertyCheck.Config(300, 40, 2_000));
    System.out.println(PropertyCheck.report(r));
    // every kind of action ran, and the flows did succeed
    r.coverage().forEach((action, outcomes) -> assertThat(outcomes).as(action).isNotEmpty());
    assertThat(r.coverage().get("map")).containsKey("ok");
    assertThat(r.coverage().get("attach")).containsKey("ok");
  }

  @Test
  void sameSeed_sameReportAndSameHostTrace() {
    PropertyCheck.Config cfg = new PropertyCheck.Config(20, 40, 500);
    String a = PropertyCheck.report(PropertyCheck.check(BackendFlows.failNth(), 77, cfg));
    String b = PropertyCheck.report(PropertyCheck.check(BackendFlows.failNth(), 77, cfg));
    assertThat(a).isEqualTo(b).contains("passed, 20 tries from seed 77");
    World w1 = BackendFlows.flows().init(3);
    World w2 = BackendFlows.flows().init(3);
    assertThat(w1.host.trace()).isEqualTo(w2.host.trace()).isNotEmpty();
  }
}
