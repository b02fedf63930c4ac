package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;

/** The canonical spelling of values and the canonical line breaking of {@code iommufd-sim fmt}. */
final class Text {
  static final int WIDTH = 100;
  static final String INDENT = "    ";

  private Text() {}

  /**
   * An integer as the recorder prints it: a negative decimal for a negative signed value,
   * decimal below 4096, hex from there on.
   */
  static String literal(long value, int width, boolean signed) {
    if (signed && width < 8) {
      int shift = 64 - 8 * width;
      long v = (value << shift) >> shift;
      if (v < 0) {
        return Long.toString(v);
      }
    }
    long v = width >= 8 ? value : value & ((1L << (8 * width)) - 1);
    return Long.compareUnsigned(v, 4096) < 0 ? Long.toString(v) : "0x" + Long.toHexString(v);
  }

  static String literal(long value) {
    return literal(value, 8, false);
  }

  static String quote(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ');
    return "\"" + one.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A comment line: {@code # text}, on one line. */
  static String comment(String text) {
    return "# " + text.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * Items joined by one space, broken greedily at {@link #WIDTH} between items, every line but
   * the last ending in {@code " \"} and continuation lines indented by four spaces.
   */
  static List<String> wrap(List<String> units) {
    List<String> lines = new ArrayList<>();
    StringBuilder cur = new StringBuilder(units.getFirst());
    for (int k = 1; k < units.size(); k++) {
      String u = units.get(k);
      int reserve = k == units.size() - 1 ? 0 : 2;
      if (cur.length() + 1 + u.length() + reserve <= WIDTH) {
        cur.append(' ').append(u);
      } else {
        lines.add(cur + " \\");
        cur = new StringBuilder(INDENT).append(u);
      }
    }
    lines.add(cur.toString());
    return lines;
  }
}
