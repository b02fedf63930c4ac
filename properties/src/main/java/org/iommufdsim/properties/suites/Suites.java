package org.iommufdsim.properties.suites;

import java.util.List;
import java.util.Optional;
import org.iommufdsim.properties.engine.PropertyCheck.Config;
import org.iommufdsim.properties.suites.backend.BackendFlows;
import org.iommufdsim.properties.suites.guests.GuestSuites;
import org.iommufdsim.properties.suites.raw.RawSyscalls;

/**
 * Every property the project has, in the order {@code iommufd-sim explore --list} prints: the
 * QEMU port's flows first (what most users run), then the accelerated vIOMMU guests, then the
 * raw syscall surface.
 */
public final class Suites {
  private Suites() {}

  public static List<Suite> all() {
    return List.of(
        new Suite("backend-flows", "QEMU backend port flows keep qemu-backend.md §8's invariants",
            BackendFlows::flows, new Config(60, 40, 2_000)),
        new Suite("backend-fail-nth", "every backend flow under fail-nth leaves no trace",
            BackendFlows::failNth, new Config(60, 40, 2_000)),
        GuestSuites.vtdPrq(),
        GuestSuites.smmuAccel(),
        new Suite("raw-syscalls",
            "random raw iommufd syscalls checked against an independent reference model",
            RawSyscalls::new, new Config(600, 60, 2_000)));
  }

  public static Optional<Suite> named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
