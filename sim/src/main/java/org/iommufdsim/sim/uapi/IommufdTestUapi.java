package org.iommufdsim.sim.uapi;

import static org.iommufdsim.sim.uapi.CStruct.pad;
import static org.iommufdsim.sim.uapi.CStruct.s32;
import static org.iommufdsim.sim.uapi.CStruct.struct;
import static org.iommufdsim.sim.uapi.CStruct.u32;
import static org.iommufdsim.sim.uapi.CStruct.u64;
import static org.iommufdsim.sim.uapi.CStruct.union;

/**
 * {@code drivers/iommu/iommufd/iommufd_test.h} as of Linux v7.0: the test-only
 * {@code IOMMU_TEST_CMD} ioctl, its ops, the mock driver's constants and its payload structs.
 *
 * <p>v7.0 state (after the v6.19 conversion of the mock to the generic page table library and the
 * dma-buf test ops): ops 1..23 ending with {@code DMABUF_GET} and {@code DMABUF_REVOKE};
 * {@code MOCK_IOMMUPT_*} page-table types including {@code AMDV1} (removed again in the v7.1
 * cycle); {@code MOCK_PAGE_SIZE}/{@code MOCK_HUGE_PAGE_SIZE} fixed at 2048 / 1 MiB;
 * {@code MOCK_FLAGS_DEVICE_HUGE_IOVA} gone; {@code iommu_hwpt_selftest} 8 bytes.
 * {@code IOMMU_TEST_OP_MD_CHECK_DMABUF} is not part of v7.0 (it comes from a later RFC series)
 * and is deliberately absent.
 *
 * <p>C structs inside the command's union get explicit tail padding where the C compiler adds
 * it, so every member has its C {@code sizeof}.
 */
public final class IommufdTestUapi {
  public static final UapiRegistry REG =
      new UapiRegistry("drivers/iommu/iommufd/iommufd_test.h");

  // ---- the ops, numbered from 1 in declaration order ----

  private static long op(String name, int number, String unionMember) {
    return REG.testOp(new TestOp(name, number, unionMember)).op();
  }

  public static final long IOMMU_TEST_OP_ADD_RESERVED =
      op("IOMMU_TEST_OP_ADD_RESERVED", 1, "add_reserved");
  public static final long IOMMU_TEST_OP_MOCK_DOMAIN =
      op("IOMMU_TEST_OP_MOCK_DOMAIN", 2, "mock_domain");
  public static final long IOMMU_TEST_OP_MD_CHECK_MAP =
      op("IOMMU_TEST_OP_MD_CHECK_MAP", 3, "check_map");
  public static final long IOMMU_TEST_OP_MD_CHECK_REFS =
      op("IOMMU_TEST_OP_MD_CHECK_REFS", 4, "check_refs");
  public static final long IOMMU_TEST_OP_CREATE_ACCESS =
      op("IOMMU_TEST_OP_CREATE_ACCESS", 5, "create_access");
  public static final long IOMMU_TEST_OP_DESTROY_ACCESS_PAGES =
      op("IOMMU_TEST_OP_DESTROY_ACCESS_PAGES", 6, "destroy_access_pages");
  public static final long IOMMU_TEST_OP_ACCESS_PAGES =
      op("IOMMU_TEST_OP_ACCESS_PAGES", 7, "access_pages");
  public static final long IOMMU_TEST_OP_ACCESS_RW =
      op("IOMMU_TEST_OP_ACCESS_RW", 8, "access_rw");
  public static final long IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT =
      op("IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT", 9, "memory_limit");
  public static final long IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE =
      op("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE", 10, "mock_domain_replace");
  public static final long IOMMU_TEST_OP_ACCESS_REPLACE_IOAS =
      op("IOMMU_TEST_OP_ACCESS_REPLACE_IOAS", 11, "access_replace_ioas");
  public static final long IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS =
      op("IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS", 12, "mock_domain_flags");
  public static final long IOMMU_TEST_OP_DIRTY = op("IOMMU_TEST_OP_DIRTY", 13, "dirty");
  public static final long IOMMU_TEST_OP_MD_CHECK_IOTLB =
      op("IOMMU_TEST_OP_MD_CHECK_IOTLB", 14, "check_iotlb");
  public static final long IOMMU_TEST_OP_TRIGGER_IOPF =
      op("IOMMU_TEST_OP_TRIGGER_IOPF", 15, "trigger_iopf");
  public static final long IOMMU_TEST_OP_DEV_CHECK_CACHE =
      op("IOMMU_TEST_OP_DEV_CHECK_CACHE", 16, "check_dev_cache");
  public static final long IOMMU_TEST_OP_TRIGGER_VEVENT =
      op("IOMMU_TEST_OP_TRIGGER_VEVENT", 17, "trigger_vevent");
  public static final long IOMMU_TEST_OP_PASID_ATTACH =
      op("IOMMU_TEST_OP_PASID_ATTACH", 18, "pasid_attach");
  public static final long IOMMU_TEST_OP_PASID_REPLACE =
      op("IOMMU_TEST_OP_PASID_REPLACE", 19, "pasid_replace");
  public static final long IOMMU_TEST_OP_PASID_DETACH =
      op("IOMMU_TEST_OP_PASID_DETACH", 20, "pasid_detach");
  public static final long IOMMU_TEST_OP_PASID_CHECK_HWPT =
      op("IOMMU_TEST_OP_PASID_CHECK_HWPT", 21, "pasid_check");
  public static final long IOMMU_TEST_OP_DMABUF_GET =
      op("IOMMU_TEST_OP_DMABUF_GET", 22, "dmabuf_get");
  public static final long IOMMU_TEST_OP_DMABUF_REVOKE =
      op("IOMMU_TEST_OP_DMABUF_REVOKE", 23, "dmabuf_revoke");

  // ---- mock page-table types (iommu_hwpt_selftest.pagetable_type) ----

  private static final String IOMMUPT = "mock_iommupt";
  public static final long MOCK_IOMMUPT_DEFAULT = REG.c(IOMMUPT, "MOCK_IOMMUPT_DEFAULT", 0);
  public static final long MOCK_IOMMUPT_HUGE = REG.c(IOMMUPT, "MOCK_IOMMUPT_HUGE", 1);
  public static final long MOCK_IOMMUPT_AMDV1 = REG.c(IOMMUPT, "MOCK_IOMMUPT_AMDV1", 2);

  // ---- geometry of the default mock page table ----

  private static final String GEOMETRY = "mock_geometry";
  public static final long MOCK_APERTURE_START =
      REG.c(GEOMETRY, "MOCK_APERTURE_START", 1L << 24);
  public static final long MOCK_APERTURE_LAST =
      REG.c(GEOMETRY, "MOCK_APERTURE_LAST", (1L << 31) - 1);
  public static final long MOCK_PAGE_SIZE = REG.c(GEOMETRY, "MOCK_PAGE_SIZE", 2048);
  public static final long MOCK_HUGE_PAGE_SIZE =
      REG.c(GEOMETRY, "MOCK_HUGE_PAGE_SIZE", 512 * 2048);

  // ---- flag families ----

  private static final String ACCESS_FLAGS = "mock_flags_access";
  public static final long MOCK_FLAGS_ACCESS_WRITE =
      REG.flag(ACCESS_FLAGS, "MOCK_FLAGS_ACCESS_WRITE", 1L << 0);
  public static final long MOCK_FLAGS_ACCESS_SYZ =
      REG.flag(ACCESS_FLAGS, "MOCK_FLAGS_ACCESS_SYZ", 1L << 16);

  private static final String ACCESS_RW = "mock_access_rw";
  public static final long MOCK_ACCESS_RW_WRITE =
      REG.flag(ACCESS_RW, "MOCK_ACCESS_RW_WRITE", 1L << 0);
  public static final long MOCK_ACCESS_RW_SLOW_PATH =
      REG.flag(ACCESS_RW, "MOCK_ACCESS_RW_SLOW_PATH", 1L << 2);

  public static final long MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES =
      REG.flag("mock_flags_access_create", "MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES", 1L << 0);

  private static final String DEVICE_FLAGS = "mock_flags_device";
  public static final long MOCK_FLAGS_DEVICE_NO_DIRTY =
      REG.flag(DEVICE_FLAGS, "MOCK_FLAGS_DEVICE_NO_DIRTY", 1L << 0);
  public static final long MOCK_FLAGS_DEVICE_PASID =
      REG.flag(DEVICE_FLAGS, "MOCK_FLAGS_DEVICE_PASID", 1L << 2);

  // ---- mock cache sizes ----

  private static final String IOTLB = "mock_nested_domain_iotlb";
  public static final long MOCK_NESTED_DOMAIN_IOTLB_ID_MAX =
      REG.c(IOTLB, "MOCK_NESTED_DOMAIN_IOTLB_ID_MAX", 3);
  public static final long MOCK_NESTED_DOMAIN_IOTLB_NUM =
      REG.c(IOTLB, "MOCK_NESTED_DOMAIN_IOTLB_NUM", 4);

  private static final String DEV_CACHE = "mock_dev_cache";
  public static final long MOCK_DEV_CACHE_ID_MAX = REG.c(DEV_CACHE, "MOCK_DEV_CACHE_ID_MAX", 3);
  public static final long MOCK_DEV_CACHE_NUM = REG.c(DEV_CACHE, "MOCK_DEV_CACHE_NUM", 4);

  /** The PASID whose replace the mock fails once (with ENOMEM) to test rollback. */
  public static final long IOMMU_TEST_PASID_RESERVED =
      REG.c("iommufd_test", "IOMMU_TEST_PASID_RESERVED", 1024);

  // ---- IOMMU_TEST_CMD ----

  /**
   * The single test ioctl; {@code op} selects the union member, {@code id} is op specific.
   * Minimum size is the end of {@code last} (68); {@code sizeof} is 72.
   */
  public static final CStruct iommu_test_cmd =
      REG.struct(
          CStruct.of(
              "iommu_test_cmd",
              "last",
              u32("size"),
              u32("op"),
              u32("id"),
              u32("__reserved"),
              union(
                  null,
                  struct("add_reserved", u64("start"), u64("length")),
                  struct("mock_domain", u32("out_stdev_id"), u32("out_hwpt_id"),
                      u32("out_idev_id")),
                  struct("mock_domain_flags", u32("out_stdev_id"), u32("out_hwpt_id"),
                      u32("out_idev_id"), u32("dev_flags")),
                  struct("mock_domain_replace", u32("pt_id")),
                  struct("check_map", u64("iova"), u64("length"), u64("uptr")),
                  struct("check_refs", u64("length"), u64("uptr"), u32("refs"), pad(4)),
                  struct("create_access", u32("out_access_fd"), u32("flags")),
                  struct("destroy_access_pages", u32("access_pages_id")),
                  struct("access_pages", u32("flags"), u32("out_access_pages_id"),
                      u64("iova"), u64("length"), u64("uptr")),
                  struct("access_rw", u64("iova"), u64("length"), u64("uptr"), u32("flags"),
                      pad(4)),
                  struct("memory_limit", u32("limit")),
                  struct("access_replace_ioas", u32("ioas_id")),
                  struct("dirty", u32("flags"), pad(4), u64("iova"), u64("length"),
                      u64("page_size"), u64("uptr"), u64("out_nr_dirty")),
                  struct("check_iotlb", u32("id"), u32("iotlb")),
                  struct("trigger_iopf", u32("dev_id"), u32("pasid"), u32("grpid"),
                      u32("perm"), u64("addr")),
                  struct("check_dev_cache", u32("id"), u32("cache")),
                  struct("trigger_vevent", u32("dev_id")),
                  struct("pasid_attach", u32("pasid"), u32("pt_id")),
                  struct("pasid_replace", u32("pasid"), u32("pt_id")),
                  struct("pasid_detach", u32("pasid")),
                  struct("pasid_check", u32("pasid"), u32("hwpt_id")),
                  struct("dmabuf_get", u32("length"), u32("open_flags")),
                  struct("dmabuf_revoke", s32("dmabuf_fd"), u32("revoked"))),
              u32("last"),
              pad(4)));
  public static final IoctlDef IOMMU_TEST_CMD =
      REG.ioctl(
          "IOMMU_TEST_CMD",
          UapiRegistry.io((int) IommufdUapi.IOMMUFD_TYPE,
              (int) IommufdUapi.IOMMUFD_CMD_BASE + 32),
          iommu_test_cmd);

  /** PASID width of mock devices created with {@code MOCK_FLAGS_DEVICE_PASID}. */
  public static final long MOCK_PASID_WIDTH = REG.c("iommufd_test", "MOCK_PASID_WIDTH", 20);

  // ---- IOMMU_GET_HW_INFO data of the mock ----

  public static final long IOMMU_HW_INFO_TYPE_SELFTEST =
      REG.c("iommu_hw_info_type", "IOMMU_HW_INFO_TYPE_SELFTEST", 0xfeedbeefL);
  public static final long IOMMU_HW_INFO_SELFTEST_REGVAL =
      REG.c("iommufd_test", "IOMMU_HW_INFO_SELFTEST_REGVAL", 0xdeadbeefL);

  public static final CStruct iommu_test_hw_info =
      REG.struct(CStruct.of("iommu_test_hw_info", u32("flags"), u32("test_reg")));

  // ---- IOMMU_HWPT_ALLOC data of the mock ----

  public static final long IOMMU_HWPT_DATA_SELFTEST =
      REG.c("iommu_hwpt_data_type", "IOMMU_HWPT_DATA_SELFTEST", 0xdead);
  public static final long IOMMU_TEST_IOTLB_DEFAULT =
      REG.c("iommufd_test", "IOMMU_TEST_IOTLB_DEFAULT", 0xbadbeef);
  public static final long IOMMU_TEST_DEV_CACHE_DEFAULT =
      REG.c("iommufd_test", "IOMMU_TEST_DEV_CACHE_DEFAULT", 0xbaddad);

  /** Copied with minimum {@code iotlb} (4 bytes): a 4-byte copy leaves pagetable_type 0. */
  public static final CStruct iommu_hwpt_selftest =
      REG.struct(
          CStruct.of("iommu_hwpt_selftest", "iotlb", u32("iotlb"), u32("pagetable_type")));

  // ---- IOMMU_HWPT_INVALIDATE entries of the mock ----

  public static final long IOMMU_HWPT_INVALIDATE_DATA_SELFTEST =
      REG.c("iommu_hwpt_invalidate_data_type", "IOMMU_HWPT_INVALIDATE_DATA_SELFTEST",
          0xdeadbeefL);
  public static final long IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID =
      REG.c("iommu_hwpt_invalidate_data_type", "IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID",
          0xdadbeefL);

  /** Defined (identically) in both selftest invalidation structs; declared once here. */
  public static final long IOMMU_TEST_INVALIDATE_FLAG_ALL =
      REG.flag("iommu_test_invalidate_flags", "IOMMU_TEST_INVALIDATE_FLAG_ALL", 1L << 0);

  public static final CStruct iommu_hwpt_invalidate_selftest =
      REG.struct(
          CStruct.of("iommu_hwpt_invalidate_selftest", u32("flags"), u32("iotlb_id")));

  // ---- vIOMMU of the mock ----

  public static final long IOMMU_VIOMMU_TYPE_SELFTEST =
      REG.c("iommu_viommu_type", "IOMMU_VIOMMU_TYPE_SELFTEST", 0xdeadbeefL);

  /** Copied with minimum {@code out_data} (8 bytes); the mmap outputs are optional. */
  public static final CStruct iommu_viommu_selftest =
      REG.struct(
          CStruct.of(
              "iommu_viommu_selftest",
              "out_data",
              u32("in_data"),
              u32("out_data"),
              u64("out_mmap_offset"),
              u64("out_mmap_length")));

  public static final long IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST =
      REG.c("iommu_hwpt_invalidate_data_type", "IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST",
          0xdeadbeefL);
  public static final long IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID =
      REG.c("iommu_hwpt_invalidate_data_type", "IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID",
          0xdadbeefL);

  /** {@code vdev_id} is the vDEVICE's virtual id, not an object id. */
  public static final CStruct iommu_viommu_invalidate_selftest =
      REG.struct(
          CStruct.of(
              "iommu_viommu_invalidate_selftest",
              u32("flags"),
              u32("vdev_id"),
              u32("cache_id")));

  // ---- vEVENTQ of the mock ----

  public static final long IOMMU_VEVENTQ_TYPE_SELFTEST =
      REG.c("iommu_veventq_type", "IOMMU_VEVENTQ_TYPE_SELFTEST", 0xbeefbeefL);

  public static final CStruct iommu_viommu_event_selftest =
      REG.struct(CStruct.of("iommu_viommu_event_selftest", u32("virt_id")));

  // ---- HW queues of the mock ----

  public static final long IOMMU_HW_QUEUE_TYPE_SELFTEST =
      REG.c("iommu_hw_queue_type", "IOMMU_HW_QUEUE_TYPE_SELFTEST", 0xdeadbeefL);
  public static final long IOMMU_TEST_HW_QUEUE_MAX =
      REG.c("iommufd_test", "IOMMU_TEST_HW_QUEUE_MAX", 2);

  private IommufdTestUapi() {}
}
