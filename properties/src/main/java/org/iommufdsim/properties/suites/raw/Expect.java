package org.iommufdsim.properties.suites.raw;

import org.iommufdsim.sim.uapi.Errno;

/**
 * What the reference model predicts for one call: unknown (only the invariants judge it), an
 * errno, or success with an optional output value (a new ID, an IOVA, a byte count).
 */
record Expect(boolean known, Errno errno, Long value) {
  static final Expect UNKNOWN = new Expect(false, null, null);

  static Expect err(Errno e) {
    return new Expect(true, e, null);
  }

  static Expect ok(Long value) {
    return new Expect(true, null, value);
  }

  static Expect ok() {
    return ok(null);
  }

  boolean isErr() {
    return known && errno != null;
  }

  String label() {
    return !known ? "?" : errno == null ? "ok" + (value == null ? "" : "(" + U64.hex(value) + ")")
        : errno.name();
  }
}
