package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The Arm SMMUv3 driver's own checks (arm-smmu-v3); each refusal is followed by the core's
 * decision for the driver op that returned it.
 */
public enum SmmuCheck implements Check {
  SMMU_PAGING_FLAGS("arm_smmu_domain_alloc_paging_flags", "flags, user_data", EOPNOTSUPP,
      "the SMMU takes DIRTY_TRACKING, PASID and NEST_PARENT, and no driver data"),
  SMMU_PAGING_NEST("arm_smmu_domain_alloc_paging_flags", "S1P and S2P", EOPNOTSUPP,
      "a nesting parent needs an SMMU with both stages"),
  SMMU_PAGING_S1("arm_smmu_domain_alloc_paging_flags", "stage 1", EOPNOTSUPP,
      "DIRTY_TRACKING and PASID need a stage-1 domain"),
  SMMU_PAGING_COMBO("arm_smmu_domain_alloc_paging_flags", "NEST_PARENT with other flags",
      EOPNOTSUPP, "NEST_PARENT takes no other flag"),
  SMMU_NESTED_OP("arm_smmu_ops.domain_alloc_nested", "(none)", EOPNOTSUPP,
      "SMMUv3 nested domains come from a vIOMMU, not from a parent HWPT"),
  SMMU_ATTACH_OWNER("arm_smmu_attach_dev", "domain of this SMMU", EINVAL,
      "the domain belongs to another SMMU or driver"),
  SMMU_ATTACH_SSIDS("arm_smmu_attach_dev", "arm_smmu_ssids_in_use", EBUSY,
      "with PASIDs attached the STE must keep its CD table: no stage-2 or nested domain"),
  SMMU_ATTACH_VDEV("arm_smmu_attach_dev_nested", "iommufd_viommu_get_vdev_id", ENOENT,
      "a translating vSTE needs the device's vdevice on the vIOMMU"),
  SMMU_PASID_PAGING("iommu_attach_device_pasid", "domain->ops->set_dev_pasid", EOPNOTSUPP,
      "a nested domain cannot be attached at a PASID"),
  SMMU_PASID_S1("arm_smmu_s1_set_dev_pasid", "stage-1 domain of this SMMU", EINVAL,
      "only a stage-1 domain of this SMMU goes in a CD"),
  SMMU_PASID_RID("arm_smmu_set_pasid", "the RID's STE", EINVAL,
      "the RID is on a stage-2 or nested domain, so its STE has no CD table"),
  SMMU_HW_INFO_TYPE("arm_smmu_hw_info", "in_data_type", EOPNOTSUPP,
      "SMMUv3 reports DEFAULT or ARM_SMMUV3 information"),
  SMMU_VIOMMU_PARENT("arm_vsmmu_init", "parent domain", EINVAL,
      "the vIOMMU's parent must be a domain of this SMMU"),
  SMMU_NESTED_FLAGS("arm_vsmmu_alloc_domain_nested", "flags", EOPNOTSUPP,
      "vSTE domains take no flags"),
  SMMU_VSTE("arm_smmu_validate_vste", "vSTE", EIO,
      "the guest's STE sets fields outside nesting, or a Config or EATS not allowed"),
  SMMU_INV_ARRAY("arm_vsmmu_cache_invalidate", "data_type, entry_num", EINVAL,
      "commands must be IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, and at least one"),
  SMMU_CMD_SID("arm_vsmmu_convert_user_cmd", "vSID", EIO,
      "no vdevice of this vIOMMU has the command's vSID"),
  SMMU_CMD_OPCODE("arm_vsmmu_convert_user_cmd", "opcode", EIO,
      "the guest may issue only TLBI, ATC_INV and CFGI_CD commands");

  private final Check.Spec spec;

  SmmuCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
