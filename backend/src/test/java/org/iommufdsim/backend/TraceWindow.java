package org.iommufdsim.backend;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.Host;

/** Test helper: the system calls of a host's trace from a mark on, as the kernel answered them. */
public final class TraceWindow {
  private TraceWindow() {}

  /**
   * The trace lines from index {@code from} on, without the {@code pid N: } prefix, the
   * kernel's human-readable reasons and the fail-nth comments: only what the kernel answered.
   */
  public static List<String> calls(Host host, int from) {
    List<String> all = host.trace();
    List<String> out = new ArrayList<>();
    for (String l : all.subList(from, all.size())) {
      if (l.stripLeading().startsWith("#")) {
        continue;
      }
      out.add(l.replaceFirst("^pid \\d+: ", "").replaceFirst("(= -1 E[A-Z0-9]+) \\(.*\\)$",
          "$1"));
    }
    return out;
  }
}
