package org.iommufdsim.properties.suites;

import java.util.List;
import java.util.Optional;
import org.iommufdsim.properties.engine.PropertyCheck;

/** Every property the project has, in the order {@code iommufd-sim explore --list} prints. */
public final class Suites {
  private Suites() {}

  public static List<Suite> all() {
    return List.of(
        new Suite("vtd-prq", "VT-d accelerated mode with PRQ: PASID cache, attach/replace/detach,"
            + " page requests and responses, PIOTLB, fail-nth, teardown",
            org.iommufdsim.properties.suites.guests.VtdPrqMachine::new,
            new PropertyCheck.Config(400, 40, 2_000)),
        new Suite("smmu-accel", "SMMUv3 accelerated mode: plug (vIOMMU chain), vdevices, STE"
            + " installs, vEVENTQ, events, invalidations, unplug, fail-nth, teardown",
            org.iommufdsim.properties.suites.guests.SmmuAccelMachine::new,
            new PropertyCheck.Config(400, 40, 2_000)));
  }

  public static Optional<Suite> named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
