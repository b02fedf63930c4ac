package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iopt.IoPagetable;

/**
 * iommufd_access_notify_unmap: asks every external access on an IOAS to drop its pins in a
 * range about to be unmapped.
 */
final class Accesses implements IoPagetable.AccessNotifier {
  private final IommufdFile ictx;
  private final Ioas ioas;

  Accesses(IommufdFile ictx, Ioas ioas) {
    this.ictx = ictx;
    this.ioas = ioas;
  }

  /** iommufd_access_notify_unmap: each access's unmap callback (the selftest's drops items). */
  @Override
  public void notifyUnmap(long iova, long length) {
    long last = iova + length - 1;
    for (Access a : java.util.List.copyOf(ioas.accesses)) {
      AccessOps.unmapCallback(a, iova, last);
    }
  }
}
