package org.iommufdsim.sim.kernel.iommufd;

/** A nested HWPT (struct iommufd_hwpt_nested): a stage 1 on a paging parent, maybe via a vIOMMU. */
public final class HwptNested extends HwPagetable {
  final HwptPaging parent;
  final IommufdObject viommu;

  HwptNested(HwptPaging parent, IommufdObject viommu) {
    super(ObjType.HWPT_NESTED);
    this.parent = parent;
    this.viommu = viommu;
  }

  public HwptPaging parent() {
    return parent;
  }
}
