package org.iommufdsim.sim.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.sim.kernel.decide.Check;
import org.iommufdsim.sim.kernel.decide.Checks;

/**
 * Every check the simulator's kernel can record on a decision path, in a fixed order (family
 * by family: syscall layer and dispatcher, IOAS, HWPT and faults, devices, VFIO, vIOMMU,
 * event queues, selftest), each family in the kernel's own order. Tools count which of them
 * a library of scenarios reaches.
 */
public final class CheckCatalogue {
  private static final List<CheckInfo> ALL;

  static {
    List<CheckInfo> all = new ArrayList<>();
    for (Check c : Checks.all()) {
      all.add(info(c));
    }
    ALL = Collections.unmodifiableList(all);
  }

  private CheckCatalogue() {}

  /** The whole catalogue, immutable, in its fixed order. */
  public static List<CheckInfo> all() {
    return ALL;
  }

  public static Optional<CheckInfo> byId(String id) {
    Check c = Checks.byId(id);
    return c == null ? Optional.empty() : Optional.of(info(c));
  }

  static CheckInfo info(Check c) {
    return new CheckInfo(c.id(), c.function(), c.subject(), c.errno(), c.explanation());
  }
}
