package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.TestCheck.*;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.*;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.kernel.mm.Vma;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The selftest's emulated-device accesses (mirrors selftest.c: iommufd_test_create_access,
 * _access_pages, _destroy_access_pages, _access_rw, _access_replace_ioas, and device.c's
 * iommufd_access_* functions): pins through an IOAS, and reads and writes that move real bytes.
 */
final class AccessOps {
  private static final CField ID = iommu_test_cmd.field("id");
  private static final CField CA_FD = iommu_test_cmd.field("create_access.out_access_fd");
  private static final CField CA_FLAGS = iommu_test_cmd.field("create_access.flags");
  private static final CField AP_FLAGS = iommu_test_cmd.field("access_pages.flags");
  private static final CField AP_OUT = iommu_test_cmd.field("access_pages.out_access_pages_id");
  private static final CField AP_IOVA = iommu_test_cmd.field("access_pages.iova");
  private static final CField AP_LEN = iommu_test_cmd.field("access_pages.length");
  private static final CField AP_UPTR = iommu_test_cmd.field("access_pages.uptr");
  private static final CField DP_ID = iommu_test_cmd.field("destroy_access_pages.access_pages_id");
  private static final CField RW_IOVA = iommu_test_cmd.field("access_rw.iova");
  private static final CField RW_LEN = iommu_test_cmd.field("access_rw.length");
  private static final CField RW_UPTR = iommu_test_cmd.field("access_rw.uptr");
  private static final CField RW_FLAGS = iommu_test_cmd.field("access_rw.flags");
  private static final CField RI_IOAS = iommu_test_cmd.field("access_replace_ioas.ioas_id");
  private static final long LIMIT = 16L << 20;

  private AccessOps() {}

  /** iommufd_access_get: the access behind a selftest access fd, or null (EBADFD). */
  private static Access byFd(Ucmd u) {
    KFile f = u.task.file(u.u32(ID));
    u.refuse(TEST_ACCESS_FD, !(f instanceof AccessFile af0 && af0.access != null), u.get(ID));
    return f instanceof AccessFile af ? af.access : null;
  }

  /** Mirrors iommufd_test_create_access. */
  static SysResult create(Ucmd u) {
    long flags = u.get(CA_FLAGS);
    if (u.refuse(TEST_ACCESS_CREATE_FLAGS,
        (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags has bits other than NEEDS_PIN_PAGES");
    }
    if (u.task.shouldFail("anon_inode_getfile([iommufd_test_staccess])")) {
      return SysResult.err(Errno.ENOMEM, "creating the access file failed");
    }
    AccessFile file = new AccessFile();
    int fd = u.task.reserveFd();
    if (u.refuse(TEST_ACCESS_CREATE_FD, fd < 0)) {
      file.put();
      return SysResult.err(Errno.ENOMEM, "no free fd");
    }
    Errno[] err = new Errno[1];
    Access a = Lifecycle.alloc(u.ictx, u.task, new Access(false), "access", err);
    if (a == null) {
      u.task.unreserveFd(fd);
      file.put();
      return SysResult.err(err[0], "allocating the access failed");
    }
    a.needsPin = (flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES) != 0;
    a.ictx = u.ictx;
    a.get();
    u.ictx.get();
    Lifecycle.finalize(u.ictx, a);
    SysResult r = attach(u, a, u.u32(ID));
    if (r.isOk()) {
      u.set(CA_FD, fd);
      r = u.respond();
    }
    if (!r.isOk()) {
      destroyExternal(a);
      u.task.unreserveFd(fd);
      file.put();
      return r;
    }
    a.file = file;
    file.access = a;
    u.task.installFd(fd, file);
    return SysResult.ok();
  }

  /** iommufd_access_attach / change_ioas: the IOAS gains the access and its alignment. */
  private static SysResult attach(Ucmd u, Access a, int ioasId) {
    Ioas ioas = u.ictx.getIoas(ioasId);
    if (u.refuse(TEST_ACCESS_IOAS_LOOKUP, ioas == null, ioasId)) {
      return SysResult.err(Errno.ENOENT, "id " + ioasId + " is not an IOAS");
    }
    long page = u.task.kernel().pageSize();
    IoPagetable.AlignmentSource align = a.needsPin ? () -> page : () -> 1;
    Errno e = ioas.iopt().addAlignmentSource(align);
    if (e != null) {
      return SysResult.err(e, "an area breaks the access's alignment");
    }
    a.alignment = align;
    a.ioas = ioas;
    ioas.get();
    ioas.accesses.add(a);
    return SysResult.ok();
  }

  /** iommufd_access_detach: the unmap callback for everything, then the IOAS lets go. */
  private static void detach(Access a) {
    if (a.ioas == null) {
      return;
    }
    unmapCallback(a, 0, U64.MAX);
    a.ioas.accesses.remove(a);
    a.ioas.iopt().removeAlignmentSource(a.alignment);
    a.ioas.put();
    a.ioas = null;
  }

  /** Closing the fd: detach, then iommufd_access_destroy. */
  static void destroyExternal(Access a) {
    detach(a);
    a.put();
    IommufdFile ictx = a.ictx;
    Lifecycle.removeInternal(ictx, a);
    ictx.put();
  }

  /** The selftest unmap callback: every item overlapping {@code [iova, last]} is dropped. */
  static void unmapCallback(Access a, long iova, long last) {
    for (Access.Item it : List.copyOf(a.items.values())) {
      if (U64.intersects(it.iova(), it.iova() + it.length() - 1, iova, last)) {
        a.ioas.iopt().accessUnpin(new ArrayList<>(it.pins()), false);
        a.items.remove(it.id());
      }
    }
  }

  /** Mirrors iommufd_test_access_pages. */
  static SysResult pages(Ucmd u) {
    long length = u.get(AP_LEN);
    long flags = u.get(AP_FLAGS);
    if (u.refuse(TEST_ACCESS_LENGTH, U64.gt(length, LIMIT), length)) {
      return SysResult.err(Errno.ENOMEM, "length above the selftest's 16 MiB guard");
    }
    if (u.refuse(TEST_ACCESS_FLAGS,
        (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ)) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "unknown flags");
    }
    Access a = byFd(u);
    if (a == null) {
      return SysResult.err(Errno.EBADFD, "id is not a selftest access fd");
    }
    if (u.refuse(TEST_ACCESS_NEEDS_PIN, !a.needsPin)) {
      return SysResult.err(Errno.EOPNOTSUPP, "the access was not created with NEEDS_PIN_PAGES");
    }
    if (u.refuse(TEST_ACCESS_ATTACHED, a.ioas == null)) {
      return SysResult.err(Errno.ENOENT, "the access is not attached to an IOAS");
    }
    long iova = (flags & MOCK_FLAGS_ACCESS_SYZ) != 0 ? syzConvIova(a.ioas, u.get(AP_IOVA))
        : u.get(AP_IOVA);
    List<IoPagetable.AccessPin> pins = new ArrayList<>();
    Errno e = a.ioas.iopt().accessPin(u.task, iova, length,
        (flags & MOCK_FLAGS_ACCESS_WRITE) != 0, false, pins);
    if (e != null) {
      return SysResult.err(e, "iommufd_access_pin_pages failed");
    }
    long uptr = u.get(AP_UPTR);
    if (u.refuse(TEST_ACCESS_SAME_PAGES,
        uptr != 0 && !samePages(u.task, a.ioas, iova, length, uptr))) {
      a.ioas.iopt().accessUnpin(pins, false);
      return SysResult.err(Errno.EBADE, "a pinned page is not the page behind uptr");
    }
    if (u.task.shouldFail("kzalloc(selftest_access_item)")) {
      a.ioas.iopt().accessUnpin(pins, false);
      return SysResult.err(Errno.ENOMEM, "allocating the item failed");
    }
    Access.Item item = new Access.Item(a.nextItemId++, iova, length, pins);
    a.items.put(item.id(), item);
    u.set(AP_OUT, item.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      a.items.remove(item.id());
      a.ioas.iopt().accessUnpin(new ArrayList<>(pins), false);
    }
    return r;
  }

  private static boolean samePages(Task t, Ioas ioas, long iova, long length, long uptr) {
    long page = t.kernel().pageSize();
    for (long off = 0; off < length; off += page) {
      Object[] io = physOfIova(ioas, iova + off);
      Vma v = t.mm().find(uptr + off);
      if (io == null || v == null || io[0] != v.object()
          || ((long) io[1]) / page != (v.objOffset() + (uptr + off - v.start())) / page) {
        return false;
      }
    }
    return true;
  }

  /** The physical page behind an IOVA of an IOAS (pinned, or resolved now), or null. */
  static Object[] physOfIova(Ioas ioas, long iova) {
    IoptArea a = ioas.iopt().firstArea(iova, iova);
    if (a == null) {
      return null;
    }
    IoptPages pages = a.pages();
    long byteInPages = a.startByteOf(iova);
    long page = pages.pageSize();
    IoptPages.PhysRun run = pages.physAt(byteInPages / page);
    if (run != null) {
      return new Object[] {run.object(),
          (run.objPage() + (byteInPages / page - run.first())) * page + byteInPages % page};
    }
    if (pages.kind() == IoptPages.Kind.FILE) {
      MemObject f = pages.fileObject();
      long off = pages.base() + byteInPages;
      return f == null || off >= f.size() ? null : new Object[] {f, off};
    }
    if (pages.owner().exited()) {
      return null;
    }
    Vma v = pages.owner().mm().find(pages.base() + byteInPages);
    return v == null ? null
        : new Object[] {v.object(), v.objOffset() + (pages.base() + byteInPages - v.start())};
  }

  /**
   * __iommufd_test_syz_conv_iova: for syzkaller, the u64 iova is {u32 nth_area, u32 offset}:
   * the nth area's IOVA plus the offset, or 0 when there is no such area.
   */
  static long syzConvIova(Ioas ioas, long syz) {
    long nth = syz & 0xffffffffL;
    long offset = syz >>> 32;
    for (IoptArea area : ioas.iopt().areas().values()) {
      if (nth == 0) {
        return area.iova() + offset;
      }
      nth--;
    }
    return 0;
  }

  /** Mirrors iommufd_test_access_pages' undo: DESTROY_ACCESS_PAGES. */
  static SysResult destroyPages(Ucmd u) {
    Access a = byFd(u);
    if (a == null) {
      return SysResult.err(Errno.EBADFD, "id is not a selftest access fd");
    }
    Access.Item it = a.items.remove(u.get(DP_ID));
    if (u.refuse(TEST_ACCESS_ITEM, it == null, u.get(DP_ID))) {
      return SysResult.err(Errno.ENOENT, "no such access item (unmap may have dropped it)");
    }
    a.ioas.iopt().accessUnpin(new ArrayList<>(it.pins()), false);
    return SysResult.ok();
  }

  /** Mirrors iommufd_test_access_rw and device.c: iommufd_access_rw. */
  static SysResult rw(Ucmd u) {
    long length = u.get(RW_LEN);
    long flags = u.get(RW_FLAGS);
    if (u.refuse(TEST_ACCESS_RW_LENGTH, U64.gt(length, LIMIT), length)) {
      return SysResult.err(Errno.ENOMEM, "length above the selftest's 16 MiB guard");
    }
    long known = MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH | MOCK_FLAGS_ACCESS_SYZ;
    if (u.refuse(TEST_ACCESS_RW_FLAGS, (flags & ~known) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "unknown flags");
    }
    Access a = byFd(u);
    if (a == null) {
      return SysResult.err(Errno.EBADFD, "id is not a selftest access fd");
    }
    boolean write = (flags & MOCK_ACCESS_RW_WRITE) != 0;
    long uptr = u.get(RW_UPTR);
    byte[] buf = new byte[(int) length];
    if (write) {
      byte[] in = u.copyFromUser(uptr, length);
      if (u.refuse(TEST_ACCESS_RW_UPTR, in == null)) {
        return SysResult.err(Errno.EFAULT, "uptr is not readable");
      }
      buf = in;
    }
    long iova = (flags & MOCK_FLAGS_ACCESS_SYZ) != 0 && a.ioas != null
        ? syzConvIova(a.ioas, u.get(RW_IOVA)) : u.get(RW_IOVA);
    Errno e = accessRw(a, iova, buf, write);
    if (e != null) {
      return SysResult.err(e, "iommufd_access_rw failed");
    }
    if (!write) {
      return u.copyToUser(uptr, buf, "copy_to_user(uptr)");
    }
    return SysResult.ok();
  }

  /** iommufd_access_rw: contiguous areas, permissions, then the bytes themselves. */
  private static Errno accessRw(Access a, long iova, byte[] buf, boolean write) {
    if (buf.length == 0) {
      return Errno.EINVAL;
    }
    if (U64.addOverflows(iova, buf.length - 1L)) {
      return Errno.EOVERFLOW;
    }
    if (a.ioas == null) {
      return Errno.ENOENT;
    }
    long last = iova + buf.length - 1;
    long cur = iova;
    while (true) {
      IoptArea area = a.ioas.iopt().firstArea(cur, cur);
      if (area == null || (cur != iova && area.iova() != cur)) {
        return Errno.ENOENT;
      }
      if (area.preventAccess()) {
        return Errno.EINVAL;
      }
      if (write && (area.prot() & IoPagetable.IOMMU_WRITE) == 0) {
        return Errno.EPERM;
      }
      long pieceLast = U64.min(last, area.last());
      for (long at = cur; U64.le(at, pieceLast); ) {
        Object[] phys = physOfIova(a.ioas, at);
        if (phys == null) {
          return Errno.EFAULT;
        }
        MemObject obj = (MemObject) phys[0];
        long off = (long) phys[1];
        long page = obj == null ? 4096 : a.ioas.iopt().pageSize();
        int n = (int) Math.min(pieceLast - at + 1, page - off % page);
        int bufOff = (int) (at - iova);
        if (write) {
          obj.write(off, buf, bufOff, n);
        } else {
          obj.read(off, buf, bufOff, n);
        }
        at += n;
        if (at == 0) {
          break;
        }
      }
      if (U64.le(last, area.last())) {
        return null;
      }
      cur = area.last() + 1;
    }
  }

  /** Mirrors iommufd_test_access_replace_ioas and iommufd_access_replace. */
  static SysResult replaceIoas(Ucmd u) {
    Access a = byFd(u);
    if (a == null) {
      return SysResult.err(Errno.EBADFD, "id is not a selftest access fd");
    }
    if (u.refuse(TEST_ACCESS_ATTACHED, a.ioas == null)) {
      return SysResult.err(Errno.ENOENT, "the access is not attached");
    }
    int id = u.u32(RI_IOAS);
    Ioas target = u.ictx.getIoas(id);
    if (u.refuse(TEST_ACCESS_IOAS_LOOKUP, target == null, id)) {
      return SysResult.err(Errno.ENOENT, "ioas_id is not an IOAS");
    }
    if (target == a.ioas) {
      return SysResult.ok();
    }
    detach(a);
    return attach(u, a, id);
  }
}
