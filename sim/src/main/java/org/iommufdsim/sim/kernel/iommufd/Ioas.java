package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iopt.IoPagetable;

/** An IO address space (mirrors ioas.c: struct iommufd_ioas): its IO page table. */
public final class Ioas extends IommufdObject {
  private final IoPagetable iopt;
  /** HWPT_PAGING objects on this IOAS in creation order (ioas->hwpt_list). */
  final java.util.List<HwptPaging> hwpts = new java.util.ArrayList<>();
  /** External accesses attached to this IOAS (their unmap callbacks run on IOAS_UNMAP). */
  final java.util.List<Access> accesses = new java.util.ArrayList<>();

  public Ioas(long pageSize) {
    super(ObjType.IOAS);
    this.iopt = new IoPagetable(pageSize);
  }

  /** An IOAS whose io page table records its checks into the kernel's {@code decider}. */
  public Ioas(long pageSize, org.iommufdsim.sim.kernel.decide.Decider decider) {
    super(ObjType.IOAS);
    this.iopt = new IoPagetable(pageSize, decider);
  }

  public IoPagetable iopt() {
    return iopt;
  }

  public java.util.List<HwptPaging> hwpts() {
    return java.util.List.copyOf(hwpts);
  }
}
