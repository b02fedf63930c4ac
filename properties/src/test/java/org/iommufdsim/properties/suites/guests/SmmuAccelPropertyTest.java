package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.iommufdsim.properties.suites.Suites;
import org.junit.jupiter.api.Test;

/**
 * Proves that QEMU's SMMUv3 accelerated mode, as ported, keeps every reference §8 invariant
 * over random programs of plugs, guest STEs, register writes, invalidations, host events,
 * unplugs and fail-nth flows, with the known QEMU findings tolerated.
 */
class SmmuAccelPropertyTest {
  @Test
  void smmuAccel_holds() {
    var suite = Suites.named("smmu-accel").orElseThrow();
    PropertyCheck.Result r = Verify.holds(suite.machine().get(), suite.testConfig());
    System.out.println(PropertyCheck.report(r));
    assertThat(r.coverage().get("guest-ste")).containsKey("NONE");
    assertThat(r.coverage().get("main-loop")).containsKey("events");
  }
}
