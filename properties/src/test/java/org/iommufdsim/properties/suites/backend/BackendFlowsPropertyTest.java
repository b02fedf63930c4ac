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
}
