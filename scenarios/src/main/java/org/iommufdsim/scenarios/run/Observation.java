package org.iommufdsim.scenarios.run;

/**
 * One value a step's outcome may name: a struct field as the kernel left it, a call's result
 * ({@code fd}, {@code addr}, {@code ret}, {@code revents}), a field of pointed-to data or of a
 * record read from an fd.
 *
 * @param name the full name ({@code mock_domain.out_stdev_id}, {@code [0].cookie})
 * @param display the name the recorder prints ({@code out_stdev_id} for a test op's member)
 * @param width bytes (1, 2, 4 or 8)
 * @param output whether it is an output of the call, printed by {@code record}
 * @param group the uAPI constant family naming its values ({@code iommu_hwpt_pgfault_flags}),
 *     null for a plain number; only explanations use it, the recorder prints numbers
 */
public record Observation(String name, String display, long value, int width, boolean signed,
    boolean output, String group) {

  public Observation(String name, String display, long value, int width, boolean signed,
      boolean output) {
    this(name, display, value, width, signed, output, null);
  }

  /** The value spelled with its family's names when it has one, else {@link #literal()}. */
  public String symbolic() {
    return group == null ? literal()
        : org.iommufdsim.sim.uapi.Uapi.symbolic(group, masked());
  }

  /** The value cut to the field's width, for comparisons. */
  long masked() {
    return mask(value, width);
  }

  static long mask(long v, int width) {
    return width >= 8 ? v : v & ((1L << (8 * width)) - 1);
  }

  /**
   * The canonical literal: a negative decimal for a negative signed value, decimal below 4096
   * (counts, IDs, fds, flags), hex from there on (addresses, IOVAs, lengths).
   */
  public String literal() {
    if (signed) {
      int shift = 64 - 8 * width;
      long v = (value << shift) >> shift;
      if (v < 0) {
        return Long.toString(v);
      }
    }
    long v = masked();
    return Long.compareUnsigned(v, 4096) < 0 ? Long.toString(v) : "0x" + Long.toHexString(v);
  }
}
