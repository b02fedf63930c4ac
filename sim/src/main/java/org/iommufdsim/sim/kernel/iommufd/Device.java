package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iommu.IommuDevice;

/** A device bound to an iommufd context (struct iommufd_device); its ID is the dev_id. */
public final class Device extends IommufdObject {
  final IommufdFile ictx;
  final IommuDevice dev;
  final IommufdGroup igroup;
  final boolean enforceCacheCoherency;
  /** Whether this binding holds a reference on the iommufd file (not for mock devices). */
  final boolean holdsCtx;
  /** The device's vdevice (one per device since v6.17), or null. */
  Vdevice vdev;
  /** Faults of a page request group whose last page has not arrived yet (iopf partial list). */
  final java.util.List<Fault.PageRequest> partialFaults = new java.util.ArrayList<>();

  Device(IommufdFile ictx, IommuDevice dev, IommufdGroup igroup, boolean enforceCc,
      boolean holdsCtx) {
    super(ObjType.DEVICE);
    this.ictx = ictx;
    this.dev = dev;
    this.igroup = igroup;
    this.enforceCacheCoherency = enforceCc;
    this.holdsCtx = holdsCtx;
  }

  public IommuDevice dev() {
    return dev;
  }
}
