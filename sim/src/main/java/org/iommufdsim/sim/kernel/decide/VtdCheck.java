package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The Intel VT-d driver's own checks (drivers/iommu/intel); each refusal is followed by the
 * core's decision for the driver op that returned it.
 */
public enum VtdCheck implements Check {
  VTD_PAGING_DATA("intel_iommu_domain_alloc_paging_flags", "user_data", EOPNOTSUPP,
      "VT-d paging domains take no driver data"),
  VTD_FS_FLAGS("intel_iommu_domain_alloc_first_stage", "flags & ~PASID", EOPNOTSUPP,
      "a first-stage domain takes only the PASID flag (the second stage is tried next)"),
  VTD_FS_SUPPORTED("intel_iommu_domain_alloc_first_stage", "sm_supported, ECAP.FLTS",
      EOPNOTSUPP, "the unit has no first-stage tables (the second stage is tried next)"),
  VTD_SS_FLAGS("intel_iommu_domain_alloc_second_stage", "flags", EOPNOTSUPP,
      "a second-stage domain takes NEST_PARENT, DIRTY_TRACKING and PASID"),
  VTD_SS_CAPS("intel_iommu_domain_alloc_second_stage", "ECAP.NEST, ECAP.SLADS", EOPNOTSUPP,
      "NEST_PARENT needs nesting support and DIRTY_TRACKING needs second-stage A/D bits"),
  VTD_SS_SUPPORTED("intel_iommu_domain_alloc_second_stage", "ECAP.SLTS", EOPNOTSUPP,
      "the unit has no second-stage tables"),
  VTD_SS_DEPTH("compute_vasz_lg2_ss", "MGAW, SAGAW", EINVAL,
      "no second-stage table depth fits the unit's address width"),
  VTD_COMPAT_PAGING("paging_domain_compatible", "domain type", EINVAL,
      "the domain is not a VT-d paging domain"),
  VTD_COMPAT_FS_KIND("paging_domain_compatible_first_stage", "dirty ops, nest parent", EINVAL,
      "a first-stage domain cannot track dirty pages or be a nesting parent"),
  VTD_COMPAT_FS_TABLES("paging_domain_compatible_first_stage", "sm_supported, ECAP.FLTS",
      EINVAL, "this unit cannot walk first-stage tables"),
  VTD_COMPAT_FS_5LEVEL("paging_domain_compatible_first_stage", "CAP.FL5LP", EINVAL,
      "the domain uses 5-level tables this unit cannot walk"),
  VTD_COMPAT_FS_1G("paging_domain_compatible_first_stage", "CAP.FL1GP", EINVAL,
      "the domain maps 1 GiB pages this unit cannot walk"),
  VTD_COMPAT_SS_DIRTY("paging_domain_compatible_second_stage", "ECAP.SLADS", EINVAL,
      "the domain tracks dirty pages, this unit cannot"),
  VTD_COMPAT_SS_NEST("paging_domain_compatible_second_stage", "ECAP.NEST", EINVAL,
      "the domain is a nesting parent, this unit does not nest"),
  VTD_COMPAT_SS_TABLES("paging_domain_compatible_second_stage", "ECAP.SLTS", EINVAL,
      "this unit cannot walk second-stage tables"),
  VTD_COMPAT_SS_WIDTH("paging_domain_compatible_second_stage", "MGAW vs the table", EINVAL,
      "the domain's address width exceeds this unit's"),
  VTD_COMPAT_SS_SAGAW("paging_domain_compatible_second_stage", "SAGAW vs the table depth",
      EINVAL, "this unit cannot walk a table of the domain's depth"),
  VTD_COMPAT_SS_2M("paging_domain_compatible_second_stage", "CAP.SLLPS 2 MiB", EINVAL,
      "the domain maps 2 MiB pages this unit cannot walk"),
  VTD_COMPAT_SS_1G("paging_domain_compatible_second_stage", "CAP.SLLPS 1 GiB", EINVAL,
      "the domain maps 1 GiB pages this unit cannot walk"),
  VTD_IOPF("intel_iommu_enable_iopf", "PRI of the device", ENODEV,
      "a fault-capable domain needs the device's PRI enabled"),
  VTD_NESTED_DOMAIN("intel_nested_attach_dev", "domain", EINVAL,
      "the domain is not a VT-d nested domain"),
  VTD_PASID_SUPPORTED("intel_iommu_set_dev_pasid", "ECAP.PASID", EOPNOTSUPP,
      "the unit does not do PASIDs"),
  VTD_S1_ADDR_WIDTH("intel_pasid_setup_nested", "addr_width", EINVAL,
      "the guest's address width must be 48, or 57 with 5-level support"),
  VTD_S1_SRE("intel_pasid_setup_nested", "IOMMU_VTD_S1_SRE vs ECAP.SRS", EINVAL,
      "supervisor requests need ECAP.SRS"),
  VTD_S1_EAFE("intel_pasid_setup_nested", "IOMMU_VTD_S1_EAFE vs ECAP.EAFS", EINVAL,
      "extended access flags need ECAP.EAFS"),
  VTD_NESTED_FLAGS("intel_iommu_domain_alloc_nested", "ECAP.NEST, flags & ~PASID",
      EOPNOTSUPP, "the unit must nest and a stage 1 takes only the PASID flag"),
  VTD_NESTED_DATA_TYPE("intel_iommu_domain_alloc_nested", "user_data->type", EOPNOTSUPP,
      "stage-1 data must be IOMMU_HWPT_DATA_VTD_S1"),
  VTD_NESTED_PARENT("intel_iommu_domain_alloc_nested", "parent", EINVAL,
      "the parent must be a second-stage NEST_PARENT domain"),
  VTD_INV_TYPE("intel_nested_cache_invalidate_user", "data_type", EINVAL,
      "entries must be IOMMU_HWPT_INVALIDATE_DATA_VTD_S1"),
  VTD_INV_FLAGS("intel_nested_cache_invalidate_user", "flags & ~LEAF, __reserved",
      EOPNOTSUPP, "the only entry flag is IOMMU_VTD_INV_FLAGS_LEAF; reserved must be 0"),
  VTD_INV_ADDR("intel_nested_cache_invalidate_user", "addr, npages", EINVAL,
      "addr must be 4 KiB aligned, and a flush of everything starts at 0"),
  VTD_HW_INFO_TYPE("intel_iommu_hw_info", "in_data_type", EOPNOTSUPP,
      "VT-d reports DEFAULT or INTEL_VTD information"),
  VTD_SET_DIRTY("intel_iommu_set_dirty_tracking", "domain->dirty_ops", EINVAL,
      "the domain has no dirty tracking");

  private final Check.Spec spec;

  VtdCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
