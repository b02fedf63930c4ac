package org.iommufdsim.sim.kernel.iommu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device behind an IOMMU (struct device with its dev_iommu): the driver and physical IOMMU
 * instance it sits behind, its group, its capabilities and reserved regions, and the domains
 * the IOMMU core has it attached to (at its RID and at each PASID).
 */
public final class IommuDevice {
  /** A reserved region (iommu_get_resv_regions); {@code swMsi} marks IOMMU_RESV_SW_MSI. */
  public record ReservedRegion(long start, long last, boolean swMsi) {}

  private final String name;
  private final IommuDriver driver;
  private final IommuGroup group;
  private final int pasidBits;
  private final boolean dirtyCapable;
  private final boolean pri;
  private final List<ReservedRegion> reservedRegions = new ArrayList<>();
  private IommuDomain ridDomain;
  private final TreeMap<Integer, IommuDomain> pasidDomains = new TreeMap<>();
  /** Driver-private per-device state (the mock's cache, a vSID, ...). */
  private final Object priv;
  private boolean removed;
  /** Page responses the device received (iommu_page_response), in order. */
  private final List<PageResponse> responses = new ArrayList<>();

  /** A page response as the device sees it. */
  public record PageResponse(int pasid, boolean pasidValid, int grpid, int code) {}

  public IommuDevice(String name, IommuDriver driver, IommuGroup group, int pasidBits,
      boolean dirtyCapable, boolean pri, Object priv) {
    this.name = name;
    this.driver = driver;
    this.group = group;
    this.pasidBits = pasidBits;
    this.dirtyCapable = dirtyCapable;
    this.pri = pri;
    this.priv = priv;
    group.add(this);
  }

  public String name() {
    return name;
  }

  public IommuDriver driver() {
    return driver;
  }

  public IommuGroup group() {
    return group;
  }

  /** log2 of the number of PASIDs; 0 when the device has no PASID support. */
  public int pasidBits() {
    return pasidBits;
  }

  public boolean dirtyCapable() {
    return dirtyCapable;
  }

  public boolean pri() {
    return pri;
  }

  /** A PCI virtual function (pdev->is_virtfn): its PRI is shared with the PF. */
  private boolean virtfn;

  public boolean virtfn() {
    return virtfn;
  }

  public void setVirtfn(boolean vf) {
    virtfn = vf;
  }

  public List<ReservedRegion> reservedRegions() {
    return reservedRegions;
  }

  public Object priv() {
    return priv;
  }

  /** The domain attached at the RID (null means the blocked default). */
  public IommuDomain ridDomain() {
    return ridDomain;
  }

  public void setRidDomain(IommuDomain d) {
    ridDomain = d;
  }

  public IommuDomain pasidDomain(int pasid) {
    return pasidDomains.get(pasid);
  }

  public void setPasidDomain(int pasid, IommuDomain d) {
    if (d == null) {
      pasidDomains.remove(pasid);
    } else {
      pasidDomains.put(pasid, d);
    }
  }

  public Map<Integer, IommuDomain> pasidDomains() {
    return java.util.Collections.unmodifiableMap(pasidDomains);
  }

  public List<PageResponse> responses() {
    return responses;
  }

  public void respond(PageResponse r) {
    responses.add(r);
  }

  /** The VFIO device file bound to an iommufd (one binding per device), or null. */
  private Object boundFile;

  public Object boundFile() {
    return boundFile;
  }

  public void setBoundFile(Object f) {
    boundFile = f;
  }

  public boolean removed() {
    return removed;
  }

  public void markRemoved() {
    removed = true;
  }

  @Override
  public String toString() {
    return name;
  }
}
