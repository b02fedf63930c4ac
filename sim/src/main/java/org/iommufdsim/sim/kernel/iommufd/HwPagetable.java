package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iommu.IommuDomain;

/**
 * A HW page table (mirrors iommufd_private.h: struct iommufd_hw_pagetable): a domain, maybe a
 * fault object faults are delivered to, and whether it may be attached at a PASID.
 */
public abstract sealed class HwPagetable extends IommufdObject permits HwptPaging, HwptNested {
  IommuDomain domain;
  Fault fault;
  boolean pasidCompat;

  HwPagetable(ObjType type) {
    super(type);
  }

  public IommuDomain domain() {
    return domain;
  }

  public Fault fault() {
    return fault;
  }

  public boolean pasidCompat() {
    return pasidCompat;
  }
}
