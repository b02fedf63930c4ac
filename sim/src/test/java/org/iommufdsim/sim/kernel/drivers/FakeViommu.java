package org.iommufdsim.sim.kernel.drivers;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.ViommuCore;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.uapi.Errno;

/** A vIOMMU object as the iommufd core would show it to a driver, with a vEVENTQ switch. */
final class FakeViommu implements ViommuCore {
  final long type;
  final IommuDomain parent;
  final TreeMap<Long, IommuDevice> vdevs = new TreeMap<>();
  final List<byte[]> events = new ArrayList<>();
  long queueType = -1;
  private Object priv;

  FakeViommu(long type, IommuDomain parent) {
    this.type = type;
    this.parent = parent;
  }

  @Override
  public long viommuType() {
    return type;
  }

  @Override
  public IommuDomain parentDomain() {
    return parent;
  }

  @Override
  public IommuDevice findDev(long virtId) {
    return vdevs.get(virtId);
  }

  @Override
  public long vdevId(IommuDevice dev) {
    return vdevs.entrySet().stream().filter(e -> e.getValue() == dev).mapToLong(e -> e.getKey())
        .findFirst().orElse(-1);
  }

  @Override
  public long allocMmap(MemObject region, long length) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Errno reportEvent(long type, byte[] payload) {
    if (type != queueType) {
      return Errno.EOPNOTSUPP;
    }
    events.add(payload);
    return null;
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
