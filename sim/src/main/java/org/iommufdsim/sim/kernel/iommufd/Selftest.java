package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iommu.IommuDevice;

/**
 * The selftest object of IOMMU_TEST_OP_MOCK_DOMAIN (struct selftest_obj, TYPE_IDEV): a mock
 * device, bound and attached; destroying it detaches, unbinds and removes the device.
 */
public final class Selftest extends IommufdObject {
  IommuDevice mockDev;
  Device idev;

  Selftest() {
    super(ObjType.SELFTEST);
  }

  public Device idev() {
    return idev;
  }
}
