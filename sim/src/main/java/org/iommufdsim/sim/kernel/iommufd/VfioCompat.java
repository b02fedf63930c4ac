package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.VfioCheck.*;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.iopt.IoptSlice;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.VfioUapi;

/**
 * The VFIO type1 container ioctls iommufd answers on its own fd (mirrors vfio_compat.c:
 * iommufd_vfio_ioctl). Requests outside iommufd's range land here; anything it does not
 * know is ENOTTY (ENOIOCTLCMD). Struct offsets follow include/uapi/linux/vfio.h.
 */
final class VfioCompat {
  private static final long VFIO_GET_API_VERSION = VfioUapi.VFIO_GET_API_VERSION.request();
  private static final long VFIO_CHECK_EXTENSION = VfioUapi.VFIO_CHECK_EXTENSION.request();
  private static final long VFIO_SET_IOMMU = VfioUapi.VFIO_SET_IOMMU.request();
  private static final long VFIO_IOMMU_GET_INFO = VfioUapi.VFIO_IOMMU_GET_INFO.request();
  private static final long VFIO_IOMMU_MAP_DMA = VfioUapi.VFIO_IOMMU_MAP_DMA.request();
  private static final long VFIO_IOMMU_UNMAP_DMA = VfioUapi.VFIO_IOMMU_UNMAP_DMA.request();
  private static final CStruct MAP = VfioUapi.vfio_iommu_type1_dma_map;
  private static final CStruct UNMAP = VfioUapi.vfio_iommu_type1_dma_unmap;
  private static final CStruct INFO = VfioUapi.vfio_iommu_type1_info;

  private static final long VFIO_TYPE1_IOMMU = 1;
  private static final long VFIO_TYPE1v2_IOMMU = 3;
  private static final long VFIO_DMA_CC_IOMMU = 4;
  private static final long VFIO_UNMAP_ALL = 9;
  private static final long VFIO_UPDATE_VADDR = 10;

  private static final int MAP_FLAG_READ = 1;
  private static final int MAP_FLAG_WRITE = 2;
  private static final int UNMAP_FLAG_ALL = 1 << 1;


  private VfioCompat() {}

  static SysResult ioctl(IommufdFile ictx, Task task, long request, long arg) {
    if (request == VFIO_GET_API_VERSION) {
      return SysResult.ok(0);
    }
    if (request == VFIO_CHECK_EXTENSION) {
      return checkExtension(ictx, arg);
    }
    if (request == VFIO_SET_IOMMU) {
      return setIommu(ictx, arg);
    }
    if (request == VFIO_IOMMU_GET_INFO) {
      return getInfo(ictx, task, arg);
    }
    if (request == VFIO_IOMMU_MAP_DMA) {
      return mapDma(ictx, task, arg);
    }
    if (request == VFIO_IOMMU_UNMAP_DMA) {
      return unmapDma(ictx, task, arg);
    }
    task.kernel().decider().refuse(COMPAT_IOCTL, true, request);
    return SysResult.err(Errno.ENOTTY, "no iommufd or VFIO compat ioctl 0x"
        + Long.toHexString(request));
  }

  private static SysResult checkExtension(IommufdFile ictx, long type) {
    if (type == VFIO_TYPE1_IOMMU || type == VFIO_TYPE1v2_IOMMU || type == VFIO_UNMAP_ALL) {
      return SysResult.ok(1);
    }
    if (type == VFIO_DMA_CC_IOMMU) {
      if (ictx.kernel().decider().refuse(COMPAT_IOAS, ictx.vfioIoas() == null)) {
        return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
      }
      return SysResult.ok(1);
    }
    if (type == VFIO_UPDATE_VADDR) {
      return SysResult.ok(0);
    }
    return SysResult.ok(0);
  }

  private static SysResult setIommu(IommufdFile ictx, long type) {
    Decider dc = ictx.kernel().decider();
    if (dc.refuse(COMPAT_SET_IOMMU_TYPE, type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU,
        type)) {
      return SysResult.err(Errno.EINVAL, "only VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU");
    }
    Ioas ioas = ictx.vfioIoas();
    if (dc.refuse(COMPAT_IOAS, ioas == null)) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS (IOMMU_VFIO_IOAS SET first)");
    }
    if (type == VFIO_TYPE1_IOMMU) {
      Errno e = ioas.iopt().disableLargePages(MainIoctls.hasDomains(ioas));
      if (e != null) {
        return SysResult.err(e, "type1 needs huge pages off on the compatibility IOAS");
      }
    }
    return SysResult.ok();
  }

  /**
   * Mirrors vfio_compat.c: iommufd_vfio_iommu_get_info. Capabilities follow the struct in the
   * user buffer, each 8-byte aligned and chained through {@code next}: DMA_AVAIL, then IOVA_RANGE
   * (the holes of the reserved set). A cap is written only where it fits; {@code argsz} comes
   * back as the size needed for all of them, {@code cap_offset} only when they all fit.
   */
  private static SysResult getInfo(IommufdFile ictx, Task task, long arg) {
    int minsz = (int) INFO.memberEnd("iova_pgsizes");
    byte[] in = task.mm().copyFrom(arg, minsz);
    Decider dc = task.kernel().decider();
    if (dc.refuse(COMPAT_COPY_IN, in == null)) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(info)");
    }
    long argsz = INFO.field("argsz").get(in);
    if (dc.refuse(COMPAT_INFO_ARGSZ, argsz < minsz, argsz)) {
      return SysResult.err(Errno.EINVAL, "argsz below offsetofend(iova_pgsizes)");
    }
    Ioas ioas = ictx.vfioIoas();
    if (dc.refuse(COMPAT_IOAS, ioas == null)) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    List<byte[]> caps = List.of(dmaAvailCap(), iovaRangeCap(ioas.iopt().usableRanges()));
    long total = INFO.size();
    long lastCap = -1;
    for (byte[] cap : caps) {
      if (dc.refuse(COMPAT_COPY_OUT,
          argsz >= total + cap.length && !task.mm().copyTo(arg + total, cap))) {
        return SysResult.err(Errno.EFAULT, "copy_to_user(capability)");
      }
      if (lastCap >= 0 && argsz >= total) {
        byte[] next = new byte[4];
        CAP_NEXT.set(next, -(int) CAP_NEXT.offset(), total);
        if (dc.refuse(COMPAT_COPY_OUT,
            !task.mm().copyTo(arg + lastCap + CAP_NEXT.offset(), next))) {
          return SysResult.err(Errno.EFAULT, "put_user(next)");
        }
      }
      lastCap = total;
      total += (cap.length + 7) & -8;
    }
    byte[] info = INFO.newBuffer();
    INFO.field("argsz").set(info, total);
    INFO.field("flags").set(info, VfioUapi.VFIO_IOMMU_INFO_PGSIZES | VfioUapi.VFIO_IOMMU_INFO_CAPS);
    INFO.field("iova_pgsizes").set(info, ioas.iopt().iovaAlignment() == 1
        ? -task.kernel().pageSize() : -ioas.iopt().iovaAlignment());
    INFO.field("cap_offset").set(info, argsz >= total ? INFO.size() : 0);
    int copy = (int) Math.min(argsz, INFO.size());
    if (dc.refuse(COMPAT_COPY_OUT, !task.mm().copyTo(arg, java.util.Arrays.copyOf(info, copy)))) {
      return SysResult.err(Errno.EFAULT, "copy_to_user(info)");
    }
    return SysResult.ok();
  }

  private static final CStruct AVAIL = VfioUapi.vfio_iommu_type1_info_dma_avail;
  private static final CStruct IOVA_CAP = VfioUapi.vfio_iommu_type1_info_cap_iova_range;
  private static final CStruct RANGE = VfioUapi.vfio_iova_range;
  private static final org.iommufdsim.sim.uapi.CField CAP_NEXT = AVAIL.field("header.next");

  /** iommufd_fill_cap_dma_avail: the avail count is reported as U32_MAX. */
  private static byte[] dmaAvailCap() {
    byte[] b = AVAIL.newBuffer();
    AVAIL.field("header.id").set(b, VfioUapi.VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
    AVAIL.field("header.version").set(b, 1);
    AVAIL.field("avail").set(b, 0xffffffffL);
    return b;
  }

  /** iommufd_fill_cap_iova: the usable IOVA ranges. */
  private static byte[] iovaRangeCap(List<long[]> ranges) {
    byte[] b = new byte[IOVA_CAP.size() + ranges.size() * RANGE.size()];
    IOVA_CAP.field("header.id").set(b, VfioUapi.VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
    IOVA_CAP.field("header.version").set(b, 1);
    IOVA_CAP.field("nr_iovas").set(b, ranges.size());
    for (int i = 0; i < ranges.size(); i++) {
      int base = IOVA_CAP.size() + i * RANGE.size();
      RANGE.field("start").set(b, base, ranges.get(i)[0]);
      RANGE.field("end").set(b, base, ranges.get(i)[1]);
    }
    return b;
  }

  /** vfio_iommu_type1_dma_map. */
  private static SysResult mapDma(IommufdFile ictx, Task task, long arg) {
    byte[] in = task.mm().copyFrom(arg, MAP.size());
    Decider dc = task.kernel().decider();
    if (dc.refuse(COMPAT_COPY_IN, in == null)) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(map)");
    }
    long argsz = MAP.field("argsz").get(in);
    long flags = MAP.field("flags").get(in);
    if (dc.refuse(COMPAT_MAP_ARGS,
        argsz < MAP.size() || (flags & ~(MAP_FLAG_READ | MAP_FLAG_WRITE)) != 0, flags)) {
      return SysResult.err(Errno.EINVAL, "argsz too small or unknown flags");
    }
    Ioas ioas = ictx.vfioIoas();
    if (dc.refuse(COMPAT_IOAS, ioas == null)) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    long vaddr = MAP.field("vaddr").get(in);
    long iova = MAP.field("iova").get(in);
    long size = MAP.field("size").get(in);
    int prot = IoPagetable.IOMMU_CACHE;
    prot |= (flags & MAP_FLAG_READ) != 0 ? IoPagetable.IOMMU_READ : 0;
    prot |= (flags & MAP_FLAG_WRITE) != 0 ? IoPagetable.IOMMU_WRITE : 0;
    long page = task.kernel().pageSize();
    if (dc.refuse(COMPAT_MAP_OVERFLOW, U64.addOverflows(vaddr, size))) {
      return SysResult.err(Errno.EOVERFLOW, "vaddr + size overflows");
    }
    if (dc.refuse(COMPAT_MAP_SIZE, size == 0 || U64.gt(size, U64.MAX - page), size)) {
      return SysResult.err(Errno.EINVAL, "size is 0 or too large");
    }
    if (task.shouldFail("kzalloc(iopt_pages)")) {
      return SysResult.err(Errno.ENOMEM, "allocating iopt_pages failed");
    }
    long startByte = vaddr % page;
    IoptPages pages = IoptPages.user(task, vaddr - startByte,
        (size + startByte + page - 1) / page, (prot & IoPagetable.IOMMU_WRITE) != 0);
    List<IoptSlice> slices = new ArrayList<>(List.of(new IoptSlice(pages, startByte, size)));
    Errno e = ioas.iopt().mapPages(task, slices, size, false, iova, prot, new long[1]);
    if (e != null) {
      pages.put();
      return SysResult.err(e, "iopt_map_user_pages failed");
    }
    return SysResult.ok();
  }

  /** vfio_iommu_type1_dma_unmap. */
  private static SysResult unmapDma(IommufdFile ictx, Task task, long arg) {
    byte[] in = task.mm().copyFrom(arg, UNMAP.size());
    Decider dc = task.kernel().decider();
    if (dc.refuse(COMPAT_COPY_IN, in == null)) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(unmap)");
    }
    long argsz = UNMAP.field("argsz").get(in);
    long flags = UNMAP.field("flags").get(in);
    if (dc.refuse(COMPAT_UNMAP_ARGS, argsz < UNMAP.size() || (flags & ~UNMAP_FLAG_ALL) != 0,
        flags)) {
      return SysResult.err(Errno.EINVAL, "argsz too small or unknown flags");
    }
    Ioas ioas = ictx.vfioIoas();
    if (dc.refuse(COMPAT_IOAS, ioas == null)) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    long iova = UNMAP.field("iova").get(in);
    long size = UNMAP.field("size").get(in);
    long[] unmapped = new long[1];
    Errno e;
    Accesses notifier = new Accesses(ictx, ioas);
    if ((flags & UNMAP_FLAG_ALL) != 0) {
      if (dc.refuse(COMPAT_UNMAP_ALL_ARGS, iova != 0 || size != 0)) {
        return SysResult.err(Errno.EINVAL, "UNMAP_ALL needs iova and size 0");
      }
      e = ioas.iopt().unmapAll(notifier, unmapped);
    } else if (dc.refuse(COMPAT_UNMAP_SIZE, size == 0)
        || dc.refuse(COMPAT_UNMAP_OVERFLOW, U64.addOverflows(iova, size - 1))) {
      e = size == 0 ? Errno.EINVAL : Errno.EOVERFLOW;
    } else {
      e = ioas.iopt().unmapRange(iova, iova + size - 1, notifier, unmapped);
      if (e == Errno.ENOENT && unmapped[0] == 0
          && ioas.iopt().firstArea(iova, iova + size - 1) == null) {
        e = null;
      }
    }
    byte[] sizeOut = new byte[8];
    putU64(sizeOut, 0, unmapped[0]);
    if (dc.refuse(COMPAT_COPY_OUT, !task.mm().copyTo(arg + UNMAP.offset("size"), sizeOut))) {
      return SysResult.err(Errno.EFAULT, "copy_to_user(size)");
    }
    return e == null ? SysResult.ok() : SysResult.err(e, "unmap failed");
  }

  private static long u32(byte[] b, int off) {
    return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16
        | (b[off + 3] & 0xffL) << 24;
  }

  private static long le64(byte[] b, int off) {
    return IoasIoctls.le64(b, off);
  }

  private static void putU32(byte[] b, int off, long v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void putU64(byte[] b, int off, long v) {
    IoasIoctls.putLe64(b, off, v);
  }
}
