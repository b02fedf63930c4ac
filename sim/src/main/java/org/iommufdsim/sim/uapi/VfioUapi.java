package org.iommufdsim.sim.uapi;

import static org.iommufdsim.sim.uapi.CStruct.s32;
import static org.iommufdsim.sim.uapi.CStruct.struct;
import static org.iommufdsim.sim.uapi.CStruct.u16;
import static org.iommufdsim.sim.uapi.CStruct.u32;
import static org.iommufdsim.sim.uapi.CStruct.u64;

/**
 * The part of {@code include/uapi/linux/vfio.h} (Linux v7.0) that iommufd users meet: the VFIO
 * cdev ioctls on a device fd ({@code VFIO_DEVICE_BIND_IOMMUFD}, {@code _ATTACH_IOMMUFD_PT},
 * {@code _DETACH_IOMMUFD_PT}) and the type1 container ioctls that
 * {@code drivers/iommu/iommufd/vfio_compat.c} accepts on an iommufd fd.
 *
 * <p>All VFIO ioctls are {@code _IO(VFIO_TYPE, VFIO_BASE + n)}, without size bits; the type
 * byte is the same {@code ';'} as iommufd's. {@code VFIO_GET_API_VERSION},
 * {@code VFIO_CHECK_EXTENSION} and {@code VFIO_SET_IOMMU} take an integer argument, not a
 * struct, so their {@link IoctlDef#struct()} is null. Minimum sizes are the kernel's
 * {@code minsz} ({@code offsetofend(..., last)}) of the handler in {@code vfio_compat.c} or
 * {@code drivers/vfio/device_cdev.c}.
 */
public final class VfioUapi {
  public static final UapiRegistry REG = new UapiRegistry("include/uapi/linux/vfio.h");

  public static final long VFIO_API_VERSION = REG.c("vfio", "VFIO_API_VERSION", 0);
  public static final long VFIO_TYPE = REG.c("vfio", "VFIO_TYPE", ';');
  public static final long VFIO_BASE = REG.c("vfio", "VFIO_BASE", 100);

  // ---- extensions (VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments) ----

  private static final String EXT = "vfio_extension";
  public static final long VFIO_TYPE1_IOMMU = REG.c(EXT, "VFIO_TYPE1_IOMMU", 1);
  public static final long VFIO_SPAPR_TCE_IOMMU = REG.c(EXT, "VFIO_SPAPR_TCE_IOMMU", 2);
  public static final long VFIO_TYPE1v2_IOMMU = REG.c(EXT, "VFIO_TYPE1v2_IOMMU", 3);
  public static final long VFIO_DMA_CC_IOMMU = REG.c(EXT, "VFIO_DMA_CC_IOMMU", 4);
  public static final long VFIO_EEH = REG.c(EXT, "VFIO_EEH", 5);
  /** Formerly VFIO_TYPE1_NESTING_IOMMU; the number stays reserved. */
  public static final long __VFIO_RESERVED_TYPE1_NESTING_IOMMU =
      REG.c(EXT, "__VFIO_RESERVED_TYPE1_NESTING_IOMMU", 6);
  public static final long VFIO_SPAPR_TCE_v2_IOMMU = REG.c(EXT, "VFIO_SPAPR_TCE_v2_IOMMU", 7);
  public static final long VFIO_NOIOMMU_IOMMU = REG.c(EXT, "VFIO_NOIOMMU_IOMMU", 8);
  public static final long VFIO_UNMAP_ALL = REG.c(EXT, "VFIO_UNMAP_ALL", 9);
  public static final long VFIO_UPDATE_VADDR = REG.c(EXT, "VFIO_UPDATE_VADDR", 10);

  /** {@code _IO(VFIO_TYPE, VFIO_BASE + n)}. */
  private static long io(int n) {
    return UapiRegistry.io((int) VFIO_TYPE, (int) VFIO_BASE + n);
  }

  /** The header of every capability in a capability chain. */
  public static final CStruct vfio_info_cap_header =
      REG.struct(CStruct.of("vfio_info_cap_header", u16("id"), u16("version"), u32("next")));

  // ---- container ioctls (on /dev/vfio/vfio, or an iommufd fd in compat mode) ----

  public static final IoctlDef VFIO_GET_API_VERSION =
      REG.ioctl("VFIO_GET_API_VERSION", io(0), null);
  public static final IoctlDef VFIO_CHECK_EXTENSION =
      REG.ioctl("VFIO_CHECK_EXTENSION", io(1), null);
  public static final IoctlDef VFIO_SET_IOMMU = REG.ioctl("VFIO_SET_IOMMU", io(2), null);

  // ---- type1 IOMMU API ----

  private static final String INFO_FLAGS = "vfio_iommu_type1_info_flags";
  public static final long VFIO_IOMMU_INFO_PGSIZES =
      REG.flag(INFO_FLAGS, "VFIO_IOMMU_INFO_PGSIZES", 1L << 0);
  public static final long VFIO_IOMMU_INFO_CAPS =
      REG.flag(INFO_FLAGS, "VFIO_IOMMU_INFO_CAPS", 1L << 1);

  /** Minimum 16 bytes (through {@code iova_pgsizes}); capabilities follow the struct. */
  public static final CStruct vfio_iommu_type1_info =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_info",
              "iova_pgsizes",
              u32("argsz"),
              u32("flags"),
              u64("iova_pgsizes"),
              u32("cap_offset"),
              u32("pad")));

  private static final String INFO_CAP = "vfio_iommu_type1_info_cap";
  public static final long VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE =
      REG.c(INFO_CAP, "VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE", 1);
  public static final long VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION =
      REG.c(INFO_CAP, "VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION", 2);
  public static final long VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL =
      REG.c(INFO_CAP, "VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL", 3);

  public static final CStruct vfio_iova_range =
      REG.struct(CStruct.of("vfio_iova_range", u64("start"), u64("end")));

  /** Followed by {@code nr_iovas} {@code struct vfio_iova_range} (a flexible array). */
  public static final CStruct vfio_iommu_type1_info_cap_iova_range =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_info_cap_iova_range",
              struct("header", u16("id"), u16("version"), u32("next")),
              u32("nr_iovas"),
              u32("reserved")));

  public static final CStruct vfio_iommu_type1_info_cap_migration =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_info_cap_migration",
              struct("header", u16("id"), u16("version"), u32("next")),
              u32("flags"),
              CStruct.pad(4),
              u64("pgsize_bitmap"),
              u64("max_dirty_bitmap_size")));

  /** 12 bytes; the kernel aligns each capability to 8 when it chains them. */
  public static final CStruct vfio_iommu_type1_info_dma_avail =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_info_dma_avail",
              struct("header", u16("id"), u16("version"), u32("next")),
              u32("avail")));

  public static final IoctlDef VFIO_IOMMU_GET_INFO =
      REG.ioctl("VFIO_IOMMU_GET_INFO", io(12), vfio_iommu_type1_info);

  private static final String MAP_FLAGS = "vfio_dma_map_flags";
  public static final long VFIO_DMA_MAP_FLAG_READ =
      REG.flag(MAP_FLAGS, "VFIO_DMA_MAP_FLAG_READ", 1L << 0);
  public static final long VFIO_DMA_MAP_FLAG_WRITE =
      REG.flag(MAP_FLAGS, "VFIO_DMA_MAP_FLAG_WRITE", 1L << 1);
  public static final long VFIO_DMA_MAP_FLAG_VADDR =
      REG.flag(MAP_FLAGS, "VFIO_DMA_MAP_FLAG_VADDR", 1L << 2);

  public static final CStruct vfio_iommu_type1_dma_map =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_dma_map",
              u32("argsz"),
              u32("flags"),
              u64("vaddr"),
              u64("iova"),
              u64("size")));
  public static final IoctlDef VFIO_IOMMU_MAP_DMA =
      REG.ioctl("VFIO_IOMMU_MAP_DMA", io(13), vfio_iommu_type1_dma_map);

  private static final String UNMAP_FLAGS = "vfio_dma_unmap_flags";
  public static final long VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP =
      REG.flag(UNMAP_FLAGS, "VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP", 1L << 0);
  public static final long VFIO_DMA_UNMAP_FLAG_ALL =
      REG.flag(UNMAP_FLAGS, "VFIO_DMA_UNMAP_FLAG_ALL", 1L << 1);
  public static final long VFIO_DMA_UNMAP_FLAG_VADDR =
      REG.flag(UNMAP_FLAGS, "VFIO_DMA_UNMAP_FLAG_VADDR", 1L << 2);

  /** Followed by an optional {@code struct vfio_bitmap} (flexible {@code data[]}). */
  public static final CStruct vfio_iommu_type1_dma_unmap =
      REG.struct(
          CStruct.of(
              "vfio_iommu_type1_dma_unmap",
              u32("argsz"),
              u32("flags"),
              u64("iova"),
              u64("size")));
  public static final IoctlDef VFIO_IOMMU_UNMAP_DMA =
      REG.ioctl("VFIO_IOMMU_UNMAP_DMA", io(14), vfio_iommu_type1_dma_unmap);

  private static final String DIRTY_FLAGS = "vfio_iommu_dirty_pages_flags";
  public static final long VFIO_IOMMU_DIRTY_PAGES_FLAG_START =
      REG.flag(DIRTY_FLAGS, "VFIO_IOMMU_DIRTY_PAGES_FLAG_START", 1L << 0);
  public static final long VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP =
      REG.flag(DIRTY_FLAGS, "VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP", 1L << 1);
  public static final long VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP =
      REG.flag(DIRTY_FLAGS, "VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP", 1L << 2);

  /** Followed by a flexible {@code data[]}; iommufd's compat layer refuses it (ENOTTY). */
  public static final CStruct vfio_iommu_type1_dirty_bitmap =
      REG.struct(CStruct.of("vfio_iommu_type1_dirty_bitmap", u32("argsz"), u32("flags")));
  public static final IoctlDef VFIO_IOMMU_DIRTY_PAGES =
      REG.ioctl("VFIO_IOMMU_DIRTY_PAGES", io(17), vfio_iommu_type1_dirty_bitmap);

  // ---- device cdev ioctls (on /dev/vfio/devices/vfioX) ----

  public static final long VFIO_DEVICE_BIND_FLAG_TOKEN =
      REG.flag("vfio_device_bind_flags", "VFIO_DEVICE_BIND_FLAG_TOKEN", 1L << 0);

  /** Minimum 16 bytes (through {@code out_devid}); {@code token_uuid_ptr} came in v6.17. */
  public static final CStruct vfio_device_bind_iommufd =
      REG.struct(
          CStruct.of(
              "vfio_device_bind_iommufd",
              "out_devid",
              u32("argsz"),
              u32("flags"),
              s32("iommufd"),
              u32("out_devid"),
              u64("token_uuid_ptr")));
  public static final IoctlDef VFIO_DEVICE_BIND_IOMMUFD =
      REG.ioctl("VFIO_DEVICE_BIND_IOMMUFD", io(18), vfio_device_bind_iommufd);

  public static final long VFIO_DEVICE_ATTACH_PASID =
      REG.flag("vfio_device_attach_flags", "VFIO_DEVICE_ATTACH_PASID", 1L << 0);

  /** Minimum 12 bytes (through {@code pt_id}); {@code pasid} is read only with the flag. */
  public static final CStruct vfio_device_attach_iommufd_pt =
      REG.struct(
          CStruct.of(
              "vfio_device_attach_iommufd_pt",
              "pt_id",
              u32("argsz"),
              u32("flags"),
              u32("pt_id"),
              u32("pasid")));
  public static final IoctlDef VFIO_DEVICE_ATTACH_IOMMUFD_PT =
      REG.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT", io(19), vfio_device_attach_iommufd_pt);

  public static final long VFIO_DEVICE_DETACH_PASID =
      REG.flag("vfio_device_detach_flags", "VFIO_DEVICE_DETACH_PASID", 1L << 0);

  /** Minimum 8 bytes (through {@code flags}); {@code pasid} is read only with the flag. */
  public static final CStruct vfio_device_detach_iommufd_pt =
      REG.struct(
          CStruct.of(
              "vfio_device_detach_iommufd_pt",
              "flags",
              u32("argsz"),
              u32("flags"),
              u32("pasid")));
  public static final IoctlDef VFIO_DEVICE_DETACH_IOMMUFD_PT =
      REG.ioctl("VFIO_DEVICE_DETACH_IOMMUFD_PT", io(20), vfio_device_detach_iommufd_pt);

  private VfioUapi() {}
}
