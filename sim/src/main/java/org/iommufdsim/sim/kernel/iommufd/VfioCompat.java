package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.iopt.IoPagetable;
import org.iommufdsim.sim.kernel.iopt.IoptPages;
import org.iommufdsim.sim.kernel.iopt.IoptSlice;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The VFIO type1 container ioctls iommufd answers on its own fd (mirrors vfio_compat.c:
 * iommufd_vfio_ioctl). Requests outside iommufd's range land here; anything it does not
 * know is ENOTTY (ENOIOCTLCMD). Struct offsets follow include/uapi/linux/vfio.h.
 */
final class VfioCompat {
  private static final long VFIO_GET_API_VERSION = 0x3B64;
  private static final long VFIO_CHECK_EXTENSION = 0x3B65;
  private static final long VFIO_SET_IOMMU = 0x3B66;
  private static final long VFIO_IOMMU_GET_INFO = 0x3B70;
  private static final long VFIO_IOMMU_MAP_DMA = 0x3B71;
  private static final long VFIO_IOMMU_UNMAP_DMA = 0x3B72;

  private static final long VFIO_TYPE1_IOMMU = 1;
  private static final long VFIO_TYPE1v2_IOMMU = 3;
  private static final long VFIO_DMA_CC_IOMMU = 4;
  private static final long VFIO_UNMAP_ALL = 9;
  private static final long VFIO_UPDATE_VADDR = 10;

  private static final int MAP_FLAG_READ = 1;
  private static final int MAP_FLAG_WRITE = 2;
  private static final int UNMAP_FLAG_ALL = 1 << 1;

  private static final int INFO_FLAG_PGSIZES = 1 << 0;
  private static final int INFO_FLAG_CAPS = 1 << 1;
  private static final int CAP_IOVA_RANGE = 1;
  private static final int CAP_DMA_AVAIL = 3;

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
    return SysResult.err(Errno.ENOTTY, "no iommufd or VFIO compat ioctl 0x"
        + Long.toHexString(request));
  }

  private static SysResult checkExtension(IommufdFile ictx, long type) {
    if (type == VFIO_TYPE1_IOMMU || type == VFIO_TYPE1v2_IOMMU || type == VFIO_UNMAP_ALL) {
      return SysResult.ok(1);
    }
    if (type == VFIO_DMA_CC_IOMMU) {
      if (ictx.vfioIoas() == null) {
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
    if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU) {
      return SysResult.err(Errno.EINVAL, "only VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU");
    }
    Ioas ioas = ictx.vfioIoas();
    if (ioas == null) {
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

  /** vfio_iommu_type1_info: argsz@0 flags@4 iova_pgsizes@8 cap_offset@16 pad@20 (24 bytes). */
  private static SysResult getInfo(IommufdFile ictx, Task task, long arg) {
    byte[] in = task.mm().copyFrom(arg, 16);
    if (in == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(info)");
    }
    long argsz = u32(in, 0);
    if (argsz < 16) {
      return SysResult.err(Errno.EINVAL, "argsz below offsetofend(iova_pgsizes)");
    }
    Ioas ioas = ictx.vfioIoas();
    if (ioas == null) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    List<long[]> ranges = ioas.iopt().usableRanges();
    int total = 24;
    int iovaCapAt = total;
    int iovaCapLen = 16 + ranges.size() * 16;
    total += iovaCapLen;
    int availAt = total;
    total += 12;
    byte[] out = new byte[total];
    int flags = INFO_FLAG_PGSIZES;
    putU64(out, 8, ioas.iopt().iovaAlignment() == 1
        ? -task.kernel().pageSize() : -ioas.iopt().iovaAlignment());
    if (argsz >= 24) {
      flags |= INFO_FLAG_CAPS;
      if (argsz >= total) {
        putU32(out, 16, iovaCapAt);
        putU32(out, iovaCapAt, CAP_IOVA_RANGE);
        putU32(out, iovaCapAt + 2, 1 << 16 | CAP_IOVA_RANGE);
        out[iovaCapAt] = (byte) CAP_IOVA_RANGE;
        out[iovaCapAt + 1] = 0;
        out[iovaCapAt + 2] = 1;
        out[iovaCapAt + 3] = 0;
        putU32(out, iovaCapAt + 4, availAt);
        putU32(out, iovaCapAt + 8, ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
          putU64(out, iovaCapAt + 16 + i * 16, ranges.get(i)[0]);
          putU64(out, iovaCapAt + 24 + i * 16, ranges.get(i)[1]);
        }
        out[availAt] = (byte) CAP_DMA_AVAIL;
        out[availAt + 2] = 1;
        putU32(out, availAt + 8, 0xffffffff);
      }
    }
    putU32(out, 0, Math.max((int) argsz, total));
    putU32(out, 4, flags);
    int copy = (int) Math.min(argsz, total);
    byte[] head = new byte[copy];
    System.arraycopy(out, 0, head, 0, copy);
    if (!task.mm().copyTo(arg, head)) {
      return SysResult.err(Errno.EFAULT, "copy_to_user(info)");
    }
    return SysResult.ok();
  }

  /** vfio_iommu_type1_dma_map: argsz@0 flags@4 vaddr@8 iova@16 size@24 (32 bytes). */
  private static SysResult mapDma(IommufdFile ictx, Task task, long arg) {
    byte[] in = task.mm().copyFrom(arg, 32);
    if (in == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(map)");
    }
    long argsz = u32(in, 0);
    long flags = u32(in, 4);
    if (argsz < 32 || (flags & ~(MAP_FLAG_READ | MAP_FLAG_WRITE)) != 0) {
      return SysResult.err(Errno.EINVAL, "argsz too small or unknown flags");
    }
    Ioas ioas = ictx.vfioIoas();
    if (ioas == null) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    long vaddr = le64(in, 8);
    long iova = le64(in, 16);
    long size = le64(in, 24);
    int prot = IoPagetable.IOMMU_CACHE;
    prot |= (flags & MAP_FLAG_READ) != 0 ? IoPagetable.IOMMU_READ : 0;
    prot |= (flags & MAP_FLAG_WRITE) != 0 ? IoPagetable.IOMMU_WRITE : 0;
    long page = task.kernel().pageSize();
    if (U64.addOverflows(vaddr, size)) {
      return SysResult.err(Errno.EOVERFLOW, "vaddr + size overflows");
    }
    if (size == 0 || U64.gt(size, U64.MAX - page)) {
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

  /** vfio_iommu_type1_dma_unmap: argsz@0 flags@4 iova@8 size@16 (24 bytes). */
  private static SysResult unmapDma(IommufdFile ictx, Task task, long arg) {
    byte[] in = task.mm().copyFrom(arg, 24);
    if (in == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(unmap)");
    }
    long argsz = u32(in, 0);
    long flags = u32(in, 4);
    if (argsz < 24 || (flags & ~UNMAP_FLAG_ALL) != 0) {
      return SysResult.err(Errno.EINVAL, "argsz too small or unknown flags");
    }
    Ioas ioas = ictx.vfioIoas();
    if (ioas == null) {
      return SysResult.err(Errno.ENODEV, "no compatibility IOAS");
    }
    long iova = le64(in, 8);
    long size = le64(in, 16);
    long[] unmapped = new long[1];
    Errno e;
    Accesses notifier = new Accesses(ictx, ioas);
    if ((flags & UNMAP_FLAG_ALL) != 0) {
      if (iova != 0 || size != 0) {
        return SysResult.err(Errno.EINVAL, "UNMAP_ALL needs iova and size 0");
      }
      e = ioas.iopt().unmapAll(notifier, unmapped);
    } else if (size == 0 || U64.addOverflows(iova, size - 1)) {
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
    if (!task.mm().copyTo(arg + 16, sizeOut)) {
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
