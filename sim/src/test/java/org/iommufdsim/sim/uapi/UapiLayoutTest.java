package org.iommufdsim.sim.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every struct, ioctl number, test op and constant of the simulated uAPI equals the Linux v7.0
 * headers (iommufd.h, iommufd_test.h, vfio.h), pinned here as literal numbers read from them.
 *
 * <p>Field notation in the layout table: {@code name@offset} is an unsigned 4-byte field;
 * {@code :8}, {@code :2}, {@code :1} give other widths and {@code :s4} a signed 4-byte field.
 */
class UapiLayoutTest {

  /** struct name, sizeof, min size, every scalar leaf in declaration order. */
  static Stream<Arguments> layouts() {
    return Stream.of(
        // ---- include/uapi/linux/iommufd.h ----
        Arguments.of("iommu_destroy", 8, 8, "size@0 id@4"),
        Arguments.of("iommu_ioas_alloc", 12, 12, "size@0 flags@4 out_ioas_id@8"),
        Arguments.of("iommu_iova_range", 16, 16, "start@0:8 last@8:8"),
        Arguments.of("iommu_ioas_iova_ranges", 32, 32,
            "size@0 ioas_id@4 num_iovas@8 __reserved@12 allowed_iovas@16:8"
                + " out_iova_alignment@24:8"),
        Arguments.of("iommu_ioas_allow_iovas", 24, 24,
            "size@0 ioas_id@4 num_iovas@8 __reserved@12 allowed_iovas@16:8"),
        Arguments.of("iommu_ioas_map", 40, 40,
            "size@0 flags@4 ioas_id@8 __reserved@12 user_va@16:8 length@24:8 iova@32:8"),
        Arguments.of("iommu_ioas_map_file", 40, 40,
            "size@0 flags@4 ioas_id@8 fd@12:s4 start@16:8 length@24:8 iova@32:8"),
        Arguments.of("iommu_ioas_copy", 40, 40,
            "size@0 flags@4 dst_ioas_id@8 src_ioas_id@12 length@16:8 dst_iova@24:8"
                + " src_iova@32:8"),
        Arguments.of("iommu_ioas_unmap", 24, 24, "size@0 ioas_id@4 iova@8:8 length@16:8"),
        Arguments.of("iommu_option", 24, 24,
            "size@0 option_id@4 op@8:2 __reserved@10:2 object_id@12 val64@16:8"),
        Arguments.of("iommu_vfio_ioas", 12, 12, "size@0 ioas_id@4 op@8:2 __reserved@10:2"),
        Arguments.of("iommu_hwpt_vtd_s1", 24, 24,
            "flags@0:8 pgtbl_addr@8:8 addr_width@16 __reserved@20"),
        Arguments.of("iommu_hwpt_arm_smmuv3", 16, 16, "ste[0]@0:8 ste[1]@8:8"),
        Arguments.of("iommu_hwpt_amd_guest", 32, 32,
            "dte[0]@0:8 dte[1]@8:8 dte[2]@16:8 dte[3]@24:8"),
        Arguments.of("iommu_hwpt_alloc", 48, 24,
            "size@0 flags@4 dev_id@8 pt_id@12 out_hwpt_id@16 __reserved@20 data_type@24"
                + " data_len@28 data_uptr@32:8 fault_id@40 __reserved2@44"),
        Arguments.of("iommu_hw_info_vtd", 24, 24,
            "flags@0 __reserved@4 cap_reg@8:8 ecap_reg@16:8"),
        Arguments.of("iommu_hw_info_arm_smmuv3", 40, 40,
            "flags@0 __reserved@4 idr[0]@8 idr[1]@12 idr[2]@16 idr[3]@20 idr[4]@24 idr[5]@28"
                + " iidr@32 aidr@36"),
        Arguments.of("iommu_hw_info_tegra241_cmdqv", 8, 8,
            "flags@0 version@4:1 log2vcmdqs@5:1 log2vsids@6:1 __reserved@7:1"),
        Arguments.of("iommu_hw_info_amd", 16, 16, "efr@0:8 efr2@8:8"),
        Arguments.of("iommu_hw_info", 40, 32,
            "size@0 flags@4 dev_id@8 data_len@12 data_uptr@16:8 in_data_type@24"
                + " out_data_type@24 out_max_pasid_log2@28:1 __reserved[0]@29:1"
                + " __reserved[1]@30:1 __reserved[2]@31:1 out_capabilities@32:8"),
        Arguments.of("iommu_hwpt_set_dirty_tracking", 16, 16,
            "size@0 flags@4 hwpt_id@8 __reserved@12"),
        Arguments.of("iommu_hwpt_get_dirty_bitmap", 48, 48,
            "size@0 hwpt_id@4 flags@8 __reserved@12 iova@16:8 length@24:8 page_size@32:8"
                + " data@40:8"),
        Arguments.of("iommu_hwpt_vtd_s1_invalidate", 24, 24,
            "addr@0:8 npages@8:8 flags@16 __reserved@20"),
        Arguments.of("iommu_viommu_arm_smmuv3_invalidate", 16, 16, "cmd[0]@0:8 cmd[1]@8:8"),
        Arguments.of("iommu_hwpt_invalidate", 32, 32,
            "size@0 hwpt_id@4 data_uptr@8:8 data_type@16 entry_len@20 entry_num@24"
                + " __reserved@28"),
        Arguments.of("iommu_hwpt_pgfault", 40, 40,
            "flags@0 dev_id@4 pasid@8 grpid@12 perm@16 __reserved@20 addr@24:8 length@32"
                + " cookie@36"),
        Arguments.of("iommu_hwpt_page_response", 8, 8, "cookie@0 code@4"),
        Arguments.of("iommu_fault_alloc", 16, 16,
            "size@0 flags@4 out_fault_id@8 out_fault_fd@12"),
        Arguments.of("iommu_viommu_tegra241_cmdqv", 16, 16,
            "out_vintf_mmap_offset@0:8 out_vintf_mmap_length@8:8"),
        Arguments.of("iommu_viommu_alloc", 40, 24,
            "size@0 flags@4 type@8 dev_id@12 hwpt_id@16 out_viommu_id@20 data_len@24"
                + " __reserved@28 data_uptr@32:8"),
        Arguments.of("iommu_vdevice_alloc", 24, 24,
            "size@0 viommu_id@4 dev_id@8 out_vdevice_id@12 virt_id@16:8"),
        Arguments.of("iommu_ioas_change_process", 8, 8, "size@0 __reserved@4"),
        Arguments.of("iommufd_vevent_header", 8, 8, "flags@0 sequence@4"),
        Arguments.of("iommu_vevent_arm_smmuv3", 32, 32,
            "evt[0]@0:8 evt[1]@8:8 evt[2]@16:8 evt[3]@24:8"),
        Arguments.of("iommu_vevent_tegra241_cmdqv", 16, 16,
            "lvcmdq_err_map[0]@0:8 lvcmdq_err_map[1]@8:8"),
        Arguments.of("iommu_veventq_alloc", 32, 28,
            "size@0 flags@4 viommu_id@8 type@12 veventq_depth@16 out_veventq_id@20"
                + " out_veventq_fd@24 __reserved@28"),
        Arguments.of("iommu_hw_queue_alloc", 40, 40,
            "size@0 flags@4 viommu_id@8 type@12 index@16 out_hw_queue_id@20"
                + " nesting_parent_iova@24:8 length@32:8"),
        // ---- drivers/iommu/iommufd/iommufd_test.h ----
        Arguments.of("iommu_test_cmd", 72, 68,
            "size@0 op@4 id@8 __reserved@12"
                + " add_reserved.start@16:8 add_reserved.length@24:8"
                + " mock_domain.out_stdev_id@16 mock_domain.out_hwpt_id@20"
                + " mock_domain.out_idev_id@24"
                + " mock_domain_flags.out_stdev_id@16 mock_domain_flags.out_hwpt_id@20"
                + " mock_domain_flags.out_idev_id@24 mock_domain_flags.dev_flags@28"
                + " mock_domain_replace.pt_id@16"
                + " check_map.iova@16:8 check_map.length@24:8 check_map.uptr@32:8"
                + " check_refs.length@16:8 check_refs.uptr@24:8 check_refs.refs@32"
                + " create_access.out_access_fd@16 create_access.flags@20"
                + " destroy_access_pages.access_pages_id@16"
                + " access_pages.flags@16 access_pages.out_access_pages_id@20"
                + " access_pages.iova@24:8 access_pages.length@32:8 access_pages.uptr@40:8"
                + " access_rw.iova@16:8 access_rw.length@24:8 access_rw.uptr@32:8"
                + " access_rw.flags@40"
                + " memory_limit.limit@16"
                + " access_replace_ioas.ioas_id@16"
                + " dirty.flags@16 dirty.iova@24:8 dirty.length@32:8 dirty.page_size@40:8"
                + " dirty.uptr@48:8 dirty.out_nr_dirty@56:8"
                + " check_iotlb.id@16 check_iotlb.iotlb@20"
                + " trigger_iopf.dev_id@16 trigger_iopf.pasid@20 trigger_iopf.grpid@24"
                + " trigger_iopf.perm@28 trigger_iopf.addr@32:8"
                + " check_dev_cache.id@16 check_dev_cache.cache@20"
                + " trigger_vevent.dev_id@16"
                + " pasid_attach.pasid@16 pasid_attach.pt_id@20"
                + " pasid_replace.pasid@16 pasid_replace.pt_id@20"
                + " pasid_detach.pasid@16"
                + " pasid_check.pasid@16 pasid_check.hwpt_id@20"
                + " dmabuf_get.length@16 dmabuf_get.open_flags@20"
                + " dmabuf_revoke.dmabuf_fd@16:s4 dmabuf_revoke.revoked@20"
                + " last@64"),
        Arguments.of("iommu_test_hw_info", 8, 8, "flags@0 test_reg@4"),
        Arguments.of("iommu_hwpt_selftest", 8, 4, "iotlb@0 pagetable_type@4"),
        Arguments.of("iommu_hwpt_invalidate_selftest", 8, 8, "flags@0 iotlb_id@4"),
        Arguments.of("iommu_viommu_selftest", 24, 8,
            "in_data@0 out_data@4 out_mmap_offset@8:8 out_mmap_length@16:8"),
        Arguments.of("iommu_viommu_invalidate_selftest", 12, 12,
            "flags@0 vdev_id@4 cache_id@8"),
        Arguments.of("iommu_viommu_event_selftest", 4, 4, "virt_id@0"),
        // ---- include/uapi/linux/vfio.h ----
        Arguments.of("vfio_info_cap_header", 8, 8, "id@0:2 version@2:2 next@4"),
        Arguments.of("vfio_iommu_type1_info", 24, 16,
            "argsz@0 flags@4 iova_pgsizes@8:8 cap_offset@16 pad@20"),
        Arguments.of("vfio_iova_range", 16, 16, "start@0:8 end@8:8"),
        Arguments.of("vfio_iommu_type1_info_cap_iova_range", 16, 16,
            "header.id@0:2 header.version@2:2 header.next@4 nr_iovas@8 reserved@12"),
        Arguments.of("vfio_iommu_type1_info_cap_migration", 32, 32,
            "header.id@0:2 header.version@2:2 header.next@4 flags@8 pgsize_bitmap@16:8"
                + " max_dirty_bitmap_size@24:8"),
        Arguments.of("vfio_iommu_type1_info_dma_avail", 12, 12,
            "header.id@0:2 header.version@2:2 header.next@4 avail@8"),
        Arguments.of("vfio_iommu_type1_dma_map", 32, 32,
            "argsz@0 flags@4 vaddr@8:8 iova@16:8 size@24:8"),
        Arguments.of("vfio_iommu_type1_dma_unmap", 24, 24,
            "argsz@0 flags@4 iova@8:8 size@16:8"),
        Arguments.of("vfio_iommu_type1_dirty_bitmap", 8, 8, "argsz@0 flags@4"),
        Arguments.of("vfio_device_bind_iommufd", 24, 16,
            "argsz@0 flags@4 iommufd@8:s4 out_devid@12 token_uuid_ptr@16:8"),
        Arguments.of("vfio_device_attach_iommufd_pt", 16, 12,
            "argsz@0 flags@4 pt_id@8 pasid@12"),
        Arguments.of("vfio_device_detach_iommufd_pt", 12, 8, "argsz@0 flags@4 pasid@8"));
  }

  private static String spell(CField f) {
    String w = switch (f.width()) {
      case 4 -> f.signed() ? ":s4" : "";
      default -> (f.signed() ? ":s" : ":") + f.width();
    };
    return f.path() + "@" + f.offset() + w;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void structLayoutMatchesTheHeader(String name, int size, int minSize, String fields) {
    CStruct s = Uapi.struct(name).orElseThrow(() -> new AssertionError("not registered: " + name));
    assertThat(s.name()).isEqualTo(name);
    assertThat(s.size()).as("sizeof(struct %s)", name).isEqualTo(size);
    assertThat(s.minSize()).as("min size of struct %s", name).isEqualTo(minSize);
    assertThat(s.fields().stream().map(UapiLayoutTest::spell).toList())
        .as("fields of struct %s", name)
        .containsExactly(fields.split(" "));
  }

  @Test
  void everyRegisteredStructIsPinnedAndEveryPinnedStructIsRegistered() {
    Set<String> pinned = new LinkedHashSet<>();
    layouts().forEach(a -> pinned.add((String) a.get()[0]));
    assertThat(pinned).hasSize(56);
    Set<String> registered = new LinkedHashSet<>();
    for (UapiRegistry r : List.of(IommufdUapi.REG, IommufdTestUapi.REG, VfioUapi.REG)) {
      r.structs().forEach(s -> registered.add(s.name()));
    }
    assertThat(registered).containsExactlyInAnyOrderElementsOf(pinned);
    assertThat(Uapi.structs().stream().map(CStruct::name)).containsAll(pinned);
  }

  @Test
  void structNamesAreUniqueAcrossHeaders() {
    List<String> names = new ArrayList<>();
    for (UapiRegistry r : List.of(IommufdUapi.REG, IommufdTestUapi.REG, VfioUapi.REG,
        LinuxUapi.REG)) {
      r.structs().forEach(s -> names.add(s.name()));
    }
    assertThat(names).doesNotHaveDuplicates();
  }

  // ---- ioctls ----

  /** ioctl macro, full request number, struct it takes ("-" for an integer argument). */
  static Stream<Arguments> ioctls() {
    return Stream.of(
        Arguments.of("IOMMU_DESTROY", 0x3B80, "iommu_destroy"),
        Arguments.of("IOMMU_IOAS_ALLOC", 0x3B81, "iommu_ioas_alloc"),
        Arguments.of("IOMMU_IOAS_ALLOW_IOVAS", 0x3B82, "iommu_ioas_allow_iovas"),
        Arguments.of("IOMMU_IOAS_COPY", 0x3B83, "iommu_ioas_copy"),
        Arguments.of("IOMMU_IOAS_IOVA_RANGES", 0x3B84, "iommu_ioas_iova_ranges"),
        Arguments.of("IOMMU_IOAS_MAP", 0x3B85, "iommu_ioas_map"),
        Arguments.of("IOMMU_IOAS_UNMAP", 0x3B86, "iommu_ioas_unmap"),
        Arguments.of("IOMMU_OPTION", 0x3B87, "iommu_option"),
        Arguments.of("IOMMU_VFIO_IOAS", 0x3B88, "iommu_vfio_ioas"),
        Arguments.of("IOMMU_HWPT_ALLOC", 0x3B89, "iommu_hwpt_alloc"),
        Arguments.of("IOMMU_GET_HW_INFO", 0x3B8A, "iommu_hw_info"),
        Arguments.of("IOMMU_HWPT_SET_DIRTY_TRACKING", 0x3B8B, "iommu_hwpt_set_dirty_tracking"),
        Arguments.of("IOMMU_HWPT_GET_DIRTY_BITMAP", 0x3B8C, "iommu_hwpt_get_dirty_bitmap"),
        Arguments.of("IOMMU_HWPT_INVALIDATE", 0x3B8D, "iommu_hwpt_invalidate"),
        Arguments.of("IOMMU_FAULT_QUEUE_ALLOC", 0x3B8E, "iommu_fault_alloc"),
        Arguments.of("IOMMU_IOAS_MAP_FILE", 0x3B8F, "iommu_ioas_map_file"),
        Arguments.of("IOMMU_VIOMMU_ALLOC", 0x3B90, "iommu_viommu_alloc"),
        Arguments.of("IOMMU_VDEVICE_ALLOC", 0x3B91, "iommu_vdevice_alloc"),
        Arguments.of("IOMMU_IOAS_CHANGE_PROCESS", 0x3B92, "iommu_ioas_change_process"),
        Arguments.of("IOMMU_VEVENTQ_ALLOC", 0x3B93, "iommu_veventq_alloc"),
        Arguments.of("IOMMU_HW_QUEUE_ALLOC", 0x3B94, "iommu_hw_queue_alloc"),
        Arguments.of("IOMMU_TEST_CMD", 0x3BA0, "iommu_test_cmd"),
        Arguments.of("VFIO_GET_API_VERSION", 0x3B64, "-"),
        Arguments.of("VFIO_CHECK_EXTENSION", 0x3B65, "-"),
        Arguments.of("VFIO_SET_IOMMU", 0x3B66, "-"),
        Arguments.of("VFIO_IOMMU_GET_INFO", 0x3B70, "vfio_iommu_type1_info"),
        Arguments.of("VFIO_IOMMU_MAP_DMA", 0x3B71, "vfio_iommu_type1_dma_map"),
        Arguments.of("VFIO_IOMMU_UNMAP_DMA", 0x3B72, "vfio_iommu_type1_dma_unmap"),
        Arguments.of("VFIO_IOMMU_DIRTY_PAGES", 0x3B75, "vfio_iommu_type1_dirty_bitmap"),
        Arguments.of("VFIO_DEVICE_BIND_IOMMUFD", 0x3B76, "vfio_device_bind_iommufd"),
        Arguments.of("VFIO_DEVICE_ATTACH_IOMMUFD_PT", 0x3B77, "vfio_device_attach_iommufd_pt"),
        Arguments.of("VFIO_DEVICE_DETACH_IOMMUFD_PT", 0x3B78, "vfio_device_detach_iommufd_pt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ioctls")
  void ioctlNumberAndStructMatchTheHeader(String name, int request, String struct) {
    IoctlDef d = Uapi.ioctl(name).orElseThrow(() -> new AssertionError("not registered: " + name));
    assertThat(d.name()).isEqualTo(name);
    assertThat(d.request()).as("%s request", name).isEqualTo(request);
    assertThat(d.nr()).isEqualTo(request & 0xff);
    if (struct.equals("-")) {
      assertThat(d.struct()).isNull();
    } else {
      assertThat(d.struct()).isNotNull();
      assertThat(d.struct().name()).isEqualTo(struct);
      assertThat(d.struct()).isSameAs(Uapi.struct(struct).orElseThrow());
    }
    assertThat(Uapi.ioctlByRequest(request)).contains(d);
  }

  @Test
  void everyRegisteredIoctlIsPinned() {
    List<String> pinned = ioctls().map(a -> (String) a.get()[0]).toList();
    assertThat(Uapi.ioctls().stream().map(IoctlDef::name)).containsExactlyInAnyOrderElementsOf(
        pinned);
    assertThat(Uapi.ioctls().stream().map(IoctlDef::request)).doesNotHaveDuplicates();
  }

  @Test
  void iommufdIoctlMinSizesAreTheDispatcherTable() {
    // drivers/iommu/iommufd/main.c: IOCTL_OP(ioctl, fn, struct, last) -> offsetofend(last)
    Map<String, Integer> minSize = new LinkedHashMap<>();
    minSize.put("IOMMU_DESTROY", 8);
    minSize.put("IOMMU_FAULT_QUEUE_ALLOC", 16);
    minSize.put("IOMMU_GET_HW_INFO", 32);
    minSize.put("IOMMU_HW_QUEUE_ALLOC", 40);
    minSize.put("IOMMU_HWPT_ALLOC", 24);
    minSize.put("IOMMU_HWPT_GET_DIRTY_BITMAP", 48);
    minSize.put("IOMMU_HWPT_INVALIDATE", 32);
    minSize.put("IOMMU_HWPT_SET_DIRTY_TRACKING", 16);
    minSize.put("IOMMU_IOAS_ALLOC", 12);
    minSize.put("IOMMU_IOAS_ALLOW_IOVAS", 24);
    minSize.put("IOMMU_IOAS_CHANGE_PROCESS", 8);
    minSize.put("IOMMU_IOAS_COPY", 40);
    minSize.put("IOMMU_IOAS_IOVA_RANGES", 32);
    minSize.put("IOMMU_IOAS_MAP", 40);
    minSize.put("IOMMU_IOAS_MAP_FILE", 40);
    minSize.put("IOMMU_IOAS_UNMAP", 24);
    minSize.put("IOMMU_OPTION", 24);
    minSize.put("IOMMU_VDEVICE_ALLOC", 24);
    minSize.put("IOMMU_VEVENTQ_ALLOC", 28);
    minSize.put("IOMMU_VFIO_IOAS", 12);
    minSize.put("IOMMU_VIOMMU_ALLOC", 24);
    minSize.put("IOMMU_TEST_CMD", 68);
    minSize.forEach((name, min) ->
        assertThat(Uapi.ioctl(name).orElseThrow().struct().minSize()).as(name).isEqualTo(min));
    assertThat(Uapi.ioctls().stream().filter(d -> d.nr() >= 0x80)).hasSize(minSize.size());
  }

  // ---- test ops ----

  @Test
  void testOpsMatchTheHeaderAndNameTheirUnionMember() {
    String[][] ops = {
      {"IOMMU_TEST_OP_ADD_RESERVED", "1", "add_reserved"},
      {"IOMMU_TEST_OP_MOCK_DOMAIN", "2", "mock_domain"},
      {"IOMMU_TEST_OP_MD_CHECK_MAP", "3", "check_map"},
      {"IOMMU_TEST_OP_MD_CHECK_REFS", "4", "check_refs"},
      {"IOMMU_TEST_OP_CREATE_ACCESS", "5", "create_access"},
      {"IOMMU_TEST_OP_DESTROY_ACCESS_PAGES", "6", "destroy_access_pages"},
      {"IOMMU_TEST_OP_ACCESS_PAGES", "7", "access_pages"},
      {"IOMMU_TEST_OP_ACCESS_RW", "8", "access_rw"},
      {"IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT", "9", "memory_limit"},
      {"IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE", "10", "mock_domain_replace"},
      {"IOMMU_TEST_OP_ACCESS_REPLACE_IOAS", "11", "access_replace_ioas"},
      {"IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS", "12", "mock_domain_flags"},
      {"IOMMU_TEST_OP_DIRTY", "13", "dirty"},
      {"IOMMU_TEST_OP_MD_CHECK_IOTLB", "14", "check_iotlb"},
      {"IOMMU_TEST_OP_TRIGGER_IOPF", "15", "trigger_iopf"},
      {"IOMMU_TEST_OP_DEV_CHECK_CACHE", "16", "check_dev_cache"},
      {"IOMMU_TEST_OP_TRIGGER_VEVENT", "17", "trigger_vevent"},
      {"IOMMU_TEST_OP_PASID_ATTACH", "18", "pasid_attach"},
      {"IOMMU_TEST_OP_PASID_REPLACE", "19", "pasid_replace"},
      {"IOMMU_TEST_OP_PASID_DETACH", "20", "pasid_detach"},
      {"IOMMU_TEST_OP_PASID_CHECK_HWPT", "21", "pasid_check"},
      {"IOMMU_TEST_OP_DMABUF_GET", "22", "dmabuf_get"},
      {"IOMMU_TEST_OP_DMABUF_REVOKE", "23", "dmabuf_revoke"},
    };
    assertThat(IommufdTestUapi.REG.testOps()).hasSize(ops.length);
    CStruct cmd = IommufdTestUapi.iommu_test_cmd;
    for (int i = 0; i < ops.length; i++) {
      TestOp t = IommufdTestUapi.REG.testOps().get(i);
      assertThat(t).isEqualTo(new TestOp(ops[i][0], Integer.parseInt(ops[i][1]), ops[i][2]));
      assertThat(Uapi.testOp(ops[i][0])).contains(t);
      assertThat(Uapi.testOpByNumber(t.op())).contains(t);
      assertThat(Uapi.constant(ops[i][0]).orElseThrow().value()).isEqualTo(t.op());
      String member = t.unionMember();
      assertThat(cmd.fields()).anyMatch(f -> f.path().startsWith(member + "."));
      assertThat(cmd.memberEnd(member)).isLessThanOrEqualTo(64);
    }
    assertThat(Uapi.testOpByNumber(0)).isEmpty();
    assertThat(Uapi.testOpByNumber(24)).as("MD_CHECK_DMABUF is post-v7.0").isEmpty();
    assertThat(IommufdTestUapi.IOMMU_TEST_OP_DMABUF_REVOKE).isEqualTo(23);
  }

  // ---- constants ----

  private record Group(String name, boolean flags, String values) {}

  /** Every constant of the three headers: group, kind, NAME=value in declaration order. */
  private static final List<Group> CONSTANTS = List.of(
      // iommufd.h
      new Group("iommufd", false, "IOMMUFD_TYPE=0x3b IOMMUFD_CMD_BASE=0x80"),
      new Group("iommufd_cmd", false,
          "IOMMUFD_CMD_DESTROY=0x80 IOMMUFD_CMD_IOAS_ALLOC=0x81"
              + " IOMMUFD_CMD_IOAS_ALLOW_IOVAS=0x82 IOMMUFD_CMD_IOAS_COPY=0x83"
              + " IOMMUFD_CMD_IOAS_IOVA_RANGES=0x84 IOMMUFD_CMD_IOAS_MAP=0x85"
              + " IOMMUFD_CMD_IOAS_UNMAP=0x86 IOMMUFD_CMD_OPTION=0x87"
              + " IOMMUFD_CMD_VFIO_IOAS=0x88 IOMMUFD_CMD_HWPT_ALLOC=0x89"
              + " IOMMUFD_CMD_GET_HW_INFO=0x8a IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING=0x8b"
              + " IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP=0x8c IOMMUFD_CMD_HWPT_INVALIDATE=0x8d"
              + " IOMMUFD_CMD_FAULT_QUEUE_ALLOC=0x8e IOMMUFD_CMD_IOAS_MAP_FILE=0x8f"
              + " IOMMUFD_CMD_VIOMMU_ALLOC=0x90 IOMMUFD_CMD_VDEVICE_ALLOC=0x91"
              + " IOMMUFD_CMD_IOAS_CHANGE_PROCESS=0x92 IOMMUFD_CMD_VEVENTQ_ALLOC=0x93"
              + " IOMMUFD_CMD_HW_QUEUE_ALLOC=0x94"),
      new Group("iommufd_ioas_map_flags", true,
          "IOMMU_IOAS_MAP_FIXED_IOVA=0x1 IOMMU_IOAS_MAP_WRITEABLE=0x2"
              + " IOMMU_IOAS_MAP_READABLE=0x4"),
      new Group("iommufd_option", false, "IOMMU_OPTION_RLIMIT_MODE=0 IOMMU_OPTION_HUGE_PAGES=1"),
      new Group("iommufd_option_ops", false, "IOMMU_OPTION_OP_SET=0 IOMMU_OPTION_OP_GET=1"),
      new Group("iommufd_vfio_ioas_op", false,
          "IOMMU_VFIO_IOAS_GET=0 IOMMU_VFIO_IOAS_SET=1 IOMMU_VFIO_IOAS_CLEAR=2"),
      new Group("iommufd_hwpt_alloc_flags", true,
          "IOMMU_HWPT_ALLOC_NEST_PARENT=0x1 IOMMU_HWPT_ALLOC_DIRTY_TRACKING=0x2"
              + " IOMMU_HWPT_FAULT_ID_VALID=0x4 IOMMU_HWPT_ALLOC_PASID=0x8"),
      new Group("iommu_hwpt_vtd_s1_flags", true,
          "IOMMU_VTD_S1_SRE=0x1 IOMMU_VTD_S1_EAFE=0x2 IOMMU_VTD_S1_WPE=0x4"),
      new Group("iommu_hwpt_data_type", false,
          "IOMMU_HWPT_DATA_NONE=0 IOMMU_HWPT_DATA_VTD_S1=1 IOMMU_HWPT_DATA_ARM_SMMUV3=2"
              + " IOMMU_HWPT_DATA_AMD_GUEST=3 IOMMU_HWPT_DATA_SELFTEST=0xdead"),
      new Group("iommu_hw_info_vtd_flags", true, "IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17=0x1"),
      new Group("iommu_hw_info_type", false,
          "IOMMU_HW_INFO_TYPE_NONE=0 IOMMU_HW_INFO_TYPE_DEFAULT=0"
              + " IOMMU_HW_INFO_TYPE_INTEL_VTD=1 IOMMU_HW_INFO_TYPE_ARM_SMMUV3=2"
              + " IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV=3 IOMMU_HW_INFO_TYPE_AMD=4"
              + " IOMMU_HW_INFO_TYPE_SELFTEST=0xfeedbeef"),
      new Group("iommufd_hw_capabilities", true,
          "IOMMU_HW_CAP_DIRTY_TRACKING=0x1 IOMMU_HW_CAP_PCI_PASID_EXEC=0x2"
              + " IOMMU_HW_CAP_PCI_PASID_PRIV=0x4"),
      new Group("iommufd_hw_info_flags", true, "IOMMU_HW_INFO_FLAG_INPUT_TYPE=0x1"),
      new Group("iommufd_hwpt_set_dirty_tracking_flags", true,
          "IOMMU_HWPT_DIRTY_TRACKING_ENABLE=0x1"),
      new Group("iommufd_hwpt_get_dirty_bitmap_flags", true,
          "IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR=0x1"),
      new Group("iommu_hwpt_invalidate_data_type", false,
          "IOMMU_HWPT_INVALIDATE_DATA_VTD_S1=0 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3=1"
              + " IOMMU_HWPT_INVALIDATE_DATA_SELFTEST=0xdeadbeef"
              + " IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID=0xdadbeef"
              + " IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST=0xdeadbeef"
              + " IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID=0xdadbeef"),
      new Group("iommu_hwpt_vtd_s1_invalidate_flags", true, "IOMMU_VTD_INV_FLAGS_LEAF=0x1"),
      new Group("iommu_hwpt_pgfault_flags", true,
          "IOMMU_PGFAULT_FLAGS_PASID_VALID=0x1 IOMMU_PGFAULT_FLAGS_LAST_PAGE=0x2"),
      new Group("iommu_hwpt_pgfault_perm", true,
          "IOMMU_PGFAULT_PERM_READ=0x1 IOMMU_PGFAULT_PERM_WRITE=0x2"
              + " IOMMU_PGFAULT_PERM_EXEC=0x4 IOMMU_PGFAULT_PERM_PRIV=0x8"),
      new Group("iommufd_page_response_code", false,
          "IOMMUFD_PAGE_RESP_SUCCESS=0 IOMMUFD_PAGE_RESP_INVALID=1"),
      new Group("iommu_viommu_type", false,
          "IOMMU_VIOMMU_TYPE_DEFAULT=0 IOMMU_VIOMMU_TYPE_ARM_SMMUV3=1"
              + " IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV=2 IOMMU_VIOMMU_TYPE_SELFTEST=0xdeadbeef"),
      new Group("iommu_veventq_flag", true, "IOMMU_VEVENTQ_FLAG_LOST_EVENTS=0x1"),
      new Group("iommu_veventq_type", false,
          "IOMMU_VEVENTQ_TYPE_DEFAULT=0 IOMMU_VEVENTQ_TYPE_ARM_SMMUV3=1"
              + " IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV=2 IOMMU_VEVENTQ_TYPE_SELFTEST=0xbeefbeef"),
      new Group("iommu_hw_queue_type", false,
          "IOMMU_HW_QUEUE_TYPE_DEFAULT=0 IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV=1"
              + " IOMMU_HW_QUEUE_TYPE_SELFTEST=0xdeadbeef"),
      // iommufd_test.h
      new Group("iommufd_test_op", false,
          "IOMMU_TEST_OP_ADD_RESERVED=1 IOMMU_TEST_OP_MOCK_DOMAIN=2"
              + " IOMMU_TEST_OP_MD_CHECK_MAP=3 IOMMU_TEST_OP_MD_CHECK_REFS=4"
              + " IOMMU_TEST_OP_CREATE_ACCESS=5 IOMMU_TEST_OP_DESTROY_ACCESS_PAGES=6"
              + " IOMMU_TEST_OP_ACCESS_PAGES=7 IOMMU_TEST_OP_ACCESS_RW=8"
              + " IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT=9 IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE=10"
              + " IOMMU_TEST_OP_ACCESS_REPLACE_IOAS=11 IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS=12"
              + " IOMMU_TEST_OP_DIRTY=13 IOMMU_TEST_OP_MD_CHECK_IOTLB=14"
              + " IOMMU_TEST_OP_TRIGGER_IOPF=15 IOMMU_TEST_OP_DEV_CHECK_CACHE=16"
              + " IOMMU_TEST_OP_TRIGGER_VEVENT=17 IOMMU_TEST_OP_PASID_ATTACH=18"
              + " IOMMU_TEST_OP_PASID_REPLACE=19 IOMMU_TEST_OP_PASID_DETACH=20"
              + " IOMMU_TEST_OP_PASID_CHECK_HWPT=21 IOMMU_TEST_OP_DMABUF_GET=22"
              + " IOMMU_TEST_OP_DMABUF_REVOKE=23"),
      new Group("mock_iommupt", false,
          "MOCK_IOMMUPT_DEFAULT=0 MOCK_IOMMUPT_HUGE=1 MOCK_IOMMUPT_AMDV1=2"),
      new Group("mock_geometry", false,
          "MOCK_APERTURE_START=0x1000000 MOCK_APERTURE_LAST=0x7fffffff MOCK_PAGE_SIZE=2048"
              + " MOCK_HUGE_PAGE_SIZE=0x100000"),
      new Group("mock_flags_access", true,
          "MOCK_FLAGS_ACCESS_WRITE=0x1 MOCK_FLAGS_ACCESS_SYZ=0x10000"),
      new Group("mock_access_rw", true, "MOCK_ACCESS_RW_WRITE=0x1 MOCK_ACCESS_RW_SLOW_PATH=0x4"),
      new Group("mock_flags_access_create", true, "MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES=0x1"),
      new Group("mock_flags_device", true,
          "MOCK_FLAGS_DEVICE_NO_DIRTY=0x1 MOCK_FLAGS_DEVICE_PASID=0x4"),
      new Group("mock_nested_domain_iotlb", false,
          "MOCK_NESTED_DOMAIN_IOTLB_ID_MAX=3 MOCK_NESTED_DOMAIN_IOTLB_NUM=4"),
      new Group("mock_dev_cache", false, "MOCK_DEV_CACHE_ID_MAX=3 MOCK_DEV_CACHE_NUM=4"),
      new Group("iommufd_test", false,
          "IOMMU_TEST_PASID_RESERVED=1024 MOCK_PASID_WIDTH=20"
              + " IOMMU_HW_INFO_SELFTEST_REGVAL=0xdeadbeef IOMMU_TEST_IOTLB_DEFAULT=0xbadbeef"
              + " IOMMU_TEST_DEV_CACHE_DEFAULT=0xbaddad IOMMU_TEST_HW_QUEUE_MAX=2"),
      new Group("iommu_test_invalidate_flags", true, "IOMMU_TEST_INVALIDATE_FLAG_ALL=0x1"),
      // vfio.h
      new Group("vfio", false, "VFIO_API_VERSION=0 VFIO_TYPE=0x3b VFIO_BASE=100"),
      new Group("vfio_extension", false,
          "VFIO_TYPE1_IOMMU=1 VFIO_SPAPR_TCE_IOMMU=2 VFIO_TYPE1v2_IOMMU=3 VFIO_DMA_CC_IOMMU=4"
              + " VFIO_EEH=5 __VFIO_RESERVED_TYPE1_NESTING_IOMMU=6 VFIO_SPAPR_TCE_v2_IOMMU=7"
              + " VFIO_NOIOMMU_IOMMU=8 VFIO_UNMAP_ALL=9 VFIO_UPDATE_VADDR=10"),
      new Group("vfio_iommu_type1_info_flags", true,
          "VFIO_IOMMU_INFO_PGSIZES=0x1 VFIO_IOMMU_INFO_CAPS=0x2"),
      new Group("vfio_iommu_type1_info_cap", false,
          "VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE=1 VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION=2"
              + " VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL=3"),
      new Group("vfio_dma_map_flags", true,
          "VFIO_DMA_MAP_FLAG_READ=0x1 VFIO_DMA_MAP_FLAG_WRITE=0x2 VFIO_DMA_MAP_FLAG_VADDR=0x4"),
      new Group("vfio_dma_unmap_flags", true,
          "VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP=0x1 VFIO_DMA_UNMAP_FLAG_ALL=0x2"
              + " VFIO_DMA_UNMAP_FLAG_VADDR=0x4"),
      new Group("vfio_iommu_dirty_pages_flags", true,
          "VFIO_IOMMU_DIRTY_PAGES_FLAG_START=0x1 VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP=0x2"
              + " VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP=0x4"),
      new Group("vfio_device_bind_flags", true, "VFIO_DEVICE_BIND_FLAG_TOKEN=0x1"),
      new Group("vfio_device_attach_flags", true, "VFIO_DEVICE_ATTACH_PASID=0x1"),
      new Group("vfio_device_detach_flags", true, "VFIO_DEVICE_DETACH_PASID=0x1"));

  private static long parse(String v) {
    return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
  }

  @Test
  void everyConstantHasTheHeaderValueGroupAndKind() {
    Map<String, String> expected = new TreeMap<>();
    for (Group g : CONSTANTS) {
      for (String nv : g.values().split(" ")) {
        String[] p = nv.split("=");
        String prev = expected.put(p[0], g.name() + " " + g.flags() + " " + parse(p[1]));
        assertThat(prev).as("pinned twice: %s", p[0]).isNull();
      }
    }
    Map<String, String> actual = new TreeMap<>();
    for (UapiRegistry r : List.of(IommufdUapi.REG, IommufdTestUapi.REG, VfioUapi.REG)) {
      for (Constant c : r.constants()) {
        actual.put(c.name(), c.group() + " " + c.flag() + " " + c.value());
      }
    }
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void constantsAreDeclaredInHeaderOrderWithinEachGroup() {
    for (Group g : CONSTANTS) {
      List<String> names = Uapi.group(g.name()).stream().map(Constant::name).toList();
      List<String> want = Stream.of(g.values().split(" ")).map(nv -> nv.split("=")[0]).toList();
      assertThat(names).as(g.name()).containsExactlyElementsOf(want);
    }
  }

  @Test
  void constantNamesAreUniquePerGroupAndOverall() {
    Map<String, List<String>> byGroup = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    for (Constant c : Uapi.constants()) {
      byGroup.computeIfAbsent(c.group(), k -> new ArrayList<>()).add(c.name());
      all.add(c.name());
    }
    byGroup.forEach((g, names) -> assertThat(names).as(g).doesNotHaveDuplicates());
    assertThat(all).doesNotHaveDuplicates();
  }

  @Test
  void javaConstantsMirrorTheRegistry() {
    assertThat(IommufdUapi.IOMMU_IOAS_MAP_READABLE).isEqualTo(4);
    assertThat(IommufdUapi.IOMMU_HWPT_ALLOC_PASID).isEqualTo(8);
    assertThat(IommufdUapi.IOMMU_HW_INFO_TYPE_AMD).isEqualTo(4);
    assertThat(IommufdTestUapi.MOCK_PAGE_SIZE).isEqualTo(2048);
    assertThat(IommufdTestUapi.MOCK_HUGE_PAGE_SIZE).isEqualTo(1 << 20);
    assertThat(IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST).isEqualTo(0xdead);
    assertThat(IommufdTestUapi.IOMMU_TEST_OP_ADD_RESERVED).isEqualTo(1);
    assertThat(VfioUapi.VFIO_TYPE1v2_IOMMU).isEqualTo(3);
    assertThat(IommufdTestUapi.IOMMU_TEST_CMD.request()).isEqualTo(0x3BA0);
    assertThat(VfioUapi.VFIO_DEVICE_BIND_IOMMUFD.request()).isEqualTo(0x3B76);
  }

  // ---- Uapi lookups ----

  @Test
  void typeTaggedDataLookups() {
    assertThat(Uapi.hwptDataStruct(0)).isEmpty();
    assertThat(Uapi.hwptDataStruct(1)).map(CStruct::name).contains("iommu_hwpt_vtd_s1");
    assertThat(Uapi.hwptDataStruct(2)).map(CStruct::name).contains("iommu_hwpt_arm_smmuv3");
    assertThat(Uapi.hwptDataStruct(3)).map(CStruct::name).contains("iommu_hwpt_amd_guest");
    assertThat(Uapi.hwptDataStruct(0xdead)).map(CStruct::name).contains("iommu_hwpt_selftest");
    assertThat(Uapi.hwptDataStruct(4)).isEmpty();

    assertThat(Uapi.invalidateEntryStruct(0)).map(CStruct::name)
        .contains("iommu_hwpt_vtd_s1_invalidate");
    assertThat(Uapi.invalidateEntryStruct(1)).map(CStruct::name)
        .contains("iommu_viommu_arm_smmuv3_invalidate");
    assertThat(Uapi.invalidateEntryStruct(0xdeadbeefL)).map(CStruct::name)
        .contains("iommu_hwpt_invalidate_selftest");
    assertThat(Uapi.invalidateEntryStruct(0xdeadbeefL, false)).map(CStruct::name)
        .contains("iommu_hwpt_invalidate_selftest");
    assertThat(Uapi.invalidateEntryStruct(0xdeadbeefL, true)).map(CStruct::name)
        .contains("iommu_viommu_invalidate_selftest");
    assertThat(Uapi.invalidateEntryStruct(0xdadbeefL)).isEmpty();
    assertThat(Uapi.invalidateEntryStruct(0xdadbeefL, true)).isEmpty();

    assertThat(Uapi.viommuDataStruct(0)).isEmpty();
    assertThat(Uapi.viommuDataStruct(1)).isEmpty();
    assertThat(Uapi.viommuDataStruct(2)).map(CStruct::name)
        .contains("iommu_viommu_tegra241_cmdqv");
    assertThat(Uapi.viommuDataStruct(0xdeadbeefL)).map(CStruct::name)
        .contains("iommu_viommu_selftest");

    assertThat(Uapi.hwInfoDataStruct(0)).isEmpty();
    assertThat(Uapi.hwInfoDataStruct(1)).map(CStruct::name).contains("iommu_hw_info_vtd");
    assertThat(Uapi.hwInfoDataStruct(2)).map(CStruct::name).contains("iommu_hw_info_arm_smmuv3");
    assertThat(Uapi.hwInfoDataStruct(3)).map(CStruct::name)
        .contains("iommu_hw_info_tegra241_cmdqv");
    assertThat(Uapi.hwInfoDataStruct(4)).map(CStruct::name).contains("iommu_hw_info_amd");
    assertThat(Uapi.hwInfoDataStruct(0xfeedbeefL)).map(CStruct::name)
        .contains("iommu_test_hw_info");

    assertThat(Uapi.veventPayloadStruct(0)).isEmpty();
    assertThat(Uapi.veventPayloadStruct(1)).map(CStruct::name).contains("iommu_vevent_arm_smmuv3");
    assertThat(Uapi.veventPayloadStruct(2)).map(CStruct::name)
        .contains("iommu_vevent_tegra241_cmdqv");
    assertThat(Uapi.veventPayloadStruct(0xbeefbeefL)).map(CStruct::name)
        .contains("iommu_viommu_event_selftest");
  }

  @Test
  void symbolicSpellsFlagsEnumsAndLeftovers() {
    assertThat(Uapi.symbolic("iommufd_ioas_map_flags", 6))
        .isEqualTo("IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE");
    assertThat(Uapi.symbolic("iommufd_ioas_map_flags", 7))
        .isEqualTo("IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE");
    assertThat(Uapi.symbolic("iommufd_ioas_map_flags", 0x12))
        .isEqualTo("IOMMU_IOAS_MAP_WRITEABLE|0x10");
    assertThat(Uapi.symbolic("iommufd_ioas_map_flags", 0)).isEqualTo("0");
    assertThat(Uapi.symbolic("iommufd_ioas_map_flags", 0x30)).isEqualTo("0x30");
    assertThat(Uapi.symbolic("mmap_prot", 0)).isEqualTo("PROT_NONE");
    assertThat(Uapi.symbolic("mmap_prot", 3)).isEqualTo("PROT_READ|PROT_WRITE");
    assertThat(Uapi.symbolic("iommufd_hwpt_alloc_flags", 0xc))
        .isEqualTo("IOMMU_HWPT_FAULT_ID_VALID|IOMMU_HWPT_ALLOC_PASID");
    assertThat(Uapi.symbolic("iommu_hwpt_data_type", 0xdead)).isEqualTo("IOMMU_HWPT_DATA_SELFTEST");
    assertThat(Uapi.symbolic("iommu_hwpt_data_type", 2)).isEqualTo("IOMMU_HWPT_DATA_ARM_SMMUV3");
    assertThat(Uapi.symbolic("iommu_hwpt_data_type", 9)).isEqualTo("0x9");
    assertThat(Uapi.symbolic("iommu_hw_info_type", 0)).isEqualTo("IOMMU_HW_INFO_TYPE_NONE");
    assertThat(Uapi.symbolic("iommufd_test_op", 22)).isEqualTo("IOMMU_TEST_OP_DMABUF_GET");
    assertThat(Uapi.symbolic("no_such_group", 5)).isEqualTo("0x5");
  }

  @Test
  void nameLookups() {
    assertThat(Uapi.constant("IOMMU_HWPT_DATA_AMD_GUEST").orElseThrow().value()).isEqualTo(3);
    assertThat(Uapi.constant("VFIO_UNMAP_ALL").orElseThrow().group()).isEqualTo("vfio_extension");
    assertThat(Uapi.constant("NO_SUCH_CONSTANT")).isEmpty();
    assertThat(Uapi.struct("iommu_hwpt_alloc")).containsSame(IommufdUapi.iommu_hwpt_alloc);
    assertThat(Uapi.struct("no_such_struct")).isEmpty();
    assertThat(Uapi.ioctl("IOMMU_IOAS_MAP")).containsSame(IommufdUapi.IOMMU_IOAS_MAP);
    assertThat(Uapi.ioctl("NO_SUCH_IOCTL")).isEmpty();
    assertThat(Uapi.ioctlByRequest(0x3B95)).as("v7.0 table hole").isEmpty();
    assertThat(Uapi.ioctlByRequest(0x3B85 | (1L << 30))).isEmpty();
    assertThat(Uapi.group("iommu_veventq_flag")).extracting(Constant::name)
        .containsExactly("IOMMU_VEVENTQ_FLAG_LOST_EVENTS");
  }
}
