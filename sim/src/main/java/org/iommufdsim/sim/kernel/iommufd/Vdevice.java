package org.iommufdsim.sim.kernel.iommufd;

/** A device's identity in a vIOMMU (struct iommufd_vdevice): its virtual ID (vSID, vRID...). */
public final class Vdevice extends IommufdObject {
  final Viommu viommu;
  final Device idev;
  final long virtId;

  Vdevice(Viommu viommu, Device idev, long virtId) {
    super(ObjType.VDEVICE);
    this.viommu = viommu;
    this.idev = idev;
    this.virtId = virtId;
  }
}
