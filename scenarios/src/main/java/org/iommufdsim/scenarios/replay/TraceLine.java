package org.iommufdsim.scenarios.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One trace line of QEMU's {@code log} trace backend, as {@code -trace 'iommufd*'} prints it:
 * {@code name<fmt>} where the formats of {@code backends/trace-events} are mostly
 * {@code key=value} pairs and a trailing {@code (ret)}. An optional {@code pid@sec.usec:}
 * prefix ({@code -msg timestamp=on}) is stripped. The fields are kept in the order printed,
 * which is what tells the two label orders of the vIOMMU line apart.
 */
record TraceLine(String name, String rest, List<String> keys, List<String> values,
    Optional<Long> retOpt) {

  private static final Pattern TIMESTAMP = Pattern.compile("^\\d+@\\d+\\.\\d+:\\s*");
  private static final Pattern HEAD = Pattern.compile("^([a-z][a-z0-9_]*)(?:\\s(.*))?$");
  private static final Pattern FIELD = Pattern.compile("([a-z_]+)=(\\(nil\\)|[^\\s\\]]+)");
  private static final Pattern RET = Pattern.compile("\\((-?\\d+)\\)\\s*$");

  /** The line's event if it is an iommufd trace line at all; empty for any other output. */
  static Optional<TraceLine> parse(String raw) {
    String s = TIMESTAMP.matcher(raw.strip()).replaceFirst("");
    Matcher m = HEAD.matcher(s);
    if (!m.matches()) {
      return Optional.empty();
    }
    String name = m.group(1);
    if (!name.startsWith("iommufd_") && !name.startsWith("iommu_backend_")) {
      return Optional.empty();
    }
    String rest = m.group(2) == null ? "" : m.group(2);
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    Matcher f = FIELD.matcher(rest);
    while (f.find()) {
      keys.add(f.group(1));
      values.add(f.group(2));
    }
    Matcher r = RET.matcher(rest);
    Optional<Long> ret = r.find() ? Optional.of(Long.parseLong(r.group(1))) : Optional.empty();
    return Optional.of(new TraceLine(name, rest, List.copyOf(keys), List.copyOf(values), ret));
  }

  boolean has(String key) {
    return keys.contains(key);
  }

  /** Position of a key in the line, -1 if absent. */
  int indexOf(String key) {
    return keys.indexOf(key);
  }

  /** A numeric field (decimal, possibly negative for {@code %d}, or {@code 0x} hex). */
  long num(String key) {
    int i = keys.indexOf(key);
    if (i < 0) {
      throw new Malformed("no " + key + "= field");
    }
    return parseNumber(key, values.get(i));
  }

  /** The trailing {@code (ret)}. */
  long ret() {
    return retOpt.orElseThrow(() -> new Malformed("no trailing (ret)"));
  }

  static long parseNumber(String key, String v) {
    try {
      if (v.equals("(nil)")) {
        return 0;
      }
      if (v.startsWith("0x") || v.startsWith("0X")) {
        return Long.parseUnsignedLong(v.substring(2), 16);
      }
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new Malformed(key + "=" + v + " is not a number");
    }
  }

  /** A line that names an iommufd event but cannot be read as one. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
