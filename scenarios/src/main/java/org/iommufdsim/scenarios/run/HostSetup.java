package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;

/**
 * The host a scenario's directives describe. Drivers and the options common to all of them are
 * checked here, so that a mistake points at its line and column; values pass through as
 * written.
 */
final class HostSetup {
  static final Set<String> DRIVERS = Set.of("mock", "intel_vtd", "arm_smmuv3");
  private static final int MAX_PASID_BITS = 20;

  private HostSetup() {}

  static HostConfig config(List<Directive> directives) {
    HostConfig config = HostConfig.defaults();
    List<DeviceSpec> devices = new ArrayList<>();
    for (Directive d : directives) {
      switch (d) {
        case Directive.Title t -> { }
        case Directive.PageSize p -> config = pageSize(config, p);
        case Directive.Device dev -> devices.add(device(dev));
      }
    }
    return config.withDevices(devices);
  }

  private static HostConfig pageSize(HostConfig config, Directive.PageSize p) {
    long size = new Env(0).eval(p.size());
    try {
      return config.withPageSize(size);
    } catch (IllegalArgumentException e) {
      throw Env.bad(p.size().pos(), e.getMessage());
    }
  }

  private static DeviceSpec device(Directive.Device d) {
    if (!DRIVERS.contains(d.driver().text())) {
      throw Env.unknown(d.driver().pos(), "unknown driver " + d.driver().text()
          + " (drivers: mock, intel_vtd, arm_smmuv3)");
    }
    Map<String, String> options = new TreeMap<>();
    for (Directive.Option o : d.options()) {
      checkOption(d, o);
      options.put(o.key().text(), o.value().text());
    }
    try {
      return DeviceSpec.of(d.name().text(), d.driver().text(), options);
    } catch (IllegalArgumentException e) {
      throw Env.bad(d.name().pos(), e.getMessage());
    }
  }

  private static void checkOption(Directive.Device d, Directive.Option o) {
    String v = o.value().text();
    switch (o.key().text()) {
      case "iommu" -> { }
      case "group" -> {
        if (!v.matches("[A-Za-z0-9_.-]+")) {
          throw Env.bad(o.value().pos(), "group takes a name, not " + v);
        }
      }
      case "pasid_bits" -> {
        if (!v.matches("[0-9]{1,2}") || Integer.parseInt(v) > MAX_PASID_BITS) {
          throw Env.bad(o.value().pos(), "pasid_bits takes 0 to " + MAX_PASID_BITS
              + " (0 = no PASID), not " + v);
        }
      }
      case "dirty", "pri", "vf" -> {
        if (!v.equals("on") && !v.equals("off")) {
          throw Env.bad(o.value().pos(), o.key().text() + " takes on or off, not " + v);
        }
      }
      default -> {
        // Driver-specific options (intel_vtd, arm_smmuv3) are validated by the simulated host,
        // which names the option it refuses; the mock driver takes none.
        if (d.driver().text().equals("mock")) {
          throw Env.unknown(o.key().pos(), "driver mock takes no option " + o.key().text()
              + " (options: iommu=NAME, group=NAME, pasid_bits=N, dirty=on|off, pri=on|off,"
              + " vf=on|off)");
        }
      }
    }
  }
}
