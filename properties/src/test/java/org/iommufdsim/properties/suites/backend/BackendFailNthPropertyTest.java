package org.iommufdsim.properties.suites.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.junit.jupiter.api.Test;

/**
 * Proves that every backend flow, rerun with fail-nth at one of its fallible points, leaves the
 * kernel's object table as before the flow, no EBUSY/ENOENT in cleanup, the port's bookkeeping
 * consistent with the kernel, and no exception (known findings tolerated).
 */
class BackendFailNthPropertyTest {
  @Test
  void everyFlowUnderFailNth_leavesNoTrace() {
    PropertyCheck.Result r = Verify.holds(BackendFlows.failNth(),
        new PropertyCheck.Config(600, 40, 2_000));
    System.out.println(PropertyCheck.report(r));
    // failures were injected and fired in the flows that have fallible points
    assertThat(r.coverage().get("attach").keySet()).anyMatch(o -> o.startsWith("fired:"));
    assertThat(r.coverage().get("map").keySet()).anyMatch(o -> o.startsWith("fired:"));
  }
}
