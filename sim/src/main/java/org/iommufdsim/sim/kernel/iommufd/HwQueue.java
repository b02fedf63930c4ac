package org.iommufdsim.sim.kernel.iommufd;

/**
 * A HW queue of a vIOMMU (struct iommufd_hw_queue): guest memory pinned through an internal
 * access, handed to the driver; queues may depend on each other.
 */
public final class HwQueue extends IommufdObject {
  final Viommu viommu;
  final long qtype;
  final long index;
  final long baseIova;
  final long length;
  Access access;
  HwQueue dependsOn;
  boolean viommuHeld;
  boolean initialised;

  HwQueue(Viommu viommu, long qtype, long index, long baseIova, long length) {
    super(ObjType.HW_QUEUE);
    this.viommu = viommu;
    this.qtype = qtype;
    this.index = index;
    this.baseIova = baseIova;
    this.length = length;
  }
}
