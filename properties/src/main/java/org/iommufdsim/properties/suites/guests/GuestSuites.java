package org.iommufdsim.properties.suites.guests;

import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.suites.Suite;

/** The guest suites as {@code Suites} registers them (one line each there). */
public final class GuestSuites {
  private GuestSuites() {}

  public static Suite vtdPrq() {
    return new Suite("vtd-prq", "VT-d accelerated mode with PRQ: PASID cache, attach/replace/"
        + "detach, page requests and responses, PIOTLB, fail-nth, teardown", VtdPrqMachine::new,
        new PropertyCheck.Config(400, 40, 2_000));
  }

  public static Suite smmuAccel() {
    return new Suite("smmu-accel", "SMMUv3 accelerated mode: plug (vIOMMU chain), vdevices, STE"
        + " installs, vEVENTQ, events, invalidations, unplug, fail-nth, teardown",
        SmmuAccelMachine::new, new PropertyCheck.Config(400, 40, 2_000));
  }
}
