package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * HW page tables (hw_pagetable.c): allocation with every FAULT_ID_VALID rule, driver data,
 * invalidation, dirty tracking, and IOMMU_GET_HW_INFO (device.c).
 */
public enum HwptCheck implements Check {
  HWPT_ALLOC_RESERVED("iommufd_hwpt_alloc", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  HWPT_ALLOC_DATA_LEN("iommufd_hwpt_alloc", "data_type NONE <=> data_len 0", EINVAL,
      "driver data comes with a type: no type means no data, a type needs data"),
  HWPT_ALLOC_DEV_LOOKUP("iommufd_hwpt_alloc", "dev_id", ENOENT,
      "dev_id does not name a bound device"),
  HWPT_ALLOC_PT_LOOKUP("iommufd_hwpt_alloc", "pt_id", EINVAL,
      "pt_id names no object (this ioctl answers EINVAL, not ENOENT)"),
  HWPT_ALLOC_PT_TYPE("iommufd_hwpt_alloc", "type of pt_id", EINVAL,
      "only an IOAS, a nesting parent HWPT or a vIOMMU can back a new HWPT"),
  HWPT_PAGING_FLAGS("iommufd_hwpt_paging_alloc",
      "flags & ~(NEST_PARENT|DIRTY_TRACKING|FAULT_ID_VALID|PASID)", EOPNOTSUPP,
      "only NEST_PARENT, DIRTY_TRACKING, FAULT_ID_VALID and PASID are defined"),
  HWPT_PAGING_DIRTY("iommufd_hwpt_paging_alloc", "DIRTY_TRACKING vs the IOMMU", EOPNOTSUPP,
      "dirty tracking was asked of an IOMMU that cannot track dirty pages"),
  HWPT_PAGING_FAULT_NEST_PARENT("iommufd_hwpt_paging_alloc",
      "FAULT_ID_VALID && NEST_PARENT", EOPNOTSUPP,
      "a nesting parent (stage 2) cannot report I/O page faults to user space"),
  DRIVER_DOMAIN_ALLOC_PAGING("ops->domain_alloc_paging_flags", "flags, user data", null,
      "the IOMMU driver refused to make a paging domain for this device"),
  ADD_DOMAIN_PAGE_SIZE("iopt_table_add_domain", "domain's smallest IO page", EINVAL,
      "the domain cannot map pages as small as the CPU's PAGE_SIZE"),
  ADD_DOMAIN_ALIGNMENT("iopt_table_add_domain", "existing areas vs new alignment", EADDRINUSE,
      "the domain's IO page size would leave an existing area misaligned"),
  RESERVE_IOVA_BUSY("iopt_reserve_iova", "areas and allowed ranges", EADDRINUSE,
      "the range to reserve (aperture edge, MSI window) is already mapped or allowed"),
  HWPT_NESTED_FLAGS("iommufd_hwpt_nested_alloc",
      "flags & ~(FAULT_ID_VALID|PASID), data_len, ops->domain_alloc_nested", EOPNOTSUPP,
      "a stage 1 takes only FAULT_ID_VALID and PASID, needs driver data and a driver that"
          + " nests"),
  HWPT_NESTED_PARENT("iommufd_hwpt_nested_alloc", "parent", EINVAL,
      "the parent must be a user-made NEST_PARENT HWPT of the same driver"),
  DRIVER_DOMAIN_ALLOC_NESTED("ops->domain_alloc_nested", "user data", null,
      "the IOMMU driver refused the stage-1 description"),
  USER_DATA_TYPE("iommu_copy_struct_from_user", "data_type", EINVAL,
      "the driver expects another data type"),
  USER_DATA_LEN("iommu_copy_struct_from_user", "data_len", EINVAL,
      "data_len must lie between the struct's minimum and its full size"),
  USER_DATA_READ("iommu_copy_struct_from_user", "data_uptr", EFAULT,
      "the driver data must be readable user memory"),
  HWPT_ALLOC_FAULT_LOOKUP("iommufd_hwpt_alloc", "fault_id", ENOENT,
      "with FAULT_ID_VALID, fault_id must name a fault queue"),
  INVALIDATE_RESERVED("iommufd_hwpt_invalidate", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  INVALIDATE_ARRAY("iommufd_hwpt_invalidate", "entry_num, data_uptr, entry_len", EINVAL,
      "a non-empty array needs a pointer and an entry size"),
  INVALIDATE_LOOKUP("iommufd_hwpt_invalidate", "hwpt_id", ENOENT, "hwpt_id names no object"),
  INVALIDATE_TYPE("iommufd_hwpt_invalidate", "type of hwpt_id", EINVAL,
      "only a nested HWPT or a vIOMMU takes cache invalidations"),
  INVALIDATE_NESTED_OP("iommufd_hwpt_invalidate", "domain->ops->cache_invalidate_user",
      EOPNOTSUPP, "this nested HWPT's driver takes no invalidations on the HWPT (SMMUv3 takes"
          + " them on its vIOMMU)"),
  INVALIDATE_VIOMMU_OP("iommufd_hwpt_invalidate", "viommu->ops->cache_invalidate",
      EOPNOTSUPP, "this vIOMMU's driver has no cache invalidation"),
  DRIVER_CACHE_INVALIDATE("ops->cache_invalidate_user", "entries", null,
      "the IOMMU driver refused an invalidation entry (entry_num says how many it took)"),
  USER_ARRAY_TYPE("iommu_copy_struct_from_user_array", "data_type", EINVAL,
      "the driver expects another data type"),
  USER_ARRAY_EMPTY("iommu_copy_struct_from_full_user_array", "entry_num", EINVAL,
      "the driver needs at least one entry"),
  USER_ARRAY_ENTRY_LEN("iommu_copy_struct_from_user_array", "entry_len", EINVAL,
      "entry_len must lie between the entry struct's minimum and its full size"),
  USER_ARRAY_READ("iommu_copy_struct_from_user_array", "data_uptr[i]", EFAULT,
      "each entry must be readable user memory"),
  USER_ARRAY_TAIL("copy_struct_from_user", "bytes of an entry past the struct", E2BIG,
      "a larger entry than the kernel knows must be zero past the known struct"),
  SET_DIRTY_FLAGS("iommufd_hwpt_set_dirty_tracking", "flags & ~ENABLE", EOPNOTSUPP,
      "only IOMMU_HWPT_DIRTY_TRACKING_ENABLE is defined"),
  SET_DIRTY_LOOKUP("iommufd_hwpt_set_dirty_tracking", "hwpt_id", ENOENT,
      "hwpt_id does not name a paging HWPT"),
  SET_DIRTY_SUPPORTED("iopt_set_dirty_tracking", "domain->dirty_ops", EOPNOTSUPP,
      "the HWPT was not allocated with DIRTY_TRACKING"),
  DRIVER_SET_DIRTY_TRACKING("dirty_ops->set_dirty_tracking", "enable", null,
      "the IOMMU driver refused to switch dirty tracking"),
  GET_DIRTY_FLAGS("iommufd_hwpt_get_dirty_bitmap", "flags & ~NO_CLEAR, __reserved",
      EOPNOTSUPP, "only NO_CLEAR is defined and reserved fields must be 0"),
  GET_DIRTY_LOOKUP("iommufd_hwpt_get_dirty_bitmap", "hwpt_id", ENOENT,
      "hwpt_id does not name a paging HWPT"),
  GET_DIRTY_OVERFLOW("iopt_read_and_clear_dirty_data", "iova + length - 1", EOVERFLOW,
      "the IOVA range wraps around"),
  GET_DIRTY_ALIGNED("iopt_read_and_clear_dirty_data", "iova, length vs iova_alignment",
      EINVAL, "the range must start and end on the IOAS's IOVA alignment"),
  GET_DIRTY_PAGE_SIZE("iopt_read_and_clear_dirty_data", "page_size", EINVAL,
      "page_size must not be 0"),
  GET_DIRTY_PAGE_MULTIPLE("iopt_read_and_clear_dirty_data", "iova, length vs page_size",
      EINVAL, "the range must start and end on a page_size boundary"),
  GET_DIRTY_SUPPORTED("iopt_read_and_clear_dirty_data", "domain->dirty_ops", EOPNOTSUPP,
      "the HWPT has no dirty tracking"),
  HW_INFO_FLAGS("iommufd_get_hw_info", "flags & ~INPUT_TYPE", EOPNOTSUPP,
      "only IOMMU_HW_INFO_FLAG_INPUT_TYPE is defined"),
  HW_INFO_RESERVED("iommufd_get_hw_info", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  HW_INFO_DEV_LOOKUP("iommufd_get_hw_info", "dev_id", ENOENT,
      "dev_id does not name a bound device"),
  DRIVER_HW_INFO("ops->hw_info", "in_data_type", null,
      "the IOMMU driver cannot report information of the requested type");

  private final Check.Spec spec;

  HwptCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
