package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.TestCheck.*;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_test_cmd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.drivers.MockIommu;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.kernel.mm.Vma;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The mock's verification ops (mirrors selftest.c: iommufd_test_md_check_pa,
 * iommufd_test_md_check_refs, iommufd_test_dirty): what the domain really maps, page pin counts,
 * and marking IO pages dirty.
 */
final class MockChecks {
  private static final CField ID = iommu_test_cmd.field("id");
  private static final CField CM_IOVA = iommu_test_cmd.field("check_map.iova");
  private static final CField CM_LEN = iommu_test_cmd.field("check_map.length");
  private static final CField CM_UPTR = iommu_test_cmd.field("check_map.uptr");
  private static final CField CR_LEN = iommu_test_cmd.field("check_refs.length");
  private static final CField CR_UPTR = iommu_test_cmd.field("check_refs.uptr");
  private static final CField CR_REFS = iommu_test_cmd.field("check_refs.refs");
  private static final CField D_IOVA = iommu_test_cmd.field("dirty.iova");
  private static final CField D_LEN = iommu_test_cmd.field("dirty.length");
  private static final CField D_PGSZ = iommu_test_cmd.field("dirty.page_size");
  private static final CField D_UPTR = iommu_test_cmd.field("dirty.uptr");
  private static final CField D_OUT = iommu_test_cmd.field("dirty.out_nr_dirty");

  private MockChecks() {}

  /** get_md_pagetable: a paging HWPT whose domain is the mock's. */
  private static Object mockPaging(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(ID), ObjType.HWPT_PAGING);
    if (u.refuse(TEST_MD_LOOKUP, !(o instanceof HwptPaging), u.get(ID))
        || !(o instanceof HwptPaging h)) {
      return SysResult.err(Errno.ENOENT, "id is not a paging HWPT");
    }
    if (u.refuse(TEST_MD_MOCK, !(h.domain.driver() instanceof MockIommu))) {
      return SysResult.err(Errno.EINVAL, "not a mock paging domain");
    }
    return h;
  }

  /** Mirrors iommufd_test_md_check_pa: each IO page maps the page behind the user address. */
  static SysResult checkMap(Ucmd u) {
    Object o = mockPaging(u);
    if (o instanceof SysResult r) {
      return r;
    }
    HwptPaging h = (HwptPaging) o;
    long pg = h.domain.minPageSize();
    long iova = u.get(CM_IOVA);
    long len = u.get(CM_LEN);
    long uptr = u.get(CM_UPTR);
    if (u.refuse(TEST_CHECK_MAP_ALIGN,
        iova % pg != 0 || len % pg != 0 || uptr % pg != 0 || U64.addOverflows(uptr, len))) {
      return SysResult.err(Errno.EINVAL, "iova, length and uptr must be multiples of " + pg);
    }
    for (long off = 0; off < len; off += pg) {
      Object[] user = userPhys(u.task, uptr + off);
      if (user == null) {
        u.refuse(TEST_CHECK_MAP_USER, true, uptr + off);
        return SysResult.err(Errno.EFAULT, "uptr + " + off + " is not mapped");
      }
      Object[] io = ioPhys(h, iova + off);
      if (io == null || io[0] != user[0] || (long) io[1] != (long) user[1]) {
        u.refuse(TEST_CHECK_MAP_TRANSLATE, true, iova + off);
        return SysResult.err(Errno.EINVAL, "IOVA " + U64.hex(iova + off)
            + " does not translate to the page behind the user address");
      }
    }
    u.refuse(TEST_CHECK_MAP_USER, false);
    u.refuse(TEST_CHECK_MAP_TRANSLATE, false);
    return SysResult.ok();
  }

  /** The physical page behind a user address: {MemObject, byte offset in it}, or null. */
  private static Object[] userPhys(Task t, long va) {
    Vma v = t.mm().find(va);
    if (v == null) {
      return null;
    }
    return new Object[] {v.object(), v.objOffset() + (va - v.start())};
  }

  /** iova_to_phys of a paging domain: through the IOAS area and its pinned pages. */
  static Object[] ioPhys(HwptPaging h, long iova) {
    IoptArea a = h.ioas.iopt().firstArea(iova, iova);
    if (a == null) {
      return null;
    }
    IoptPages pages = a.pages();
    long byteInPages = a.startByteOf(iova);
    long idx = byteInPages / pages.pageSize();
    IoptPages.PhysRun run = pages.physAt(idx);
    if (run == null) {
      return null;
    }
    MemObject obj = run.object();
    long objByte = (run.objPage() + (idx - run.first())) * pages.pageSize()
        + byteInPages % pages.pageSize();
    return new Object[] {obj, objByte};
  }

  /** Mirrors iommufd_test_md_check_refs: every page of the range has {@code refs} pins. */
  static SysResult checkRefs(Ucmd u) {
    long len = u.get(CR_LEN);
    long uptr = u.get(CR_UPTR);
    long page = u.task.kernel().pageSize();
    if (u.refuse(TEST_CHECK_REFS_ALIGN, len % page != 0 || uptr % page != 0)) {
      return SysResult.err(Errno.EINVAL, "length and uptr must be page aligned");
    }
    long refs = u.get(CR_REFS);
    for (long off = 0; off < len; off += page) {
      Object[] p = userPhys(u.task, uptr + off);
      if (p == null) {
        u.refuse(TEST_CHECK_REFS_USER, true, uptr + off);
        return SysResult.err(Errno.EFAULT, "uptr + " + off + " is not mapped");
      }
      MemObject obj = (MemObject) p[0];
      long pins = obj.pins().count((long) p[1] / page);
      if (pins != refs) {
        u.refuse(TEST_CHECK_REFS_COUNT, true, pins);
        return SysResult.err(Errno.EIO, "page at uptr + " + off + " has " + pins
            + " pins, not " + refs);
      }
    }
    u.refuse(TEST_CHECK_REFS_USER, false);
    u.refuse(TEST_CHECK_REFS_COUNT, false);
    return SysResult.ok();
  }

  /** Mirrors iommufd_test_dirty (v7.0): marks the IO pages of the set bits dirty. */
  static SysResult dirty(Ucmd u) {
    long iova = u.get(D_IOVA);
    long len = u.get(D_LEN);
    long pgsz = u.get(D_PGSZ);
    long uptr = u.get(D_UPTR);
    if (u.refuse(TEST_DIRTY_ARGS, pgsz == 0 || len == 0 || Long.remainderUnsigned(iova, pgsz) != 0
        || Long.remainderUnsigned(len, pgsz) != 0 || uptr == 0)) {
      return SysResult.err(Errno.EINVAL, "page_size, length or uptr is 0, or iova or length is"
          + " not a multiple of page_size");
    }
    Object o = mockPaging(u);
    if (o instanceof SysResult r) {
      return r;
    }
    HwptPaging h = (HwptPaging) o;
    IommuDomain d = h.domain;
    if (u.refuse(TEST_DIRTY_ENABLED, !d.dirtyTracking())) {
      return SysResult.err(Errno.EINVAL, "dirty tracking is not enabled on the domain");
    }
    long max = Long.divideUnsigned(len, pgsz);
    if (u.task.shouldFail("kvzalloc(bitmap)")) {
      return SysResult.err(Errno.ENOMEM, "allocating the bitmap copy failed");
    }
    byte[] bits = u.copyFromUser(uptr, (max + 7) / 8);
    if (u.refuse(TEST_DIRTY_BITMAP, bits == null)) {
      return SysResult.err(Errno.EFAULT, "the bitmap is not readable");
    }
    long count = 0;
    for (long i = 0; i < max; i++) {
      if ((bits[(int) (i / 8)] & (1 << (i % 8))) == 0) {
        continue;
      }
      Dirty.markDirty(h, iova + i * pgsz);
      count++;
    }
    u.set(D_OUT, count);
    return u.respond();
  }
}
