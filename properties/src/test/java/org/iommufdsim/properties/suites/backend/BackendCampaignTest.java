package org.iommufdsim.properties.suites.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A long campaign of both backend suites (2,500 tries of 40 steps each, >= 100,000 actions), run
 * only on demand: {@code -Diommufdsim.campaign=FIRST_SEED}. Prints each report and its time.
 */
class BackendCampaignTest {
  @Test
  void campaign() {
    String first = System.getProperty("iommufdsim.campaign");
    Assumptions.assumeTrue(first != null && !first.isBlank(), "no -Diommufdsim.campaign");
    for (BackendFlows m : new BackendFlows[] {BackendFlows.flows(), BackendFlows.failNth()}) {
      long t0 = System.nanoTime();
      PropertyCheck.Result r = PropertyCheck.check(m, Long.parseLong(first.strip()),
          new PropertyCheck.Config(2_500, 40, 2_000));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(PropertyCheck.report(r) + "campaign time: " + ms + " ms\n");
      assertThat(r.passed()).as(PropertyCheck.report(r)).isTrue();
    }
  }
}
