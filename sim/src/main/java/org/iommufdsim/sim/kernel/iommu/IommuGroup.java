package org.iommufdsim.sim.kernel.iommu;

import java.util.ArrayList;
import java.util.List;

/** An IOMMU group: the devices that must share a domain (here usually one device). */
public final class IommuGroup {
  private final int id;
  private final List<IommuDevice> devices = new ArrayList<>();
  /** Who owns DMA for the group (iommu_device_claim_dma_owner), or null. */
  private Object dmaOwner;
  private int ownerCount;

  public IommuGroup(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  public List<IommuDevice> devices() {
    return devices;
  }

  void add(IommuDevice d) {
    devices.add(d);
  }

  /** iommu_device_claim_dma_owner: false (EBUSY) if another owner holds the group. */
  public boolean claimDmaOwner(Object owner) {
    if (dmaOwner != null && dmaOwner != owner) {
      return false;
    }
    dmaOwner = owner;
    ownerCount++;
    return true;
  }

  public void releaseDmaOwner() {
    if (--ownerCount == 0) {
      dmaOwner = null;
    }
  }

  @Override
  public String toString() {
    return "group " + id;
  }
}
