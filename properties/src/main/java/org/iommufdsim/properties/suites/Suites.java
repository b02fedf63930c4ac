package org.iommufdsim.properties.suites;

import java.util.List;
import java.util.Optional;

/** Every property the project has, in the order {@code iommufd-sim explore --list} prints. */
public final class Suites {
  private Suites() {}

  public static List<Suite> all() {
    return List.of(
        new Suite("raw-syscalls",
            "random raw iommufd syscalls checked against an independent reference model",
            org.iommufdsim.properties.suites.raw.RawSyscalls::new,
            new org.iommufdsim.properties.engine.PropertyCheck.Config(600, 60, 2_000)),
        org.iommufdsim.properties.suites.guests.GuestSuites.vtdPrq(),
        org.iommufdsim.properties.suites.guests.GuestSuites.smmuAccel(),
        new Suite("backend-flows", "QEMU backend port flows keep qemu-backend.md §8's invariants",
            org.iommufdsim.properties.suites.backend.BackendFlows::flows,
            new org.iommufdsim.properties.engine.PropertyCheck.Config(60, 40, 2_000)),
        new Suite("backend-fail-nth", "every backend flow under fail-nth leaves no trace",
            org.iommufdsim.properties.suites.backend.BackendFlows::failNth,
            new org.iommufdsim.properties.engine.PropertyCheck.Config(60, 40, 2_000)));
  }

  public static Optional<Suite> named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
