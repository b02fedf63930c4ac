package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The selftest mock IOMMU driver's own checks (selftest.c); each refusal is followed by the
 * core's decision for the driver op that returned it.
 */
public enum MockCheck implements Check {
  MOCK_PAGING_FLAGS("mock_domain_alloc_paging_flags", "flags, NO_DIRTY device", EOPNOTSUPP,
      "the mock takes DIRTY_TRACKING, NEST_PARENT and PASID, and no dirty tracking on a"
          + " NO_DIRTY device"),
  MOCK_PAGING_DATA_TYPE("mock_domain_alloc_paging_flags", "user_data->type", EOPNOTSUPP,
      "paging user data must be IOMMU_HWPT_DATA_SELFTEST"),
  MOCK_PAGING_PT_TYPE("mock_domain_alloc_pgtable", "pagetable_type", EOPNOTSUPP,
      "the mock knows the DEFAULT, HUGE and AMDV1 page table formats"),
  MOCK_NESTED_FLAGS("mock_domain_alloc_nested", "flags & ~ALLOC_PASID", EOPNOTSUPP,
      "a mock stage 1 takes only IOMMU_HWPT_ALLOC_PASID"),
  MOCK_NESTED_PARENT("mock_domain_alloc_nested", "parent domain", EINVAL,
      "the parent must be a mock paging domain"),
  MOCK_NESTED_DATA_TYPE("mock_domain_alloc_nested", "user_data->type", EOPNOTSUPP,
      "stage-1 data must be IOMMU_HWPT_DATA_SELFTEST"),
  MOCK_ATTACH_DIRTY("mock_domain_nop_attach", "dirty ops vs NO_DIRTY device", EINVAL,
      "a dirty-tracking domain cannot take a NO_DIRTY device"),
  MOCK_ATTACH_VDEV("mock_domain_nop_attach", "vdevice on the domain's vIOMMU", ENOENT,
      "a nested domain made through a vIOMMU needs the device's vdevice there"),
  MOCK_PASID_1024("mock_domain_set_dev_pasid_nop", "pasid 1024 replace hook", ENOMEM,
      "the selftest's reserved PASID fails its second attach on purpose"),
  MOCK_HW_INFO_TYPE("mock_domain_hw_info", "in_data_type", EOPNOTSUPP,
      "the mock reports DEFAULT or SELFTEST information"),
  MOCK_INVALIDATE_TYPE("mock_domain_cache_invalidate_user", "data_type", EINVAL,
      "entries must be IOMMU_HWPT_INVALIDATE_DATA_SELFTEST"),
  MOCK_INVALIDATE_FLAGS("mock_domain_cache_invalidate_user", "entry flags", EOPNOTSUPP,
      "the only entry flag is IOMMU_TEST_INVALIDATE_FLAG_ALL"),
  MOCK_INVALIDATE_ID("mock_domain_cache_invalidate_user", "iotlb_id", EINVAL,
      "iotlb_id is beyond MOCK_NESTED_DOMAIN_IOTLB_ID_MAX"),
  MOCK_VIOMMU_COPY_OUT("mock_viommu_init", "data_uptr", EFAULT,
      "the results are written back into the user data, which must be writable"),
  MOCK_VIOMMU_INV_FLAGS("mock_viommu_cache_invalidate", "entry flags", EOPNOTSUPP,
      "the only entry flag is IOMMU_TEST_INVALIDATE_FLAG_ALL"),
  MOCK_VIOMMU_INV_CACHE("mock_viommu_cache_invalidate", "cache_id", EINVAL,
      "cache_id is beyond MOCK_DEV_CACHE_ID_MAX"),
  MOCK_VIOMMU_INV_VDEV("mock_viommu_cache_invalidate", "vdev_id", EINVAL,
      "vdev_id names no mock device of this vIOMMU"),
  MOCK_HW_QUEUE_INDEX("mock_hw_queue_init_phys", "index", EINVAL,
      "index is beyond IOMMU_TEST_HW_QUEUE_MAX"),
  MOCK_HW_QUEUE_TAKEN("mock_hw_queue_init_phys", "index", EEXIST,
      "a queue with this index exists"),
  MOCK_HW_QUEUE_ORDER("mock_hw_queue_init_phys", "index - 1", EIO,
      "queues are made in index order: the one before must exist"),
  MOCK_SET_DIRTY("mock_domain_set_dirty_tracking", "domain->dirty_ops", EINVAL,
      "the domain has no dirty tracking");

  private final Check.Spec spec;

  MockCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
