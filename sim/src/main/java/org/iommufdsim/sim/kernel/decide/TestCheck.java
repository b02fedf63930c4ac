package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The selftest ops of IOMMU_TEST_CMD (selftest.c), as far as the simulator instruments them
 * (the access and mock-check ops record only their lookups and the shared checks they reach).
 */
public enum TestCheck implements Check {
  TEST_OP("iommufd_test", "op", EOPNOTSUPP,
      "the selftest op is unknown (or not modelled by the simulator)"),
  TEST_ADD_RESERVED_LENGTH("iommufd_test_add_reserved", "add_reserved.length", EINVAL,
      "an empty range cannot be reserved"),
  TEST_ADD_RESERVED_OVERFLOW("iommufd_test_add_reserved", "start + length - 1", EOVERFLOW,
      "the range wraps around"),
  TEST_ADD_RESERVED_LOOKUP("iommufd_test_add_reserved", "id", ENOENT,
      "id does not name an IOAS"),
  TEST_MEMORY_LIMIT("iommufd_test", "memory_limit.limit", EINVAL,
      "the temporary memory limit must be at least 12 bytes"),
  TEST_MOCK_DEV_FLAGS("iommufd_test_mock_domain", "dev_flags", EINVAL,
      "only MOCK_FLAGS_DEVICE_NO_DIRTY and MOCK_FLAGS_DEVICE_PASID are defined"),
  TEST_SELFTEST_LOOKUP("iommufd_test_get_selftest_obj", "id", ENOENT,
      "id does not name a selftest device"),
  TEST_PASID_CHECK_NONE("iommufd_test_pasid_check_hwpt", "attached domain with hwpt_id 0",
      EINVAL, "hwpt_id 0 asks that nothing be attached at the PASID"),
  TEST_PASID_CHECK_LOOKUP("iommufd_test_pasid_check_hwpt", "hwpt_id", ENOENT,
      "hwpt_id names no object"),
  TEST_PASID_CHECK_TYPE("iommufd_test_pasid_check_hwpt", "type of hwpt_id", EINVAL,
      "hwpt_id does not name a HWPT"),
  TEST_PASID_CHECK_MATCH("iommufd_test_pasid_check_hwpt", "attached domain", EINVAL,
      "another domain (or none) is attached at the PASID"),
  TEST_IOPF_DEV_LOOKUP("iommufd_test_trigger_iopf", "dev_id", ENOENT,
      "dev_id does not name a bound device"),
  TEST_DMABUF_LENGTH("iommufd_test_dmabuf_get", "length", EINVAL,
      "the test dma-buf is 1 to 512 pages long"),
  TEST_DMABUF_FD("iommufd_test_dmabuf_get", "get_unused_fd_flags", EMFILE,
      "the process has no free fd number"),
  TEST_DMABUF_REVOKE_FD("iommufd_test_dmabuf_revoke", "dmabuf_fd", EBADF,
      "dmabuf_fd is not an open fd"),
  TEST_DMABUF_REVOKE_TYPE("iommufd_test_dmabuf_revoke", "dmabuf_fd", EINVAL,
      "dmabuf_fd is not a test dma-buf"),
  TEST_VEVENT_DEV("iommufd_test_trigger_vevent", "dev_id", ENOENT,
      "dev_id does not name a mock device"),
  TEST_VEVENT_VDEV("iommufd_test_trigger_vevent", "vdev", ENOENT,
      "the device has no vdevice with a non-zero virt_id"),
  TEST_VEVENT_QUEUE("iommufd_viommu_report_event", "vEVENTQ of the type", EOPNOTSUPP,
      "the vIOMMU has no vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST"),
  TEST_IOTLB_LOOKUP("iommufd_test_md_check_iotlb", "id", ENOENT,
      "id does not name a nested HWPT"),
  TEST_IOTLB_MOCK("iommufd_test_md_check_iotlb", "domain", EINVAL,
      "the nested domain is not the mock driver's"),
  TEST_IOTLB_VALUE("iommufd_test_md_check_iotlb", "iotlb[iotlb_id]", EINVAL,
      "the mock IOTLB entry does not hold the expected value"),
  TEST_CACHE_LOOKUP("iommufd_test_dev_check_cache", "id", ENOENT,
      "id does not name a bound device"),
  TEST_CACHE_MOCK("iommufd_test_dev_check_cache", "device (no check in v7.0)", EINVAL,
      "not a mock device: v7.0 reads memory that is not there; the model answers EINVAL"),
  TEST_CACHE_VALUE("iommufd_test_dev_check_cache", "cache[cache_id]", EINVAL,
      "the mock device cache entry does not hold the expected value"),
  TEST_ACCESS_CREATE_FLAGS("iommufd_test_create_access", "flags", EOPNOTSUPP,
      "only MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES is defined"),
  TEST_ACCESS_CREATE_FD("iommufd_test_create_access", "get_unused_fd_flags", ENOMEM,
      "the process has no free fd number for the access"),
  TEST_ACCESS_IOAS_LOOKUP("iommufd_access_attach", "ioas_id", ENOENT,
      "the IOAS to attach the access to does not exist"),
  TEST_ACCESS_LENGTH("iommufd_test_access_pages", "length", ENOMEM,
      "the selftest refuses lengths above its 16 MiB guard"),
  TEST_ACCESS_FLAGS("iommufd_test_access_pages", "flags", EOPNOTSUPP,
      "only MOCK_FLAGS_ACCESS_WRITE and MOCK_FLAGS_ACCESS_SYZ are defined"),
  TEST_ACCESS_FD("iommufd_access_get", "id (an access fd)", EBADFD,
      "id is not a selftest access fd"),
  TEST_ACCESS_NEEDS_PIN("iommufd_access_pin_pages", "access->ops->unmap", EOPNOTSUPP,
      "the access was not created with NEEDS_PIN_PAGES"),
  TEST_ACCESS_ATTACHED("iommufd_access_pin_pages", "access->ioas", ENOENT,
      "the access is not attached to an IOAS"),
  TEST_ACCESS_SAME_PAGES("iommufd_test_check_pages", "uptr", EBADE,
      "a pinned page is not the page behind uptr"),
  TEST_ACCESS_ITEM("iommufd_test_access_item_destroy", "access_pages_id", ENOENT,
      "no such pinned item (an unmap may have dropped it)"),
  TEST_ACCESS_RW_LENGTH("iommufd_test_access_rw", "length", ENOMEM,
      "the selftest refuses lengths above its 16 MiB guard"),
  TEST_ACCESS_RW_FLAGS("iommufd_test_access_rw", "flags", EOPNOTSUPP,
      "only WRITE, SLOW_PATH and SYZ are defined"),
  TEST_ACCESS_RW_UPTR("iommufd_test_access_rw", "uptr", EFAULT,
      "the user buffer must be readable"),
  TEST_MD_LOOKUP("iommufd_get_md_pagetable", "id", ENOENT, "id does not name a paging HWPT"),
  TEST_MD_MOCK("iommufd_get_md_pagetable", "domain->ops", EINVAL,
      "the HWPT's domain is not the mock driver's"),
  TEST_CHECK_MAP_ALIGN("iommufd_test_md_check_pa", "iova, length, uptr", EINVAL,
      "iova, length and uptr must be multiples of the domain's page size"),
  TEST_CHECK_MAP_USER("iommufd_test_md_check_pa", "uptr", EFAULT,
      "the user range must be mapped"),
  TEST_CHECK_MAP_TRANSLATE("iommufd_test_md_check_pa", "iova_to_phys", EINVAL,
      "an IOVA does not translate to the page behind the user address"),
  TEST_CHECK_REFS_ALIGN("iommufd_test_md_check_refs", "length, uptr", EINVAL,
      "length and uptr must be page aligned"),
  TEST_CHECK_REFS_USER("iommufd_test_md_check_refs", "uptr", EFAULT,
      "the user range must be mapped"),
  TEST_CHECK_REFS_COUNT("iommufd_test_md_check_refs", "page pin count", EIO,
      "a page does not have the expected number of pins"),
  TEST_DIRTY_ARGS("iommufd_test_dirty", "page_size, length, iova, uptr", EINVAL,
      "page_size, length and uptr must be non-zero and the range page_size aligned"),
  TEST_DIRTY_ENABLED("iommufd_test_dirty", "dirty tracking on the domain", EINVAL,
      "dirty tracking is not enabled on the domain"),
  TEST_DIRTY_BITMAP("iommufd_test_dirty", "uptr", EFAULT, "the bitmap must be readable");

  private final Check.Spec spec;

  TestCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
