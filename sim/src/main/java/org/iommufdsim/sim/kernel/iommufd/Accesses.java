package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.iopt.IoPagetable;

/**
 * iommufd_access_notify_unmap: asks every external access on an IOAS to drop its pins in a
 * range about to be unmapped. No access kind is modelled yet, so there is nobody to notify.
 */
final class Accesses implements IoPagetable.AccessNotifier {
  private final IommufdFile ictx;
  private final Ioas ioas;

  Accesses(IommufdFile ictx, Ioas ioas) {
    this.ictx = ictx;
    this.ioas = ioas;
  }

  @Override
  public void notifyUnmap(long iova, long length) {
    // Accesses arrive with the selftest access objects; until then no area has numAccesses.
  }
}
