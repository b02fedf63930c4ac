package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.suites.Suite;
import org.iommufdsim.properties.suites.Suites;
import org.junit.jupiter.api.Test;

/**
 * A long campaign of each guest suite (at least 100,000 actions), run only on request with
 * {@code -Diommufdsim.campaign=ACTIONS}; proves the property holds over it and prints how long
 * it took (the only clock reading, outside the property).
 */
class GuestCampaignTest {
  @Test
  void vtdPrq() {
    campaign("vtd-prq");
  }

  @Test
  void smmuAccel() {
    campaign("smmu-accel");
  }

  private static void campaign(String name) {
    String actions = System.getProperty("iommufdsim.campaign");
    assumeTrue(actions != null && !actions.isBlank(), "campaigns run with -Diommufdsim.campaign");
    Suite suite = Suites.named(name).orElseThrow();
    int steps = suite.testConfig().maxSteps();
    int tries = (int) ((Long.parseLong(actions.strip()) + steps - 1) / steps);
    long first = Long.parseLong(System.getProperty("iommufdsim.seed", "7000000"));
    long t0 = System.nanoTime();
    PropertyCheck.Result r = PropertyCheck.check(suite.machine().get(), first,
        new PropertyCheck.Config(tries, steps, 2_000));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[campaign " + name + "] " + r.tries() + " tries, " + r.steps()
        + " actions in " + ms + " ms\n" + PropertyCheck.report(r));
    assertThat(r.passed()).as(PropertyCheck.report(r)).isTrue();
  }
}
