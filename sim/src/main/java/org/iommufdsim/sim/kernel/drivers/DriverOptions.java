package org.iommufdsim.sim.kernel.drivers;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reading the options of an {@code @device} directive for the hardware drivers: the options
 * common to every driver ({@code iommu}, {@code pasid_bits}, {@code dirty}, {@code pri},
 * {@code vf}, {@code group}) plus
 * the ones a driver documents. A mistake is an {@link IllegalArgumentException} whose message
 * names the option and what it takes.
 */
final class DriverOptions {
  static final List<String> COMMON = List.of("iommu", "pasid_bits", "dirty", "pri", "vf",
      "group");

  private final String driver;
  private final Map<String, String> options;

  DriverOptions(String driver, Map<String, String> options, List<String> own) {
    this.driver = driver;
    this.options = options;
    TreeSet<String> known = new TreeSet<>(COMMON);
    known.addAll(own);
    for (String k : options.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("driver " + driver + " takes no option " + k
            + " (options: " + String.join(", ", known) + ")");
      }
    }
  }

  /** An {@code on|off} option. */
  boolean onOff(String key, boolean dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(driver + ": " + key
          + " takes on or off, not " + v);
    };
  }

  /** A number option (decimal or 0x hex) in [{@code min}, {@code max}]. */
  long number(String key, long dflt, long min, long max) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(driver + ": " + key + " must be a number, not " + v);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(driver + ": " + key + " takes " + min + " to " + max
          + ", not " + v);
    }
    return n;
  }

  boolean has(String key) {
    return options.containsKey(key);
  }
}
