package org.iommufdsim.sim.host;

/**
 * The program itself (not the kernel) touched memory it has not mapped. Like SIGSEGV, this is
 * a bug in the simulated program; system calls never throw it, they return EFAULT.
 */
public final class SegmentationFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SegmentationFault(long addr, long length) {
    super(String.format("segmentation fault: [0x%x, +0x%x) is not mapped", addr, length));
  }
}
