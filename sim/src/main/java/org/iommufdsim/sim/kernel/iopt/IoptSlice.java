package org.iommufdsim.sim.kernel.iopt;

/**
 * One element of a pages list (the kernel's {@code struct iopt_pages_list}): a byte range of
 * some pages, about to become (or taken from) one area. Holds a reference on the pages.
 */
public record IoptSlice(IoptPages pages, long startByte, long length) {
  /** The address the automatic IOVA allocator takes its alignment hint from. */
  public long hintAddress() {
    return pages.base() + startByte;
  }
}
