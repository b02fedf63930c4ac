package org.iommufdsim.scenarios.run;

import java.util.Map;

/**
 * Pointed-to data the runner places in user memory for one step, as the contract's table says:
 * {@code length} bytes starting with {@code content} (the rest zero), whose address goes in
 * {@code pointerField} and whose implied lengths and counts go in {@code implied}, each unless
 * the step names that field itself.
 */
record Pointee(
    String pointerField, long length, byte[] content, Map<String, Long> implied, Decoder decoder) {

  /** Names what the kernel left in the data after the call. */
  @FunctionalInterface
  interface Decoder {
    /**
     * @param before the data as placed ({@code length} bytes, or fewer for very large buffers)
     * @param after the same bytes after the call
     * @param struct the ioctl's struct after the call
     */
    void observe(byte[] before, byte[] after, byte[] struct, Observed out);
  }

  static final Decoder NONE = (before, after, struct, out) -> { };
}
