package org.iommufdsim.sim.uapi;

import static org.iommufdsim.sim.uapi.CStruct.array;
import static org.iommufdsim.sim.uapi.CStruct.s32;
import static org.iommufdsim.sim.uapi.CStruct.u16;
import static org.iommufdsim.sim.uapi.CStruct.u32;
import static org.iommufdsim.sim.uapi.CStruct.u64;
import static org.iommufdsim.sim.uapi.CStruct.u8;
import static org.iommufdsim.sim.uapi.CStruct.union;

/**
 * {@code include/uapi/linux/iommufd.h} as of Linux v7.0: every ioctl number, flag, enum and
 * struct. Struct constants carry the C struct name; ioctl constants the macro name.
 *
 * <p>Declarations follow the header's order. For every ioctl struct the {@code lastMandatory}
 * member is the one named in the dispatcher table of {@code drivers/iommu/iommufd/main.c}
 * ({@code IOCTL_OP(..., last)}), so {@link CStruct#minSize()} is the kernel's {@code min_size}.
 * For driver payload structs it is the member the driver passes to its copy helper
 * ({@code iommu_copy_struct_from_user(..., last)}); output-only payloads use their full size.
 *
 * <p>Relative to v6.17 the v7.0 header adds only the AMD nesting pieces
 * ({@code IOMMU_HWPT_DATA_AMD_GUEST}, {@code struct iommu_hwpt_amd_guest},
 * {@code IOMMU_HW_INFO_TYPE_AMD}, {@code struct iommu_hw_info_amd}); no new ioctl.
 * {@code IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED} and {@code IOMMU_VIOMMU_TYPE_AMD} came later and
 * are deliberately absent.
 */
public final class IommufdUapi {
  public static final UapiRegistry REG = new UapiRegistry("include/uapi/linux/iommufd.h");

  public static final long IOMMUFD_TYPE = REG.c("iommufd", "IOMMUFD_TYPE", ';');
  public static final long IOMMUFD_CMD_BASE = REG.c("iommufd", "IOMMUFD_CMD_BASE", 0x80);

  // ---- the command numbers (the header's anonymous enum) ----

  private static final String CMD = "iommufd_cmd";
  public static final long IOMMUFD_CMD_DESTROY = REG.c(CMD, "IOMMUFD_CMD_DESTROY", 0x80);
  public static final long IOMMUFD_CMD_IOAS_ALLOC = REG.c(CMD, "IOMMUFD_CMD_IOAS_ALLOC", 0x81);
  public static final long IOMMUFD_CMD_IOAS_ALLOW_IOVAS =
      REG.c(CMD, "IOMMUFD_CMD_IOAS_ALLOW_IOVAS", 0x82);
  public static final long IOMMUFD_CMD_IOAS_COPY = REG.c(CMD, "IOMMUFD_CMD_IOAS_COPY", 0x83);
  public static final long IOMMUFD_CMD_IOAS_IOVA_RANGES =
      REG.c(CMD, "IOMMUFD_CMD_IOAS_IOVA_RANGES", 0x84);
  public static final long IOMMUFD_CMD_IOAS_MAP = REG.c(CMD, "IOMMUFD_CMD_IOAS_MAP", 0x85);
  public static final long IOMMUFD_CMD_IOAS_UNMAP = REG.c(CMD, "IOMMUFD_CMD_IOAS_UNMAP", 0x86);
  public static final long IOMMUFD_CMD_OPTION = REG.c(CMD, "IOMMUFD_CMD_OPTION", 0x87);
  public static final long IOMMUFD_CMD_VFIO_IOAS = REG.c(CMD, "IOMMUFD_CMD_VFIO_IOAS", 0x88);
  public static final long IOMMUFD_CMD_HWPT_ALLOC = REG.c(CMD, "IOMMUFD_CMD_HWPT_ALLOC", 0x89);
  public static final long IOMMUFD_CMD_GET_HW_INFO =
      REG.c(CMD, "IOMMUFD_CMD_GET_HW_INFO", 0x8a);
  public static final long IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING =
      REG.c(CMD, "IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING", 0x8b);
  public static final long IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP =
      REG.c(CMD, "IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP", 0x8c);
  public static final long IOMMUFD_CMD_HWPT_INVALIDATE =
      REG.c(CMD, "IOMMUFD_CMD_HWPT_INVALIDATE", 0x8d);
  public static final long IOMMUFD_CMD_FAULT_QUEUE_ALLOC =
      REG.c(CMD, "IOMMUFD_CMD_FAULT_QUEUE_ALLOC", 0x8e);
  public static final long IOMMUFD_CMD_IOAS_MAP_FILE =
      REG.c(CMD, "IOMMUFD_CMD_IOAS_MAP_FILE", 0x8f);
  public static final long IOMMUFD_CMD_VIOMMU_ALLOC =
      REG.c(CMD, "IOMMUFD_CMD_VIOMMU_ALLOC", 0x90);
  public static final long IOMMUFD_CMD_VDEVICE_ALLOC =
      REG.c(CMD, "IOMMUFD_CMD_VDEVICE_ALLOC", 0x91);
  public static final long IOMMUFD_CMD_IOAS_CHANGE_PROCESS =
      REG.c(CMD, "IOMMUFD_CMD_IOAS_CHANGE_PROCESS", 0x92);
  public static final long IOMMUFD_CMD_VEVENTQ_ALLOC =
      REG.c(CMD, "IOMMUFD_CMD_VEVENTQ_ALLOC", 0x93);
  public static final long IOMMUFD_CMD_HW_QUEUE_ALLOC =
      REG.c(CMD, "IOMMUFD_CMD_HW_QUEUE_ALLOC", 0x94);

  /** {@code _IO(IOMMUFD_TYPE, nr)}. */
  private static long io(long nr) {
    return UapiRegistry.io((int) IOMMUFD_TYPE, (int) nr);
  }

  // ---- IOMMU_DESTROY, IOMMU_IOAS_ALLOC ----

  public static final CStruct iommu_destroy =
      REG.struct(CStruct.of("iommu_destroy", "id", u32("size"), u32("id")));
  public static final IoctlDef IOMMU_DESTROY =
      REG.ioctl("IOMMU_DESTROY", UapiRegistry.io(';', 0x80), iommu_destroy);

  public static final CStruct iommu_ioas_alloc =
      REG.struct(
          CStruct.of(
              "iommu_ioas_alloc", "out_ioas_id", u32("size"), u32("flags"), u32("out_ioas_id")));
  public static final IoctlDef IOMMU_IOAS_ALLOC =
      REG.ioctl("IOMMU_IOAS_ALLOC", UapiRegistry.io(';', 0x81), iommu_ioas_alloc);

  // ---- IOVA ranges ----

  public static final CStruct iommu_iova_range =
      REG.struct(CStruct.of("iommu_iova_range", u64("start"), u64("last")));

  public static final CStruct iommu_ioas_iova_ranges =
      REG.struct(
          CStruct.of(
              "iommu_ioas_iova_ranges",
              "out_iova_alignment",
              u32("size"),
              u32("ioas_id"),
              u32("num_iovas"),
              u32("__reserved"),
              u64("allowed_iovas"),
              u64("out_iova_alignment")));
  public static final IoctlDef IOMMU_IOAS_IOVA_RANGES =
      REG.ioctl("IOMMU_IOAS_IOVA_RANGES", io(IOMMUFD_CMD_IOAS_IOVA_RANGES),
          iommu_ioas_iova_ranges);

  public static final CStruct iommu_ioas_allow_iovas =
      REG.struct(
          CStruct.of(
              "iommu_ioas_allow_iovas",
              "allowed_iovas",
              u32("size"),
              u32("ioas_id"),
              u32("num_iovas"),
              u32("__reserved"),
              u64("allowed_iovas")));
  public static final IoctlDef IOMMU_IOAS_ALLOW_IOVAS =
      REG.ioctl("IOMMU_IOAS_ALLOW_IOVAS", io(IOMMUFD_CMD_IOAS_ALLOW_IOVAS),
          iommu_ioas_allow_iovas);

  // ---- MAP / MAP_FILE / COPY / UNMAP ----

  private static final String MAP_FLAGS = "iommufd_ioas_map_flags";
  public static final long IOMMU_IOAS_MAP_FIXED_IOVA =
      REG.flag(MAP_FLAGS, "IOMMU_IOAS_MAP_FIXED_IOVA", 1L << 0);
  public static final long IOMMU_IOAS_MAP_WRITEABLE =
      REG.flag(MAP_FLAGS, "IOMMU_IOAS_MAP_WRITEABLE", 1L << 1);
  public static final long IOMMU_IOAS_MAP_READABLE =
      REG.flag(MAP_FLAGS, "IOMMU_IOAS_MAP_READABLE", 1L << 2);

  public static final CStruct iommu_ioas_map =
      REG.struct(
          CStruct.of(
              "iommu_ioas_map",
              "iova",
              u32("size"),
              u32("flags"),
              u32("ioas_id"),
              u32("__reserved"),
              u64("user_va"),
              u64("length"),
              u64("iova")));
  public static final IoctlDef IOMMU_IOAS_MAP =
      REG.ioctl("IOMMU_IOAS_MAP", io(IOMMUFD_CMD_IOAS_MAP), iommu_ioas_map);

  public static final CStruct iommu_ioas_map_file =
      REG.struct(
          CStruct.of(
              "iommu_ioas_map_file",
              "iova",
              u32("size"),
              u32("flags"),
              u32("ioas_id"),
              s32("fd"),
              u64("start"),
              u64("length"),
              u64("iova")));
  public static final IoctlDef IOMMU_IOAS_MAP_FILE =
      REG.ioctl("IOMMU_IOAS_MAP_FILE", io(IOMMUFD_CMD_IOAS_MAP_FILE), iommu_ioas_map_file);

  public static final CStruct iommu_ioas_copy =
      REG.struct(
          CStruct.of(
              "iommu_ioas_copy",
              "src_iova",
              u32("size"),
              u32("flags"),
              u32("dst_ioas_id"),
              u32("src_ioas_id"),
              u64("length"),
              u64("dst_iova"),
              u64("src_iova")));
  public static final IoctlDef IOMMU_IOAS_COPY =
      REG.ioctl("IOMMU_IOAS_COPY", io(IOMMUFD_CMD_IOAS_COPY), iommu_ioas_copy);

  public static final CStruct iommu_ioas_unmap =
      REG.struct(
          CStruct.of(
              "iommu_ioas_unmap",
              "length",
              u32("size"),
              u32("ioas_id"),
              u64("iova"),
              u64("length")));
  public static final IoctlDef IOMMU_IOAS_UNMAP =
      REG.ioctl("IOMMU_IOAS_UNMAP", io(IOMMUFD_CMD_IOAS_UNMAP), iommu_ioas_unmap);

  // ---- IOMMU_OPTION ----

  public static final long IOMMU_OPTION_RLIMIT_MODE =
      REG.c("iommufd_option", "IOMMU_OPTION_RLIMIT_MODE", 0);
  public static final long IOMMU_OPTION_HUGE_PAGES =
      REG.c("iommufd_option", "IOMMU_OPTION_HUGE_PAGES", 1);

  public static final long IOMMU_OPTION_OP_SET =
      REG.c("iommufd_option_ops", "IOMMU_OPTION_OP_SET", 0);
  public static final long IOMMU_OPTION_OP_GET =
      REG.c("iommufd_option_ops", "IOMMU_OPTION_OP_GET", 1);

  public static final CStruct iommu_option =
      REG.struct(
          CStruct.of(
              "iommu_option",
              "val64",
              u32("size"),
              u32("option_id"),
              u16("op"),
              u16("__reserved"),
              u32("object_id"),
              u64("val64")));
  public static final IoctlDef IOMMU_OPTION =
      REG.ioctl("IOMMU_OPTION", io(IOMMUFD_CMD_OPTION), iommu_option);

  // ---- IOMMU_VFIO_IOAS ----

  public static final long IOMMU_VFIO_IOAS_GET =
      REG.c("iommufd_vfio_ioas_op", "IOMMU_VFIO_IOAS_GET", 0);
  public static final long IOMMU_VFIO_IOAS_SET =
      REG.c("iommufd_vfio_ioas_op", "IOMMU_VFIO_IOAS_SET", 1);
  public static final long IOMMU_VFIO_IOAS_CLEAR =
      REG.c("iommufd_vfio_ioas_op", "IOMMU_VFIO_IOAS_CLEAR", 2);

  public static final CStruct iommu_vfio_ioas =
      REG.struct(
          CStruct.of(
              "iommu_vfio_ioas",
              "__reserved",
              u32("size"),
              u32("ioas_id"),
              u16("op"),
              u16("__reserved")));
  public static final IoctlDef IOMMU_VFIO_IOAS =
      REG.ioctl("IOMMU_VFIO_IOAS", io(IOMMUFD_CMD_VFIO_IOAS), iommu_vfio_ioas);

  // ---- IOMMU_HWPT_ALLOC and its driver data ----

  private static final String HWPT_ALLOC_FLAGS = "iommufd_hwpt_alloc_flags";
  public static final long IOMMU_HWPT_ALLOC_NEST_PARENT =
      REG.flag(HWPT_ALLOC_FLAGS, "IOMMU_HWPT_ALLOC_NEST_PARENT", 1L << 0);
  public static final long IOMMU_HWPT_ALLOC_DIRTY_TRACKING =
      REG.flag(HWPT_ALLOC_FLAGS, "IOMMU_HWPT_ALLOC_DIRTY_TRACKING", 1L << 1);
  public static final long IOMMU_HWPT_FAULT_ID_VALID =
      REG.flag(HWPT_ALLOC_FLAGS, "IOMMU_HWPT_FAULT_ID_VALID", 1L << 2);
  public static final long IOMMU_HWPT_ALLOC_PASID =
      REG.flag(HWPT_ALLOC_FLAGS, "IOMMU_HWPT_ALLOC_PASID", 1L << 3);

  private static final String VTD_S1_FLAGS = "iommu_hwpt_vtd_s1_flags";
  public static final long IOMMU_VTD_S1_SRE = REG.flag(VTD_S1_FLAGS, "IOMMU_VTD_S1_SRE", 1L << 0);
  public static final long IOMMU_VTD_S1_EAFE =
      REG.flag(VTD_S1_FLAGS, "IOMMU_VTD_S1_EAFE", 1L << 1);
  public static final long IOMMU_VTD_S1_WPE = REG.flag(VTD_S1_FLAGS, "IOMMU_VTD_S1_WPE", 1L << 2);

  /** Intel VT-d stage-1 page table data; the driver copies it through {@code __reserved}. */
  public static final CStruct iommu_hwpt_vtd_s1 =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_vtd_s1",
              u64("flags"),
              u64("pgtbl_addr"),
              u32("addr_width"),
              u32("__reserved")));

  /** ARM SMMUv3 nested STE words 0 and 1 (little-endian). */
  public static final CStruct iommu_hwpt_arm_smmuv3 =
      REG.struct(CStruct.of("iommu_hwpt_arm_smmuv3", array("ste", 2, u64("ste"))));

  /** AMD guest device table entry (v7.0: AMD nesting support). */
  public static final CStruct iommu_hwpt_amd_guest =
      REG.struct(CStruct.of("iommu_hwpt_amd_guest", array("dte", 4, u64("dte"))));

  private static final String HWPT_DATA = "iommu_hwpt_data_type";
  public static final long IOMMU_HWPT_DATA_NONE = REG.c(HWPT_DATA, "IOMMU_HWPT_DATA_NONE", 0);
  public static final long IOMMU_HWPT_DATA_VTD_S1 = REG.c(HWPT_DATA, "IOMMU_HWPT_DATA_VTD_S1", 1);
  public static final long IOMMU_HWPT_DATA_ARM_SMMUV3 =
      REG.c(HWPT_DATA, "IOMMU_HWPT_DATA_ARM_SMMUV3", 2);
  public static final long IOMMU_HWPT_DATA_AMD_GUEST =
      REG.c(HWPT_DATA, "IOMMU_HWPT_DATA_AMD_GUEST", 3);

  /** Minimum 24 bytes: {@code fault_id} and {@code __reserved2} were appended in v6.11. */
  public static final CStruct iommu_hwpt_alloc =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_alloc",
              "__reserved",
              u32("size"),
              u32("flags"),
              u32("dev_id"),
              u32("pt_id"),
              u32("out_hwpt_id"),
              u32("__reserved"),
              u32("data_type"),
              u32("data_len"),
              u64("data_uptr"),
              u32("fault_id"),
              u32("__reserved2")));
  public static final IoctlDef IOMMU_HWPT_ALLOC =
      REG.ioctl("IOMMU_HWPT_ALLOC", io(IOMMUFD_CMD_HWPT_ALLOC), iommu_hwpt_alloc);

  // ---- IOMMU_GET_HW_INFO and its driver data ----

  public static final long IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 =
      REG.flag("iommu_hw_info_vtd_flags", "IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17", 1L << 0);

  public static final CStruct iommu_hw_info_vtd =
      REG.struct(
          CStruct.of(
              "iommu_hw_info_vtd",
              u32("flags"),
              u32("__reserved"),
              u64("cap_reg"),
              u64("ecap_reg")));

  public static final CStruct iommu_hw_info_arm_smmuv3 =
      REG.struct(
          CStruct.of(
              "iommu_hw_info_arm_smmuv3",
              u32("flags"),
              u32("__reserved"),
              array("idr", 6, u32("idr")),
              u32("iidr"),
              u32("aidr")));

  public static final CStruct iommu_hw_info_tegra241_cmdqv =
      REG.struct(
          CStruct.of(
              "iommu_hw_info_tegra241_cmdqv",
              u32("flags"),
              u8("version"),
              u8("log2vcmdqs"),
              u8("log2vsids"),
              u8("__reserved")));

  /** AMD IOMMU extended feature registers (v7.0: EFR and EFR2 only). */
  public static final CStruct iommu_hw_info_amd =
      REG.struct(CStruct.of("iommu_hw_info_amd", u64("efr"), u64("efr2")));

  private static final String HW_INFO_TYPE = "iommu_hw_info_type";
  public static final long IOMMU_HW_INFO_TYPE_NONE =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_NONE", 0);
  public static final long IOMMU_HW_INFO_TYPE_DEFAULT =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_DEFAULT", 0);
  public static final long IOMMU_HW_INFO_TYPE_INTEL_VTD =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_INTEL_VTD", 1);
  public static final long IOMMU_HW_INFO_TYPE_ARM_SMMUV3 =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_ARM_SMMUV3", 2);
  public static final long IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV", 3);
  public static final long IOMMU_HW_INFO_TYPE_AMD =
      REG.c(HW_INFO_TYPE, "IOMMU_HW_INFO_TYPE_AMD", 4);

  /** The C enum is {@code iommufd_hw_capabilities} (the kernel-doc calls it iommu_...). */
  private static final String HW_CAPS = "iommufd_hw_capabilities";
  public static final long IOMMU_HW_CAP_DIRTY_TRACKING =
      REG.flag(HW_CAPS, "IOMMU_HW_CAP_DIRTY_TRACKING", 1L << 0);
  public static final long IOMMU_HW_CAP_PCI_PASID_EXEC =
      REG.flag(HW_CAPS, "IOMMU_HW_CAP_PCI_PASID_EXEC", 1L << 1);
  public static final long IOMMU_HW_CAP_PCI_PASID_PRIV =
      REG.flag(HW_CAPS, "IOMMU_HW_CAP_PCI_PASID_PRIV", 1L << 2);

  public static final long IOMMU_HW_INFO_FLAG_INPUT_TYPE =
      REG.flag("iommufd_hw_info_flags", "IOMMU_HW_INFO_FLAG_INPUT_TYPE", 1L << 0);

  /** Minimum 32 bytes (through {@code __reserved[3]}); {@code out_capabilities} is optional. */
  public static final CStruct iommu_hw_info =
      REG.struct(
          CStruct.of(
              "iommu_hw_info",
              "__reserved",
              u32("size"),
              u32("flags"),
              u32("dev_id"),
              u32("data_len"),
              u64("data_uptr"),
              union(null, u32("in_data_type"), u32("out_data_type")),
              u8("out_max_pasid_log2"),
              array("__reserved", 3, u8("__reserved")),
              u64("out_capabilities")));
  public static final IoctlDef IOMMU_GET_HW_INFO =
      REG.ioctl("IOMMU_GET_HW_INFO", io(IOMMUFD_CMD_GET_HW_INFO), iommu_hw_info);

  // ---- dirty tracking ----

  public static final long IOMMU_HWPT_DIRTY_TRACKING_ENABLE =
      REG.flag("iommufd_hwpt_set_dirty_tracking_flags", "IOMMU_HWPT_DIRTY_TRACKING_ENABLE", 1);

  public static final CStruct iommu_hwpt_set_dirty_tracking =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_set_dirty_tracking",
              "__reserved",
              u32("size"),
              u32("flags"),
              u32("hwpt_id"),
              u32("__reserved")));
  public static final IoctlDef IOMMU_HWPT_SET_DIRTY_TRACKING =
      REG.ioctl("IOMMU_HWPT_SET_DIRTY_TRACKING", io(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING),
          iommu_hwpt_set_dirty_tracking);

  public static final long IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR =
      REG.flag("iommufd_hwpt_get_dirty_bitmap_flags", "IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR", 1);

  public static final CStruct iommu_hwpt_get_dirty_bitmap =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_get_dirty_bitmap",
              "data",
              u32("size"),
              u32("hwpt_id"),
              u32("flags"),
              u32("__reserved"),
              u64("iova"),
              u64("length"),
              u64("page_size"),
              u64("data")));
  public static final IoctlDef IOMMU_HWPT_GET_DIRTY_BITMAP =
      REG.ioctl("IOMMU_HWPT_GET_DIRTY_BITMAP", io(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP),
          iommu_hwpt_get_dirty_bitmap);

  // ---- IOMMU_HWPT_INVALIDATE and its entries ----

  private static final String INV_DATA = "iommu_hwpt_invalidate_data_type";
  public static final long IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 =
      REG.c(INV_DATA, "IOMMU_HWPT_INVALIDATE_DATA_VTD_S1", 0);
  public static final long IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 =
      REG.c(INV_DATA, "IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3", 1);

  public static final long IOMMU_VTD_INV_FLAGS_LEAF =
      REG.flag("iommu_hwpt_vtd_s1_invalidate_flags", "IOMMU_VTD_INV_FLAGS_LEAF", 1L << 0);

  public static final CStruct iommu_hwpt_vtd_s1_invalidate =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_vtd_s1_invalidate",
              u64("addr"),
              u64("npages"),
              u32("flags"),
              u32("__reserved")));

  /** One 128-bit SMMUv3 command-queue entry (little-endian). */
  public static final CStruct iommu_viommu_arm_smmuv3_invalidate =
      REG.struct(
          CStruct.of("iommu_viommu_arm_smmuv3_invalidate", array("cmd", 2, u64("cmd"))));

  public static final CStruct iommu_hwpt_invalidate =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_invalidate",
              "__reserved",
              u32("size"),
              u32("hwpt_id"),
              u64("data_uptr"),
              u32("data_type"),
              u32("entry_len"),
              u32("entry_num"),
              u32("__reserved")));
  public static final IoctlDef IOMMU_HWPT_INVALIDATE =
      REG.ioctl("IOMMU_HWPT_INVALIDATE", io(IOMMUFD_CMD_HWPT_INVALIDATE), iommu_hwpt_invalidate);

  // ---- fault queues ----

  private static final String PGFAULT_FLAGS = "iommu_hwpt_pgfault_flags";
  public static final long IOMMU_PGFAULT_FLAGS_PASID_VALID =
      REG.flag(PGFAULT_FLAGS, "IOMMU_PGFAULT_FLAGS_PASID_VALID", 1L << 0);
  public static final long IOMMU_PGFAULT_FLAGS_LAST_PAGE =
      REG.flag(PGFAULT_FLAGS, "IOMMU_PGFAULT_FLAGS_LAST_PAGE", 1L << 1);

  private static final String PGFAULT_PERM = "iommu_hwpt_pgfault_perm";
  public static final long IOMMU_PGFAULT_PERM_READ =
      REG.flag(PGFAULT_PERM, "IOMMU_PGFAULT_PERM_READ", 1L << 0);
  public static final long IOMMU_PGFAULT_PERM_WRITE =
      REG.flag(PGFAULT_PERM, "IOMMU_PGFAULT_PERM_WRITE", 1L << 1);
  public static final long IOMMU_PGFAULT_PERM_EXEC =
      REG.flag(PGFAULT_PERM, "IOMMU_PGFAULT_PERM_EXEC", 1L << 2);
  public static final long IOMMU_PGFAULT_PERM_PRIV =
      REG.flag(PGFAULT_PERM, "IOMMU_PGFAULT_PERM_PRIV", 1L << 3);

  /** One record read from a fault queue fd. */
  public static final CStruct iommu_hwpt_pgfault =
      REG.struct(
          CStruct.of(
              "iommu_hwpt_pgfault",
              u32("flags"),
              u32("dev_id"),
              u32("pasid"),
              u32("grpid"),
              u32("perm"),
              u32("__reserved"),
              u64("addr"),
              u32("length"),
              u32("cookie")));

  public static final long IOMMUFD_PAGE_RESP_SUCCESS =
      REG.c("iommufd_page_response_code", "IOMMUFD_PAGE_RESP_SUCCESS", 0);
  public static final long IOMMUFD_PAGE_RESP_INVALID =
      REG.c("iommufd_page_response_code", "IOMMUFD_PAGE_RESP_INVALID", 1);

  /** One response written to a fault queue fd. */
  public static final CStruct iommu_hwpt_page_response =
      REG.struct(CStruct.of("iommu_hwpt_page_response", u32("cookie"), u32("code")));

  public static final CStruct iommu_fault_alloc =
      REG.struct(
          CStruct.of(
              "iommu_fault_alloc",
              "out_fault_fd",
              u32("size"),
              u32("flags"),
              u32("out_fault_id"),
              u32("out_fault_fd")));
  public static final IoctlDef IOMMU_FAULT_QUEUE_ALLOC =
      REG.ioctl("IOMMU_FAULT_QUEUE_ALLOC", io(IOMMUFD_CMD_FAULT_QUEUE_ALLOC), iommu_fault_alloc);

  // ---- vIOMMU, vDEVICE ----

  private static final String VIOMMU_TYPE = "iommu_viommu_type";
  public static final long IOMMU_VIOMMU_TYPE_DEFAULT =
      REG.c(VIOMMU_TYPE, "IOMMU_VIOMMU_TYPE_DEFAULT", 0);
  public static final long IOMMU_VIOMMU_TYPE_ARM_SMMUV3 =
      REG.c(VIOMMU_TYPE, "IOMMU_VIOMMU_TYPE_ARM_SMMUV3", 1);
  public static final long IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV =
      REG.c(VIOMMU_TYPE, "IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV", 2);

  /** Output-only vIOMMU data of the Tegra241 CMDQV type. */
  public static final CStruct iommu_viommu_tegra241_cmdqv =
      REG.struct(
          CStruct.of(
              "iommu_viommu_tegra241_cmdqv",
              u64("out_vintf_mmap_offset"),
              u64("out_vintf_mmap_length")));

  /** Minimum 24 bytes: {@code data_len}, {@code __reserved}, {@code data_uptr} came in v6.17. */
  public static final CStruct iommu_viommu_alloc =
      REG.struct(
          CStruct.of(
              "iommu_viommu_alloc",
              "out_viommu_id",
              u32("size"),
              u32("flags"),
              u32("type"),
              u32("dev_id"),
              u32("hwpt_id"),
              u32("out_viommu_id"),
              u32("data_len"),
              u32("__reserved"),
              u64("data_uptr")));
  public static final IoctlDef IOMMU_VIOMMU_ALLOC =
      REG.ioctl("IOMMU_VIOMMU_ALLOC", io(IOMMUFD_CMD_VIOMMU_ALLOC), iommu_viommu_alloc);

  public static final CStruct iommu_vdevice_alloc =
      REG.struct(
          CStruct.of(
              "iommu_vdevice_alloc",
              "virt_id",
              u32("size"),
              u32("viommu_id"),
              u32("dev_id"),
              u32("out_vdevice_id"),
              u64("virt_id")));
  public static final IoctlDef IOMMU_VDEVICE_ALLOC =
      REG.ioctl("IOMMU_VDEVICE_ALLOC", io(IOMMUFD_CMD_VDEVICE_ALLOC), iommu_vdevice_alloc);

  // ---- IOMMU_IOAS_CHANGE_PROCESS ----

  public static final CStruct iommu_ioas_change_process =
      REG.struct(
          CStruct.of(
              "iommu_ioas_change_process", "__reserved", u32("size"), u32("__reserved")));
  public static final IoctlDef IOMMU_IOAS_CHANGE_PROCESS =
      REG.ioctl("IOMMU_IOAS_CHANGE_PROCESS", io(IOMMUFD_CMD_IOAS_CHANGE_PROCESS),
          iommu_ioas_change_process);

  // ---- vEVENTQ ----

  public static final long IOMMU_VEVENTQ_FLAG_LOST_EVENTS =
      REG.flag("iommu_veventq_flag", "IOMMU_VEVENTQ_FLAG_LOST_EVENTS", 1L << 0);

  /** The header in front of every record read from a vEVENTQ fd. */
  public static final CStruct iommufd_vevent_header =
      REG.struct(CStruct.of("iommufd_vevent_header", u32("flags"), u32("sequence")));

  private static final String VEVENTQ_TYPE = "iommu_veventq_type";
  public static final long IOMMU_VEVENTQ_TYPE_DEFAULT =
      REG.c(VEVENTQ_TYPE, "IOMMU_VEVENTQ_TYPE_DEFAULT", 0);
  public static final long IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 =
      REG.c(VEVENTQ_TYPE, "IOMMU_VEVENTQ_TYPE_ARM_SMMUV3", 1);
  public static final long IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV =
      REG.c(VEVENTQ_TYPE, "IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV", 2);

  public static final CStruct iommu_vevent_arm_smmuv3 =
      REG.struct(CStruct.of("iommu_vevent_arm_smmuv3", array("evt", 4, u64("evt"))));

  public static final CStruct iommu_vevent_tegra241_cmdqv =
      REG.struct(
          CStruct.of(
              "iommu_vevent_tegra241_cmdqv", array("lvcmdq_err_map", 2, u64("lvcmdq_err_map"))));

  /** Minimum 28 bytes: the trailing {@code __reserved} is optional. */
  public static final CStruct iommu_veventq_alloc =
      REG.struct(
          CStruct.of(
              "iommu_veventq_alloc",
              "out_veventq_fd",
              u32("size"),
              u32("flags"),
              u32("viommu_id"),
              u32("type"),
              u32("veventq_depth"),
              u32("out_veventq_id"),
              u32("out_veventq_fd"),
              u32("__reserved")));
  public static final IoctlDef IOMMU_VEVENTQ_ALLOC =
      REG.ioctl("IOMMU_VEVENTQ_ALLOC", io(IOMMUFD_CMD_VEVENTQ_ALLOC), iommu_veventq_alloc);

  // ---- HW queues ----

  public static final long IOMMU_HW_QUEUE_TYPE_DEFAULT =
      REG.c("iommu_hw_queue_type", "IOMMU_HW_QUEUE_TYPE_DEFAULT", 0);
  public static final long IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV =
      REG.c("iommu_hw_queue_type", "IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV", 1);

  public static final CStruct iommu_hw_queue_alloc =
      REG.struct(
          CStruct.of(
              "iommu_hw_queue_alloc",
              "length",
              u32("size"),
              u32("flags"),
              u32("viommu_id"),
              u32("type"),
              u32("index"),
              u32("out_hw_queue_id"),
              u64("nesting_parent_iova"),
              u64("length")));
  public static final IoctlDef IOMMU_HW_QUEUE_ALLOC =
      REG.ioctl("IOMMU_HW_QUEUE_ALLOC", io(IOMMUFD_CMD_HW_QUEUE_ALLOC), iommu_hw_queue_alloc);

  private IommufdUapi() {}
}
