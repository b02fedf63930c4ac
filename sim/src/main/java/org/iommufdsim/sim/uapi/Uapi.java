package org.iommufdsim.sim.uapi;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole uAPI the simulator speaks, looked up by name: every header's constants, structs,
 * ioctls and {@code IOMMU_TEST_CMD} ops. Used by the scenario language, the tracer and the
 * recorder to go between names and numbers.
 */
public final class Uapi {
  private static final List<UapiRegistry> HEADERS =
      List.of(IommufdUapi.REG, IommufdTestUapi.REG, VfioUapi.REG, LinuxUapi.REG);

  private static final ImmutableList<Constant> CONSTANTS;
  private static final ImmutableMap<String, Constant> CONSTANT_BY_NAME;
  private static final ImmutableMap<String, CStruct> STRUCT_BY_NAME;
  private static final ImmutableMap<String, IoctlDef> IOCTL_BY_NAME;
  private static final ImmutableMap<String, TestOp> TEST_OP_BY_NAME;
  private static final ImmutableMap<String, ImmutableList<Constant>> GROUPS;
  private static final ImmutableMap<Long, IoctlDef> IOCTL_BY_REQUEST;
  /** The groups whose every constant is a flag (printed as a set of bits). */
  private static final java.util.Set<String> FLAG_GROUPS;

  /**
   * Which constant family names the values of a struct field ({@code struct.path}), so a value
   * read from user memory can be printed the way strace and the uAPI header spell it.
   */
  private static final ImmutableMap<String, String> FIELD_GROUPS = ImmutableMap.<String, String>
      builder()
      .put("iommu_ioas_map.flags", "iommufd_ioas_map_flags")
      .put("iommu_ioas_map_file.flags", "iommufd_ioas_map_flags")
      .put("iommu_ioas_copy.flags", "iommufd_ioas_map_flags")
      .put("iommu_option.option_id", "iommufd_option")
      .put("iommu_option.op", "iommufd_option_ops")
      .put("iommu_vfio_ioas.op", "iommufd_vfio_ioas_op")
      .put("iommu_hwpt_alloc.flags", "iommufd_hwpt_alloc_flags")
      .put("iommu_hwpt_alloc.data_type", "iommu_hwpt_data_type")
      .put("iommu_hwpt_vtd_s1.flags", "iommu_hwpt_vtd_s1_flags")
      .put("iommu_hw_info.flags", "iommufd_hw_info_flags")
      .put("iommu_hw_info.in_data_type", "iommu_hw_info_type")
      .put("iommu_hw_info.out_data_type", "iommu_hw_info_type")
      .put("iommu_hw_info.out_capabilities", "iommufd_hw_capabilities")
      .put("iommu_hw_info_vtd.flags", "iommu_hw_info_vtd_flags")
      .put("iommu_hwpt_set_dirty_tracking.flags", "iommufd_hwpt_set_dirty_tracking_flags")
      .put("iommu_hwpt_get_dirty_bitmap.flags", "iommufd_hwpt_get_dirty_bitmap_flags")
      .put("iommu_hwpt_vtd_s1_invalidate.flags", "iommu_hwpt_vtd_s1_invalidate_flags")
      .put("iommu_hwpt_invalidate.data_type", "iommu_hwpt_invalidate_data_type")
      .put("iommu_hwpt_pgfault.flags", "iommu_hwpt_pgfault_flags")
      .put("iommu_hwpt_pgfault.perm", "iommu_hwpt_pgfault_perm")
      .put("iommu_hwpt_page_response.code", "iommufd_page_response_code")
      .put("iommu_viommu_alloc.type", "iommu_viommu_type")
      .put("iommufd_vevent_header.flags", "iommu_veventq_flag")
      .put("iommu_veventq_alloc.type", "iommu_veventq_type")
      .put("iommu_hw_queue_alloc.type", "iommu_hw_queue_type")
      .put("iommu_test_cmd.op", "iommufd_test_op")
      .put("iommu_test_cmd.mock_domain_flags.dev_flags", "mock_flags_device")
      .put("iommu_test_cmd.create_access.flags", "mock_flags_access_create")
      .put("iommu_test_cmd.access_pages.flags", "mock_flags_access")
      .put("iommu_test_cmd.access_rw.flags", "mock_access_rw")
      .put("iommu_test_cmd.trigger_iopf.perm", "iommu_hwpt_pgfault_perm")
      .put("iommu_hwpt_selftest.pagetable_type", "mock_iommupt")
      .put("iommu_hwpt_invalidate_selftest.flags", "iommu_test_invalidate_flags")
      .put("iommu_viommu_invalidate_selftest.flags", "iommu_test_invalidate_flags")
      .put("vfio_iommu_type1_info.flags", "vfio_iommu_type1_info_flags")
      .put("vfio_iommu_type1_dma_map.flags", "vfio_dma_map_flags")
      .put("vfio_iommu_type1_dma_unmap.flags", "vfio_dma_unmap_flags")
      .put("vfio_iommu_type1_dirty_bitmap.flags", "vfio_iommu_dirty_pages_flags")
      .put("vfio_device_bind_iommufd.flags", "vfio_device_bind_flags")
      .put("vfio_device_attach_iommufd_pt.flags", "vfio_device_attach_flags")
      .put("vfio_device_detach_iommufd_pt.flags", "vfio_device_detach_flags")
      .build();

  static {
    ImmutableList.Builder<Constant> cs = ImmutableList.builder();
    Map<String, Constant> cByName = new LinkedHashMap<>();
    Map<String, CStruct> sByName = new LinkedHashMap<>();
    Map<String, IoctlDef> iByName = new LinkedHashMap<>();
    Map<String, TestOp> tByName = new LinkedHashMap<>();
    for (UapiRegistry r : HEADERS) {
      for (Constant c : r.constants()) {
        cs.add(c);
        cByName.putIfAbsent(c.name(), c);
      }
      r.structs().forEach(s -> sByName.put(s.name(), s));
      r.ioctls().forEach(i -> iByName.put(i.name(), i));
      r.testOps().forEach(t -> tByName.put(t.name(), t));
    }
    CONSTANTS = cs.build();
    CONSTANT_BY_NAME = ImmutableMap.copyOf(cByName);
    STRUCT_BY_NAME = ImmutableMap.copyOf(sByName);
    IOCTL_BY_NAME = ImmutableMap.copyOf(iByName);
    TEST_OP_BY_NAME = ImmutableMap.copyOf(tByName);
    Map<String, ImmutableList.Builder<Constant>> groups = new LinkedHashMap<>();
    for (Constant c : CONSTANTS) {
      groups.computeIfAbsent(c.group(), g -> ImmutableList.builder()).add(c);
    }
    ImmutableMap.Builder<String, ImmutableList<Constant>> g = ImmutableMap.builder();
    groups.forEach((k, v) -> g.put(k, v.build()));
    GROUPS = g.build();
    java.util.Set<String> flagGroups = new java.util.TreeSet<>();
    GROUPS.forEach((name, members) -> {
      if (members.stream().allMatch(Constant::flag)) {
        flagGroups.add(name);
      }
    });
    FLAG_GROUPS = java.util.Set.copyOf(flagGroups);
    Map<Long, IoctlDef> byRequest = new LinkedHashMap<>();
    IOCTL_BY_NAME.values().forEach(d -> byRequest.putIfAbsent(d.request(), d));
    IOCTL_BY_REQUEST = ImmutableMap.copyOf(byRequest);
  }

  private Uapi() {}

  public static List<Constant> constants() {
    return CONSTANTS;
  }

  public static Optional<Constant> constant(String name) {
    return Optional.ofNullable(CONSTANT_BY_NAME.get(name));
  }

  public static Optional<CStruct> struct(String name) {
    return Optional.ofNullable(STRUCT_BY_NAME.get(name));
  }

  public static List<CStruct> structs() {
    return List.copyOf(STRUCT_BY_NAME.values());
  }

  public static Optional<IoctlDef> ioctl(String name) {
    return Optional.ofNullable(IOCTL_BY_NAME.get(name));
  }

  public static List<IoctlDef> ioctls() {
    return List.copyOf(IOCTL_BY_NAME.values());
  }

  /** The ioctl whose request number is exactly {@code request}. */
  public static Optional<IoctlDef> ioctlByRequest(long request) {
    return Optional.ofNullable(IOCTL_BY_REQUEST.get(request));
  }

  public static Optional<TestOp> testOp(String name) {
    return Optional.ofNullable(TEST_OP_BY_NAME.get(name));
  }

  public static Optional<TestOp> testOpByNumber(long op) {
    for (TestOp t : TEST_OP_BY_NAME.values()) {
      if (t.op() == op) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Constants of one group, in declaration order. */
  public static List<Constant> group(String group) {
    return GROUPS.getOrDefault(group, ImmutableList.of());
  }

  /**
   * The constant family that names the values of {@code struct}'s field {@code path} (for
   * example {@code iommufd_hwpt_alloc_flags} for {@code iommu_hwpt_alloc.flags}), if any.
   */
  public static Optional<String> fieldGroup(String struct, String path) {
    return Optional.ofNullable(FIELD_GROUPS.get(struct + "." + path));
  }

  private static final java.util.concurrent.ConcurrentHashMap<CStruct, String[]> GROUPS_BY_FIELD =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * {@link #fieldGroup} for every field of {@code s}, by the field's index in
   * {@link CStruct#fields()} (null where a field holds a plain number); worked out once per
   * struct.
   */
  public static String[] fieldGroups(CStruct s) {
    return GROUPS_BY_FIELD.computeIfAbsent(s, st -> st.fields().stream()
        .map(f -> fieldGroup(st.name(), f.path()).orElse(null)).toArray(String[]::new));
  }

  /** Every field with a constant family, as {@code struct.path -> group}, in a stable order. */
  public static Map<String, String> fieldGroups() {
    return FIELD_GROUPS;
  }

  // ---- type-tagged driver data ----

  private static final ImmutableMap<Long, CStruct> HWPT_DATA =
      ImmutableMap.of(
          IommufdUapi.IOMMU_HWPT_DATA_VTD_S1, IommufdUapi.iommu_hwpt_vtd_s1,
          IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3, IommufdUapi.iommu_hwpt_arm_smmuv3,
          IommufdUapi.IOMMU_HWPT_DATA_AMD_GUEST, IommufdUapi.iommu_hwpt_amd_guest,
          IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST, IommufdTestUapi.iommu_hwpt_selftest);

  private static final ImmutableMap<Long, CStruct> VIOMMU_DATA =
      ImmutableMap.of(
          IommufdUapi.IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, IommufdUapi.iommu_viommu_tegra241_cmdqv,
          IommufdTestUapi.IOMMU_VIOMMU_TYPE_SELFTEST, IommufdTestUapi.iommu_viommu_selftest);

  private static final ImmutableMap<Long, CStruct> HW_INFO_DATA =
      ImmutableMap.of(
          IommufdUapi.IOMMU_HW_INFO_TYPE_INTEL_VTD, IommufdUapi.iommu_hw_info_vtd,
          IommufdUapi.IOMMU_HW_INFO_TYPE_ARM_SMMUV3, IommufdUapi.iommu_hw_info_arm_smmuv3,
          IommufdUapi.IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, IommufdUapi.iommu_hw_info_tegra241_cmdqv,
          IommufdUapi.IOMMU_HW_INFO_TYPE_AMD, IommufdUapi.iommu_hw_info_amd,
          IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST, IommufdTestUapi.iommu_test_hw_info);

  private static final ImmutableMap<Long, CStruct> VEVENT_PAYLOAD =
      ImmutableMap.of(
          IommufdUapi.IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, IommufdUapi.iommu_vevent_arm_smmuv3,
          IommufdUapi.IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, IommufdUapi.iommu_vevent_tegra241_cmdqv,
          IommufdTestUapi.IOMMU_VEVENTQ_TYPE_SELFTEST, IommufdTestUapi.iommu_viommu_event_selftest);

  /**
   * The user data of {@code IOMMU_HWPT_ALLOC} for {@code data_type}; empty for
   * {@code IOMMU_HWPT_DATA_NONE} and for unknown types.
   */
  public static Optional<CStruct> hwptDataStruct(long dataType) {
    return Optional.ofNullable(HWPT_DATA.get(dataType));
  }

  /**
   * One entry of an {@code IOMMU_HWPT_INVALIDATE} array for {@code data_type}. The two selftest
   * types share the value 0xdeadbeef; this answers the nested-HWPT one
   * ({@code iommu_hwpt_invalidate_selftest}). Use {@link #invalidateEntryStruct(long, boolean)}
   * when the target is known to be a vIOMMU.
   */
  public static Optional<CStruct> invalidateEntryStruct(long dataType) {
    return invalidateEntryStruct(dataType, false);
  }

  /**
   * One entry of an {@code IOMMU_HWPT_INVALIDATE} array for {@code data_type}, where
   * {@code viommuTarget} says whether {@code hwpt_id} names a vIOMMU (else a nested HWPT).
   */
  public static Optional<CStruct> invalidateEntryStruct(long dataType, boolean viommuTarget) {
    if (dataType == IommufdUapi.IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
      return Optional.of(IommufdUapi.iommu_hwpt_vtd_s1_invalidate);
    }
    if (dataType == IommufdUapi.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) {
      return Optional.of(IommufdUapi.iommu_viommu_arm_smmuv3_invalidate);
    }
    if (viommuTarget && dataType == IommufdTestUapi.IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST) {
      return Optional.of(IommufdTestUapi.iommu_viommu_invalidate_selftest);
    }
    if (dataType == IommufdTestUapi.IOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
      return Optional.of(IommufdTestUapi.iommu_hwpt_invalidate_selftest);
    }
    return Optional.empty();
  }

  /** The user data of {@code IOMMU_VIOMMU_ALLOC} for {@code type} (none for ARM_SMMUV3). */
  public static Optional<CStruct> viommuDataStruct(long type) {
    return Optional.ofNullable(VIOMMU_DATA.get(type));
  }

  /** The data {@code IOMMU_GET_HW_INFO} writes for {@code out_data_type}. */
  public static Optional<CStruct> hwInfoDataStruct(long type) {
    return Optional.ofNullable(HW_INFO_DATA.get(type));
  }

  /** The payload following a {@code struct iommufd_vevent_header} for a vEVENTQ {@code type}. */
  public static Optional<CStruct> veventPayloadStruct(long type) {
    return Optional.ofNullable(VEVENT_PAYLOAD.get(type));
  }

  // ---- printing ----

  /**
   * {@code value} spelled with the constants of {@code group}. A flag family gives the set bits
   * joined by {@code |} in declaration order, with any unnamed leftover bits as one hex number
   * ({@code IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE|0x10}); zero is the family's zero
   * flag if it has one, else {@code 0}. An enum gives the first constant with that value, else
   * hex. An unknown group gives hex.
   */
  public static String symbolic(String group, long value) {
    List<Constant> cs = group(group);
    if (cs.isEmpty()) {
      return hex(value);
    }
    if (!FLAG_GROUPS.contains(group)) {
      for (Constant c : cs) {
        if (c.value() == value) {
          return c.name();
        }
      }
      return hex(value);
    }
    if (value == 0) {
      for (Constant c : cs) {
        if (c.value() == 0) {
          return c.name();
        }
      }
      return "0";
    }
    StringBuilder sb = new StringBuilder();
    long left = value;
    for (Constant c : cs) {
      if (c.value() != 0 && (left & c.value()) == c.value()) {
        sb.append(sb.isEmpty() ? "" : "|").append(c.name());
        left &= ~c.value();
      }
    }
    if (left != 0) {
      sb.append(sb.isEmpty() ? "" : "|").append(hex(left));
    }
    return sb.toString();
  }

  /**
   * Reads back what {@link #symbolic} wrote, or a plain number: constant names and numbers
   * (decimal or {@code 0x} hex) joined by {@code |}. Empty when a part is neither.
   */
  public static java.util.OptionalLong valueOf(String spelled) {
    long v = 0;
    for (String raw : spelled.strip().split("\\|", -1)) {
      String part = raw.strip();
      try {
        v |= part.startsWith("0x") ? Long.parseUnsignedLong(part.substring(2), 16)
            : Long.parseLong(part);
      } catch (NumberFormatException notANumber) {
        Constant c = CONSTANT_BY_NAME.get(part);
        if (c == null) {
          return java.util.OptionalLong.empty();
        }
        v |= c.value();
      }
    }
    return java.util.OptionalLong.of(v);
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
