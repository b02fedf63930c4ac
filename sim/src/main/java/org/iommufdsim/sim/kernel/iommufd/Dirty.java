package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.HwptCheck.*;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_get_dirty_bitmap;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_set_dirty_tracking;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Dirty tracking (mirrors hw_pagetable.c and io_pagetable.c: set_dirty_tracking,
 * read_and_clear_dirty). A domain's dirty bits live per IO page of its page table; a dirty huge
 * IO page reports every bitmap bit it covers.
 */
final class Dirty {
  private static final CField S_FLAGS = iommu_hwpt_set_dirty_tracking.field("flags");
  private static final CField S_HWPT = iommu_hwpt_set_dirty_tracking.field("hwpt_id");
  private static final CField G_HWPT = iommu_hwpt_get_dirty_bitmap.field("hwpt_id");
  private static final CField G_FLAGS = iommu_hwpt_get_dirty_bitmap.field("flags");
  private static final CField G_RES = iommu_hwpt_get_dirty_bitmap.field("__reserved");
  private static final CField G_IOVA = iommu_hwpt_get_dirty_bitmap.field("iova");
  private static final CField G_LEN = iommu_hwpt_get_dirty_bitmap.field("length");
  private static final CField G_PGSZ = iommu_hwpt_get_dirty_bitmap.field("page_size");
  private static final CField G_DATA = iommu_hwpt_get_dirty_bitmap.field("data");

  private Dirty() {}

  /** Mirrors iommufd_hwpt_set_dirty_tracking and iopt_set_dirty_tracking. */
  static SysResult setTracking(Ucmd u) {
    long flags = u.get(S_FLAGS);
    if (u.refuse(SET_DIRTY_FLAGS, (flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags has unknown bits");
    }
    IommufdObject sh = u.ictx.get(u.u32(S_HWPT), ObjType.HWPT_PAGING);
    if (u.refuse(SET_DIRTY_LOOKUP, !(sh instanceof HwptPaging), u.get(S_HWPT))
        || !(sh instanceof HwptPaging hwpt)) {
      return SysResult.err(Errno.ENOENT, "hwpt_id is not a paging HWPT");
    }
    IommuDomain d = hwpt.domain;
    if (u.refuse(SET_DIRTY_SUPPORTED, !d.hasDirtyOps())) {
      return SysResult.err(Errno.EOPNOTSUPP, "the HWPT was not allocated with DIRTY_TRACKING");
    }
    boolean enable = flags != 0;
    if (enable) {
      d.readDirty(0, U64.MAX, true);
    }
    Errno e = d.driver().setDirtyTracking(d, enable);
    u.decider().refuseWith(DRIVER_SET_DIRTY_TRACKING, e, "the driver refused");
    return e == null ? SysResult.ok() : SysResult.err(e, "the driver refused");
  }

  /** Mirrors iommufd_hwpt_get_dirty_bitmap and iopt_read_and_clear_dirty_data. */
  static SysResult getBitmap(Ucmd u) {
    long flags = u.get(G_FLAGS);
    if (u.refuse(GET_DIRTY_FLAGS,
        (flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) != 0 || u.get(G_RES) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "unknown flags or non-zero __reserved");
    }
    IommufdObject gh = u.ictx.get(u.u32(G_HWPT), ObjType.HWPT_PAGING);
    if (u.refuse(GET_DIRTY_LOOKUP, !(gh instanceof HwptPaging), u.get(G_HWPT))
        || !(gh instanceof HwptPaging hwpt)) {
      return SysResult.err(Errno.ENOENT, "hwpt_id is not a paging HWPT");
    }
    long iova = u.get(G_IOVA);
    long length = u.get(G_LEN);
    long pgsz = u.get(G_PGSZ);
    IoPagetable iopt = hwpt.ioas.iopt();
    if (u.refuse(GET_DIRTY_OVERFLOW, U64.addOverflows(iova, length - 1))) {
      return SysResult.err(Errno.EOVERFLOW, "iova + length - 1 overflows");
    }
    long last = iova + length - 1;
    long align = iopt.iovaAlignment();
    if (u.refuse(GET_DIRTY_ALIGNED, (iova & (align - 1)) != 0 || ((last + 1) & (align - 1)) != 0,
        align)) {
      return SysResult.err(Errno.EINVAL, "iova or length is not aligned to the IOAS alignment");
    }
    if (u.refuse(GET_DIRTY_PAGE_SIZE, pgsz == 0)) {
      return SysResult.err(Errno.EINVAL, "page_size is 0");
    }
    if (u.refuse(GET_DIRTY_PAGE_MULTIPLE, Long.remainderUnsigned(iova, pgsz) != 0
        || Long.remainderUnsigned(last + 1, pgsz) != 0, pgsz)) {
      return SysResult.err(Errno.EINVAL, "iova or length is not a multiple of page_size");
    }
    IommuDomain d = hwpt.domain;
    if (u.refuse(GET_DIRTY_SUPPORTED, !d.hasDirtyOps())) {
      return SysResult.err(Errno.EOPNOTSUPP, "the HWPT has no dirty tracking");
    }
    if (u.task.shouldFail("iova_bitmap_alloc")) {
      return SysResult.err(Errno.ENOMEM, "setting up the bitmap iterator failed");
    }
    boolean clear = (flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) == 0;
    long cur = iova;
    IoptArea a = iopt.firstArea(iova, iova);
    while (a != null) {
      long pieceLast = U64.min(last, a.last());
      for (long[] r : d.readDirty(cur, pieceLast, false)) {
        setBits(u.task, u.get(G_DATA), iova, last, pgsz, r[0], r[1]);
      }
      if (clear) {
        d.readDirty(cur, pieceLast, true);
      }
      if (U64.le(last, a.last())) {
        break;
      }
      cur = a.last() + 1;
      IoptArea n = iopt.firstArea(cur, cur);
      a = n != null && n.iova() == cur ? n : null;
    }
    return SysResult.ok();
  }

  /** Sets the bits of dirty IOVAs {@code [s, l]} (clamped to the bitmap's range). */
  private static void setBits(Task task, long data, long base, long last, long pgsz, long s,
      long l) {
    long from = Long.divideUnsigned(U64.max(s, base) - base, pgsz);
    long to = Long.divideUnsigned(U64.min(l, last) - base, pgsz);
    for (long b = from; b <= to; b++) {
      long at = data + b / 8;
      byte[] cur = task.mm().copyFrom(at, 1);
      if (cur == null) {
        continue;
      }
      cur[0] |= (byte) (1 << (b % 8));
      task.mm().copyTo(at, cur);
    }
  }

  /**
   * Marks the IO page containing {@code iova} dirty in a paging domain, if it is mapped there;
   * returns whether it was (the mock's page-table walk for IOMMU_TEST_OP_DIRTY).
   */
  static boolean markDirty(HwptPaging hwpt, long iova) {
    IoptArea a = hwpt.ioas.iopt().firstArea(iova, iova);
    if (a == null) {
      return false;
    }
    IoptPages pages = a.pages();
    long phys = pages.base() + a.startByteOf(iova);
    long size = hwpt.domain.driver().ioPageSize(hwpt.domain, iova, a.iova(), a.last(), phys);
    long start = iova & -size;
    hwpt.domain.markDirty(start, start + size - 1);
    return true;
  }
}
