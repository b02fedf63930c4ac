package org.iommufdsim.properties.suites.guests;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a step broke, by invariant label. A problem that is a known QEMU {@link Finding} is
 * dropped when the machine tolerates that finding, and kept (under the finding's label)
 * otherwise; every other problem is always kept.
 */
final class Violations {
  private final Set<Finding> tolerated;
  private final List<String[]> found = new ArrayList<>();
  private final EnumSet<Finding> seen = EnumSet.noneOf(Finding.class);

  Violations(Set<Finding> tolerated) {
    this.tolerated = tolerated.isEmpty() ? EnumSet.noneOf(Finding.class)
        : EnumSet.copyOf(tolerated);
  }

  void add(String label, String message) {
    found.add(new String[] {label, message});
  }

  /** A problem that is the known finding {@code f}: kept only when {@code f} is not tolerated. */
  void finding(Finding f, String message) {
    seen.add(f);
    if (!tolerated.contains(f)) {
      found.add(new String[] {f.label(), f.name() + ": " + message});
    }
  }

  boolean tolerates(Finding f) {
    return tolerated.contains(f);
  }

  /** The first kept problem under {@code label}, or null. */
  String first(String label) {
    for (String[] v : found) {
      if (v[0].equals(label)) {
        return v[1];
      }
    }
    return null;
  }

  /** Forgets the last step's problems (each step's are checked after that step). */
  void clear() {
    found.clear();
  }

  /** Every known finding met so far (tolerated or not). */
  Set<Finding> seen() {
    return seen;
  }
}
