package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.iommufdsim.properties.suites.Suites;
import org.junit.jupiter.api.Test;

/**
 * Proves that QEMU's VT-d accelerated mode with PRQ, as ported, keeps every reference §8
 * invariant over random guest programs, with the known QEMU findings tolerated.
 */
class VtdPrqPropertyTest {
  @Test
  void vtdPrq_holds() {
    var suite = Suites.named("vtd-prq").orElseThrow();
    PropertyCheck.Result r = Verify.holds(suite.machine().get(), suite.testConfig());
    System.out.println(PropertyCheck.report(r));
    assertThat(r.coverage().get("guest-page-response")).containsKey("awaited");
    assertThat(r.coverage().get("fail-nth-sync")).containsKey("fired");
  }
}
