package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.IoasCheck.*;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_MAP_FIXED_IOVA;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_MAP_READABLE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_IOAS_MAP_WRITEABLE;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_alloc;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_allow_iovas;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_change_process;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_copy;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_iova_ranges;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_map;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_map_file;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_ioas_unmap;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.decide.IoasCheck;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.fs.MemfdFile;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.iopt.IoptSlice;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/** The IOAS ioctls (mirrors ioas.c), each checking in the kernel's order. */
final class IoasIoctls {
  private static final long MAP_FLAGS =
      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE;

  private static final CField ALLOC_FLAGS = iommu_ioas_alloc.field("flags");
  private static final CField ALLOC_OUT = iommu_ioas_alloc.field("out_ioas_id");

  private static final CField AI_IOAS = iommu_ioas_allow_iovas.field("ioas_id");
  private static final CField AI_NUM = iommu_ioas_allow_iovas.field("num_iovas");
  private static final CField AI_RES = iommu_ioas_allow_iovas.field("__reserved");
  private static final CField AI_PTR = iommu_ioas_allow_iovas.field("allowed_iovas");

  private static final CField IR_IOAS = iommu_ioas_iova_ranges.field("ioas_id");
  private static final CField IR_NUM = iommu_ioas_iova_ranges.field("num_iovas");
  private static final CField IR_RES = iommu_ioas_iova_ranges.field("__reserved");
  private static final CField IR_PTR = iommu_ioas_iova_ranges.field("allowed_iovas");
  private static final CField IR_ALIGN = iommu_ioas_iova_ranges.field("out_iova_alignment");

  private static final CField MAP_F = iommu_ioas_map.field("flags");
  private static final CField MAP_IOAS = iommu_ioas_map.field("ioas_id");
  private static final CField MAP_RES = iommu_ioas_map.field("__reserved");
  private static final CField MAP_VA = iommu_ioas_map.field("user_va");
  private static final CField MAP_LEN = iommu_ioas_map.field("length");
  private static final CField MAP_IOVA = iommu_ioas_map.field("iova");

  private static final CField MF_F = iommu_ioas_map_file.field("flags");
  private static final CField MF_IOAS = iommu_ioas_map_file.field("ioas_id");
  private static final CField MF_FD = iommu_ioas_map_file.field("fd");
  private static final CField MF_START = iommu_ioas_map_file.field("start");
  private static final CField MF_LEN = iommu_ioas_map_file.field("length");
  private static final CField MF_IOVA = iommu_ioas_map_file.field("iova");

  private static final CField CP_F = iommu_ioas_copy.field("flags");
  private static final CField CP_DST = iommu_ioas_copy.field("dst_ioas_id");
  private static final CField CP_SRC = iommu_ioas_copy.field("src_ioas_id");
  private static final CField CP_LEN = iommu_ioas_copy.field("length");
  private static final CField CP_DST_IOVA = iommu_ioas_copy.field("dst_iova");
  private static final CField CP_SRC_IOVA = iommu_ioas_copy.field("src_iova");

  private static final CField UN_IOAS = iommu_ioas_unmap.field("ioas_id");
  private static final CField UN_IOVA = iommu_ioas_unmap.field("iova");
  private static final CField UN_LEN = iommu_ioas_unmap.field("length");

  private static final CField CHP_RES = iommu_ioas_change_process.field("__reserved");

  private IoasIoctls() {}

  private static SysResult noIoas(int id) {
    return SysResult.err(Errno.ENOENT, "iommufd_get_ioas: ID " + Integer.toUnsignedString(id)
        + " is not an IOAS");
  }

  /** Mirrors ioas.c: iommufd_ioas_alloc_ioctl. */
  static SysResult alloc(Ucmd u) {
    if (u.refuse(IOAS_ALLOC_FLAGS, u.get(ALLOC_FLAGS) != 0, u.get(ALLOC_FLAGS))) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags must be 0");
    }
    Errno[] err = new Errno[1];
    Ioas ioas = Lifecycle.alloc(u.ictx, u.task, new Ioas(u.task.kernel().pageSize(),
        u.decider()), "ioas", err);
    if (ioas == null) {
      return SysResult.err(err[0], "allocating the IOAS object failed");
    }
    u.set(ALLOC_OUT, ioas.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      Lifecycle.abortAndDestroy(u.ictx, ioas);
      return r;
    }
    Lifecycle.finalize(u.ictx, ioas);
    return SysResult.ok();
  }

  /** Mirrors ioas.c: iommufd_ioas_iova_ranges. */
  static SysResult iovaRanges(Ucmd u) {
    if (u.refuse(IOVA_RANGES_RESERVED, u.get(IR_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    Ioas ioas = u.ictx.getIoas(u.u32(IR_IOAS));
    if (u.refuse(IOVA_RANGES_LOOKUP, ioas == null, u.get(IR_IOAS))) {
      return noIoas(u.u32(IR_IOAS));
    }
    long max = u.get(IR_NUM);
    long ptr = u.get(IR_PTR);
    long count = 0;
    for (long[] hole : ioas.iopt().usableRanges()) {
      if (count < max) {
        byte[] elm = new byte[16];
        putLe64(elm, 0, hole[0]);
        putLe64(elm, 8, hole[1]);
        SysResult c = u.copyToUser(ptr + count * 16, elm, "copy_to_user(allowed_iovas[" + count + "])");
        if (!c.isOk()) {
          return c;
        }
      }
      count++;
    }
    u.set(IR_NUM, count);
    u.set(IR_ALIGN, ioas.iopt().iovaAlignment());
    SysResult r = u.respond();
    if (!r.isOk()) {
      return r;
    }
    if (u.refuse(IOVA_RANGES_FITS, count > max, max)) {
      return SysResult.err(Errno.EMSGSIZE, "num_iovas " + max + " cannot hold the " + count
          + " usable ranges (num_iovas was written back)");
    }
    return SysResult.ok();
  }

  /** Mirrors ioas.c: iommufd_ioas_allow_iovas. */
  static SysResult allowIovas(Ucmd u) {
    if (u.refuse(ALLOW_IOVAS_RESERVED, u.get(AI_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    Ioas ioas = u.ictx.getIoas(u.u32(AI_IOAS));
    if (u.refuse(ALLOW_IOVAS_LOOKUP, ioas == null, u.get(AI_IOAS))) {
      return noIoas(u.u32(AI_IOAS));
    }
    long n = u.get(AI_NUM);
    long ptr = u.get(AI_PTR);
    List<long[]> ranges = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      byte[] elm = u.copyFromUser(ptr + i * 16, 16);
      if (u.refuse(ALLOW_IOVAS_READ, elm == null)) {
        return SysResult.err(Errno.EFAULT, "allowed_iovas[" + i + "] is not readable");
      }
      long start = le64(elm, 0);
      long last = le64(elm, 8);
      if (u.refuse(ALLOW_IOVAS_ORDER, U64.ge(start, last))) {
        return SysResult.err(Errno.EINVAL, "allowed_iovas[" + i + "]: start must be below last");
      }
      boolean overlaps = false;
      for (long[] r : ranges) {
        overlaps |= U64.intersects(start, last, r[0], r[1]);
      }
      if (u.refuse(ALLOW_IOVAS_OVERLAP, overlaps)) {
        return SysResult.err(Errno.EINVAL, "allowed_iovas[" + i + "] overlaps an earlier range");
      }
      if (u.task.shouldFail("kzalloc(iopt_allowed)")) {
        return SysResult.err(Errno.ENOMEM, "allocating an allowed range failed");
      }
      ranges.add(new long[] {start, last});
    }
    Errno e = ioas.iopt().setAllowed(ranges);
    if (e != null) {
      return SysResult.err(e, "an allowed range intersects a reserved range");
    }
    return SysResult.ok();
  }

  /** conv_iommu_prot. */
  private static int prot(long flags) {
    int p = IoPagetable.IOMMU_CACHE;
    if ((flags & IOMMU_IOAS_MAP_WRITEABLE) != 0) {
      p |= IoPagetable.IOMMU_WRITE;
    }
    if ((flags & IOMMU_IOAS_MAP_READABLE) != 0) {
      p |= IoPagetable.IOMMU_READ;
    }
    return p;
  }

  private static final IoasCheck[] MAP_CHECKS = {IoasCheck.MAP_FLAGS, MAP_ULONG_MAX, MAP_PROT};
  private static final IoasCheck[] MAP_FILE_CHECKS =
      {MAP_FILE_FLAGS, MAP_FILE_ULONG_MAX, MAP_FILE_PROT};

  /** The checks MAP, MAP_FILE and COPY share before their lookup. */
  private static SysResult checkMapFlags(Ucmd u, IoasCheck[] checks, long flags, long iova,
      long length) {
    if (u.refuse(checks[0], (flags & ~MAP_FLAGS) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags has unknown bits");
    }
    if (u.refuse(checks[1], U64.ge(iova, U64.MAX) || U64.ge(length, U64.MAX))) {
      return SysResult.err(Errno.EOVERFLOW, "iova or length is ULONG_MAX");
    }
    if (u.refuse(checks[2],
        (flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)) == 0, flags)) {
      return SysResult.err(Errno.EINVAL, "neither READABLE nor WRITEABLE");
    }
    return null;
  }

  /** Mirrors ioas.c: iommufd_ioas_map and io_pagetable.c: iopt_map_user_pages. */
  static SysResult map(Ucmd u) {
    long flags = u.get(MAP_F);
    if (u.refuse(MAP_RESERVED, u.get(MAP_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    SysResult bad = checkMapFlags(u, MAP_CHECKS, flags, u.get(MAP_IOVA), u.get(MAP_LEN));
    if (bad != null) {
      return bad;
    }
    Ioas ioas = u.ictx.getIoas(u.u32(MAP_IOAS));
    if (u.refuse(MAP_LOOKUP, ioas == null, u.get(MAP_IOAS))) {
      return noIoas(u.u32(MAP_IOAS));
    }
    long uptr = u.get(MAP_VA);
    long length = u.get(MAP_LEN);
    long page = u.task.kernel().pageSize();
    if (u.refuse(MAP_USER_VA_OVERFLOW, U64.addOverflows(uptr, length))) {
      return SysResult.err(Errno.EOVERFLOW, "user_va + length overflows");
    }
    long startByte = uptr % page;
    if (u.refuse(MAP_LENGTH, length == 0 || U64.gt(length, U64.MAX - page), length)) {
      return SysResult.err(Errno.EINVAL, "length is 0 or too large");
    }
    if (u.task.shouldFail("kzalloc(iopt_pages)")) {
      return SysResult.err(Errno.ENOMEM, "allocating iopt_pages failed");
    }
    long npages = (length + startByte + page - 1) / page;
    IoptPages pages = IoptPages.user(u.task, uptr - startByte, npages,
        (prot(flags) & IoPagetable.IOMMU_WRITE) != 0);
    return mapCommon(u, ioas, pages, startByte, length, flags, u.get(MAP_IOVA), MAP_IOVA);
  }

  /** iopt_map_common + the handler's respond. */
  private static SysResult mapCommon(Ucmd u, Ioas ioas, IoptPages pages, long startByte,
      long length, long flags, long fixedIova, CField iovaField) {
    long[] iova = new long[1];
    List<IoptSlice> slices = new ArrayList<>(List.of(new IoptSlice(pages, startByte, length)));
    Errno e = ioas.iopt().mapPages(u.task, slices, length,
        (flags & IOMMU_IOAS_MAP_FIXED_IOVA) == 0, fixedIova, prot(flags), iova);
    if (e != null) {
      pages.put();
      return SysResult.err(e, mapReason(e));
    }
    u.set(iovaField, iova[0]);
    return u.respond();
  }

  private static String mapReason(Errno e) {
    return switch (e) {
      case EINVAL -> "length, iova or the sub-page offset is not aligned to the IOAS alignment,"
          + " or the fixed range is reserved";
      case EEXIST -> "the fixed IOVA range intersects an existing area";
      case ENOSPC -> "no free IOVA range fits the length and alignment";
      case EOVERFLOW -> "the IOVA range overflows";
      case EPERM -> "WRITEABLE requested on read-only pages";
      case ENOMEM -> "an allocation failed";
      default -> "iopt_map_pages failed";
    };
  }

  /** Mirrors ioas.c: iommufd_ioas_map_file and io_pagetable.c: iopt_map_file_pages (v7.0). */
  static SysResult mapFile(Ucmd u) {
    long flags = u.get(MF_F);
    SysResult bad = checkMapFlags(u, MAP_FILE_CHECKS, flags, u.get(MF_IOVA), u.get(MF_LEN));
    if (bad != null) {
      return bad;
    }
    Ioas ioas = u.ictx.getIoas(u.u32(MF_IOAS));
    if (u.refuse(MAP_FILE_LOOKUP, ioas == null, u.get(MF_IOAS))) {
      return noIoas(u.u32(MF_IOAS));
    }
    long start = u.get(MF_START);
    long length = u.get(MF_LEN);
    long page = u.task.kernel().pageSize();
    if (u.refuse(MAP_FILE_LENGTH_ZERO, length == 0)) {
      return SysResult.err(Errno.EINVAL, "length is 0");
    }
    if (u.refuse(MAP_FILE_START_OVERFLOW, U64.addOverflows(start, length - 1))) {
      return SysResult.err(Errno.EOVERFLOW, "start + length - 1 overflows");
    }
    KFile f = u.task.file((int) u.get(MF_FD));
    if (f instanceof org.iommufdsim.sim.kernel.fs.DmabufFile buf) {
      return mapDmabuf(u, ioas, buf, flags, start, length);
    }
    if (u.refuse(MAP_FILE_FD, f == null, u.get(MF_FD))) {
      return SysResult.err(Errno.EBADF, "fd " + (int) u.get(MF_FD) + " is not open");
    }
    if (u.refuse(MAP_FILE_LENGTH, U64.gt(length, U64.MAX - page), length)) {
      return SysResult.err(Errno.EINVAL, "length is too large");
    }
    if (u.task.shouldFail("kzalloc(iopt_pages)")) {
      return SysResult.err(Errno.ENOMEM, "allocating iopt_pages failed");
    }
    long startByte = start % page;
    long npages = (length + startByte + page - 1) / page;
    IoptPages pages = IoptPages.file(u.task, f instanceof MemfdFile m ? m.object() : null,
        start - startByte, npages, (prot(flags) & IoPagetable.IOMMU_WRITE) != 0);
    return mapCommon(u, ioas, pages, startByte, length, flags, u.get(MF_IOVA), MF_IOVA);
  }

  /** Mirrors pages.c: iopt_alloc_dmabuf_pages (v7.0): size checks, then attach and pin now. */
  private static SysResult mapDmabuf(Ucmd u, Ioas ioas, org.iommufdsim.sim.kernel.fs.DmabufFile buf,
      long flags, long start, long length) {
    long page = u.task.kernel().pageSize();
    if (u.refuse(MAP_DMABUF_RANGE, U64.ge(start + length - 1, buf.size()))) {
      return SysResult.err(Errno.EINVAL, "start + length runs past the dma-buf's size");
    }
    if (u.refuse(MAP_DMABUF_BATCH, U64.ge(length / page, 0xffffffffL))) {
      return SysResult.err(Errno.EINVAL, "too many pages for one batch");
    }
    if (u.refuse(MAP_DMABUF_REVOKED, buf.revoked())) {
      return SysResult.err(Errno.ENODEV, "the exporter has revoked the dma-buf");
    }
    if (u.task.shouldFail("kzalloc(iopt_pages)")) {
      return SysResult.err(Errno.ENOMEM, "allocating iopt_pages failed");
    }
    long startByte = start % page;
    long npages = (length + startByte + page - 1) / page;
    IoptPages pages = IoptPages.dmabuf(u.task, buf, start - startByte, npages,
        (prot(flags) & IoPagetable.IOMMU_WRITE) != 0);
    return mapCommon(u, ioas, pages, startByte, length, flags, u.get(MF_IOVA), MF_IOVA);
  }

  /** Mirrors ioas.c: iommufd_ioas_copy. */
  static SysResult copy(Ucmd u) {
    long flags = u.get(CP_F);
    if (u.refuse(COPY_FLAGS, (flags & ~MAP_FLAGS) != 0, flags)) {
      return SysResult.err(Errno.EOPNOTSUPP, "flags has unknown bits");
    }
    if (u.refuse(COPY_ULONG_MAX, U64.ge(u.get(CP_LEN), U64.MAX)
        || U64.ge(u.get(CP_SRC_IOVA), U64.MAX) || U64.ge(u.get(CP_DST_IOVA), U64.MAX))) {
      return SysResult.err(Errno.EOVERFLOW, "length, src_iova or dst_iova is ULONG_MAX");
    }
    if (u.refuse(COPY_PROT,
        (flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)) == 0, flags)) {
      return SysResult.err(Errno.EINVAL, "neither READABLE nor WRITEABLE");
    }
    Ioas src = u.ictx.getIoas(u.u32(CP_SRC));
    if (u.refuse(COPY_SRC_LOOKUP, src == null, u.get(CP_SRC))) {
      return noIoas(u.u32(CP_SRC));
    }
    List<IoptSlice> slices = new ArrayList<>();
    Errno e = src.iopt().getPages(u.task, u.get(CP_SRC_IOVA), u.get(CP_LEN), slices);
    if (e != null) {
      return SysResult.err(e, e == Errno.ENOENT
          ? "the source range is not covered by contiguous areas" : "iopt_get_pages failed");
    }
    Ioas dst = u.ictx.getIoas(u.u32(CP_DST));
    if (u.refuse(COPY_DST_LOOKUP, dst == null, u.get(CP_DST))) {
      IoPagetable.releaseSlices(slices);
      return noIoas(u.u32(CP_DST));
    }
    long[] iova = new long[1];
    e = dst.iopt().mapPages(u.task, slices, u.get(CP_LEN),
        (flags & IOMMU_IOAS_MAP_FIXED_IOVA) == 0, u.get(CP_DST_IOVA), prot(flags), iova);
    if (e != null) {
      IoPagetable.releaseSlices(slices);
      return SysResult.err(e, mapReason(e));
    }
    u.set(CP_DST_IOVA, iova[0]);
    return u.respond();
  }

  /** Mirrors ioas.c: iommufd_ioas_unmap. */
  static SysResult unmap(Ucmd u) {
    Ioas ioas = u.ictx.getIoas(u.u32(UN_IOAS));
    if (u.refuse(UNMAP_LOOKUP, ioas == null, u.get(UN_IOAS))) {
      return noIoas(u.u32(UN_IOAS));
    }
    long iova = u.get(UN_IOVA);
    long length = u.get(UN_LEN);
    long[] unmapped = new long[1];
    Accesses notifier = new Accesses(u.ictx, ioas);
    if (iova == 0 && length == U64.MAX) {
      Errno e = ioas.iopt().unmapAll(notifier, unmapped);
      if (e != null) {
        return SysResult.err(e, unmapReason(e));
      }
    } else {
      if (u.refuse(UNMAP_ULONG_MAX, U64.ge(iova, U64.MAX) || U64.ge(length, U64.MAX))) {
        return SysResult.err(Errno.EOVERFLOW, "iova or length is ULONG_MAX");
      }
      if (u.refuse(UNMAP_LENGTH, length == 0)) {
        return SysResult.err(Errno.EINVAL, "length is 0");
      }
      if (u.refuse(UNMAP_OVERFLOW, U64.addOverflows(iova, length - 1))) {
        return SysResult.err(Errno.EOVERFLOW, "iova + length - 1 overflows");
      }
      Errno e = ioas.iopt().unmapRange(iova, iova + length - 1, notifier, unmapped);
      if (e != null) {
        return SysResult.err(e, unmapReason(e));
      }
      if (unmapped[0] == 0) {
        return SysResult.err(Errno.ENOENT, "nothing was unmapped");
      }
    }
    u.set(UN_LEN, unmapped[0]);
    return u.respond();
  }

  private static String unmapReason(Errno e) {
    return switch (e) {
      case ENOENT -> "no area in the range, or an area is not entirely inside it"
          + " (areas are never split)";
      case EBUSY -> "an area in the range is locked by an internal access";
      case EDEADLK -> "an access did not release its pins after 100 notifications";
      default -> "iopt_unmap_iova failed";
    };
  }

  /** Mirrors ioas.c: iommufd_ioas_change_process. */
  static SysResult changeProcess(Ucmd u) {
    if (u.refuse(CHANGE_PROCESS_RESERVED, u.get(CHP_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    for (IommufdObject o : u.ictx.objects().live()) {
      if (o instanceof Ioas ioas) {
        for (IoptArea a : ioas.iopt().areas().values()) {
          // user VA or dma-buf (v7.0)
          if (u.refuse(CHANGE_PROCESS_FILE_ONLY, a.pages().kind() != IoptPages.Kind.FILE)) {
            return SysResult.err(Errno.EINVAL, "IOAS " + ioas.id() + " has an area at "
                + U64.hex(a.iova()) + " that is not file backed");
          }
        }
      }
    }
    return SysResult.ok();
  }

  static long le64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  static void putLe64(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
