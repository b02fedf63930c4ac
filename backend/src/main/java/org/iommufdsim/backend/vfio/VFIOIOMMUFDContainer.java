package org.iommufdsim.backend.vfio;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * Port of {@code VFIOIOMMUFDContainer} (with the {@code VFIOContainerBase} fields it uses) and
 * of the container class hooks of {@code hw/vfio/iommufd.c}: one IOAS of an iommufd backend,
 * its auto-domain HWPT list and its devices; DMA map/unmap into the IOAS and dirty tracking
 * over every dirty-tracking HWPT.
 */
public final class VFIOIOMMUFDContainer {
  /** {@code be}. */
  public final IOMMUFDBackend be;
  /** {@code ioas_id}. */
  public final int ioasId;
  /** {@code hwpt_list} (head insertion). */
  public final List<VFIOIOASHwpt> hwptList = new ArrayList<>();
  /** {@code bcontainer.device_list}: devices prepared on this container. */
  public final List<VFIODevice> deviceList = new ArrayList<>();
  /** {@code bcontainer.dirty_pages_supported}. */
  public boolean dirtyPagesSupported;
  /** {@code bcontainer.iova_ranges}: {start, last} pairs, sorted. */
  public final List<long[]> iovaRanges = new ArrayList<>();
  /** {@code bcontainer.pgsizes}. */
  public long pgsizes;
  /** {@code bcontainer.bypass_ro}: the listener skips read-only sections (VT-d erratum). */
  public boolean bypassRo;
  /** {@code bcontainer.dirty_pages_started}. */
  public boolean dirtyPagesStarted;
  /** {@code bcontainer.initialized}. */
  public boolean initialized;
  /** {@code bcontainer.space}. */
  VFIOAddressSpace space;

  VFIOIOMMUFDContainer(IOMMUFDBackend be, int ioasId) {
    this.be = be;
    this.ioasId = ioasId;
  }

  /** Port of {@code iommufd_cdev_map(bcontainer, iova, size, vaddr, readonly, mr)}. */
  public int iommufdCdevMap(long iova, long size, long vaddr, boolean readonly) {
    return be.iommufdBackendMapDma(ioasId, iova, size, vaddr, readonly);
  }

  /** Port of {@code iommufd_cdev_map_file(bcontainer, iova, size, fd, start, readonly)}. */
  public int iommufdCdevMapFile(long iova, long size, int fd, long start, boolean readonly) {
    return be.iommufdBackendMapFileDma(ioasId, iova, size, fd, start, readonly);
  }

  /**
   * Port of {@code iommufd_cdev_unmap(bcontainer, iova, size, iotlb, unmap_all)} (master with
   * c0570ef958 and 9f13576161): unmap-all is one {@code [iova, UINT64_MAX]} unmap (the kernel's
   * unmap-everything request when {@code iova} is 0). With a vIOMMU unmap ({@code iotlb} not
   * null) while dirty tracking runs and the container tracks dirty pages through its HWPTs: query
   * the bitmap first with {@code NO_CLEAR}, report a query error, unmap anyway, return the unmap
   * error else the query error; otherwise unmap, then sync the dirty bitmap if tracking runs.
   */
  public int iommufdCdevUnmap(long iova, long size, IOMMUTLBEntry iotlb, boolean unmapAll) {
    boolean needDirtySync = false;
    Errp localErr = Errp.local();
    int ret;
    if (unmapAll) {
      size = -1L; // UINT64_MAX
    }
    if (iotlb != null && vfioContainerDirtyTrackingIsStarted()) {
      if (!vfioContainerDevicesDirtyTrackingIsSupported() && dirtyPagesSupported) {
        ret = vfioContainerQueryDirtyBitmap(iova, size,
            IommufdUapi.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, iotlb.translatedAddr(), localErr);
        if (ret != 0) {
          be.qemu().stderr().errorReportErr(localErr);
        }
        int unmapRet = be.iommufdBackendUnmapDma(ioasId, iova, size);
        return unmapRet != 0 ? unmapRet : ret;
      }
      needDirtySync = true;
    }
    ret = be.iommufdBackendUnmapDma(ioasId, iova, size);
    if (ret != 0) {
      return ret;
    }
    if (needDirtySync) {
      ret = vfioContainerQueryDirtyBitmap(iova, size, 0, iotlb.translatedAddr(), localErr);
      if (ret != 0) {
        be.qemu().stderr().errorReportErr(localErr);
        return ret;
      }
    }
    return 0;
  }

  /** The part of {@code IOMMUTLBEntry} the unmap path reads. */
  public record IOMMUTLBEntry(long translatedAddr) {}

  /** Port of {@code vfio_container_dirty_tracking_is_started(bcontainer)}. */
  boolean vfioContainerDirtyTrackingIsStarted() {
    return dirtyPagesStarted;
  }

  /**
   * {@code vfio_container_devices_dirty_tracking_is_supported(bcontainer)}: false, VF (device)
   * dirty tracking is not modelled.
   */
  boolean vfioContainerDevicesDirtyTrackingIsSupported() {
    return false;
  }

  /**
   * Port of {@code vfio_container_set_dirty_page_tracking(bcontainer, start, errp)}
   * ({@code hw/vfio/container-base.c}): nothing without dirty-page support or when already in
   * that state; {@code dirty_pages_started} follows a successful hook.
   */
  public int vfioContainerSetDirtyPageTracking(boolean start, Errp errp) {
    if (!dirtyPagesSupported) {
      return 0;
    }
    if (dirtyPagesStarted == start) {
      return 0;
    }
    int ret = iommufdSetDirtyPageTracking(start, errp);
    if (ret == 0) {
      dirtyPagesStarted = start;
    }
    return ret;
  }

  /**
   * The IOMMU part of {@code vfio_container_query_dirty_bitmap(bcontainer, iova, size,
   * backend_flag, ram_addr, errp)}: a zeroed bitmap of one bit per host page, filled by
   * {@link #iommufdQueryDirtyBitmap}; the bitmap's address is kept in {@link #lastDirtyBitmap}
   * where QEMU would mark the pages dirty in its RAM dirty log (not modelled).
   */
  int vfioContainerQueryDirtyBitmap(long iova, long size, long backendFlag, long ramAddr,
      Errp errp) {
    long pageSize = be.qemu().libc().syscalls().pageSize();
    long pages = Long.divideUnsigned(size, pageSize)
        + (Long.remainderUnsigned(size, pageSize) != 0 ? 1 : 0);
    long bytes = ((pages + 63) / 64) * 8;
    long bitmap = be.qemu().libc().gMalloc0(bytes);
    int ret = iommufdQueryDirtyBitmap(bitmap, iova, size, backendFlag, errp);
    if (ret == 0) {
      lastDirtyBitmap = bitmap;
    }
    return ret;
  }

  /** User address of the last bitmap {@link #vfioContainerQueryDirtyBitmap} filled; 0 if none. */
  public long lastDirtyBitmap;

  /** Port of {@code iommufd_hwpt_dirty_tracking(hwpt)}. */
  static boolean iommufdHwptDirtyTracking(VFIOIOASHwpt hwpt) {
    return hwpt != null && (hwpt.hwptFlags & IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0;
  }

  /**
   * Port of {@code iommufd_set_dirty_page_tracking(bcontainer, start, errp)}: start/stop on
   * every dirty-tracking HWPT; on the first failure, set the opposite state on every
   * dirty-tracking HWPT of the list (errors ignored) and return {@code -EINVAL}.
   */
  public int iommufdSetDirtyPageTracking(boolean start, Errp errp) {
    boolean failed = false;
    for (VFIOIOASHwpt hwpt : hwptList) {
      if (!iommufdHwptDirtyTracking(hwpt)) {
        continue;
      }
      if (!be.iommufdBackendSetDirtyTracking(hwpt.hwptId, start, errp)) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      return 0;
    }
    for (VFIOIOASHwpt hwpt : hwptList) {
      if (!iommufdHwptDirtyTracking(hwpt)) {
        continue;
      }
      be.iommufdBackendSetDirtyTracking(hwpt.hwptId, !start, Errp.none());
    }
    return -Errno.EINVAL.number();
  }

  /**
   * Port of {@code iommufd_query_dirty_bitmap(bcontainer, vbmap, iova, size, backend_flag,
   * errp)}: every dirty-tracking HWPT ORs its dirty bits into the bitmap at user address
   * {@code bitmap}, one bit per {@code qemu_real_host_page_size()} page; {@code -EINVAL} at the
   * first failure.
   */
  public int iommufdQueryDirtyBitmap(long bitmap, long iova, long size, long backendFlag,
      Errp errp) {
    long pageSize = be.qemu().libc().syscalls().pageSize();
    for (VFIOIOASHwpt hwpt : hwptList) {
      if (!iommufdHwptDirtyTracking(hwpt)) {
        continue;
      }
      if (!be.iommufdBackendGetDirtyBitmap(hwpt.hwptId, iova, size, pageSize, bitmap,
          backendFlag, errp)) {
        return -Errno.EINVAL.number();
      }
    }
    return 0;
  }
}
