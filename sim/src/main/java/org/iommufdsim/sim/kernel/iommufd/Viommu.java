package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.ViommuCore;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.uapi.Errno;

/**
 * A virtual IOMMU (mirrors viommu.c: struct iommufd_viommu): tied to a physical IOMMU instance
 * and a nesting-parent HWPT; holds vdevices by virtual ID, vEVENTQs by type, HW queues and mmap
 * regions of the iommufd fd.
 */
public final class Viommu extends IommufdObject implements ViommuCore {
  final IommufdFile ictx;
  final long vtype;
  final HwptPaging hwpt;
  final IommuDriver driver;
  final String instance;
  final TreeMap<Long, Vdevice> vdevs = new TreeMap<>(Long::compareUnsigned);
  final List<Veventq> veventqs = new ArrayList<>();
  final List<Long> mmapOffsets = new ArrayList<>();
  Object priv;
  boolean initialised;
  /** Live mappings of its regions; each holds a user. */
  int mmapRefs;

  Viommu(IommufdFile ictx, long vtype, HwptPaging hwpt, IommuDriver driver) {
    super(ObjType.VIOMMU);
    this.ictx = ictx;
    this.vtype = vtype;
    this.hwpt = hwpt;
    this.driver = driver;
    this.instance = driver.instance();
  }

  @Override
  public long viommuType() {
    return vtype;
  }

  @Override
  public IommuDomain parentDomain() {
    return hwpt.domain;
  }

  @Override
  public IommuDevice findDev(long virtId) {
    Vdevice v = vdevs.get(virtId);
    return v == null ? null : v.idev.dev;
  }

  @Override
  public long vdevId(IommuDevice dev) {
    for (Vdevice v : vdevs.values()) {
      if (v.idev.dev == dev) {
        return v.virtId;
      }
    }
    return -1;
  }

  @Override
  public long allocMmap(MemObject region, long length) {
    long off = ictx.allocMmap(this, region, length);
    mmapOffsets.add(off);
    return off;
  }

  @Override
  public Errno reportEvent(long type, byte[] payload) {
    for (Veventq q : veventqs) {
      if (q.vtype == type) {
        q.report(payload);
        return null;
      }
    }
    return Errno.EOPNOTSUPP;
  }

  @Override
  public Object priv() {
    return priv;
  }

  @Override
  public void setPriv(Object priv) {
    this.priv = priv;
  }
}
