package org.iommufdsim.backend.vfio;

import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Migration;

/**
 * Port of the backend half of {@code hw/vfio/cpr-iommufd.c}: what
 * {@code iommufd_backend_connect()} and {@code _disconnect()} call to take part in CPR
 * (checkpoint/restart). On the first user, the backend probes
 * {@code IOMMU_IOAS_CHANGE_PROCESS}; if the kernel refuses it, a CPR migration blocker is
 * installed, else the {@code "iommufd"} vmstate (whose hooks re-probe and change the process)
 * is registered.
 *
 * <p>Ported from the tree that has commit b406ea9f03 ("cpr-iommufd: fix blocker return value
 * and modes"), whose fixed text was not read: registration fails exactly when adding the
 * blocker fails.
 */
public final class CprIommufd {
  /** {@code iommufd_cpr_vmstate.name}. */
  public static final String VMSTATE_NAME = "iommufd";

  private CprIommufd() {}

  /** Port of {@code vfio_cpr_supported(be, errp)} ({@code hw/vfio/cpr-iommufd.c}). */
  static boolean vfioCprSupported(IOMMUFDBackend be, Errp errp) {
    if (!be.iommufdChangeProcessCapable()) {
      errp.setg("vfio iommufd backend does not support IOMMU_IOAS_CHANGE_PROCESS");
      return false;
    }
    return true;
  }

  /** Port of {@code iommufd_cpr_pre_save(opaque)}: 0, or -1 with an error report. */
  static int iommufdCprPreSave(IOMMUFDBackend be) {
    if (!be.iommufdChangeProcessCapable()) {
      be.qemu().stderr().errorReport(
          "some memory regions do not support IOMMU_IOAS_CHANGE_PROCESS");
      return -1;
    }
    return 0;
  }

  /** Port of {@code iommufd_cpr_post_load(opaque, version_id)}. */
  static int iommufdCprPostLoad(IOMMUFDBackend be) {
    Errp localErr = Errp.local();
    if (!be.iommufdChangeProcess(localErr)) {
      be.qemu().stderr().errorReportErr(localErr);
      return -1;
    }
    return 0;
  }

  /** Port of {@code vfio_iommufd_cpr_register_iommufd(be, errp)}. */
  public static boolean vfioIommufdCprRegisterIommufd(IOMMUFDBackend be, Errp errp) {
    Errp cprBlocker = Errp.local();
    Migration m = be.qemu().migration();
    if (!vfioCprSupported(be, cprBlocker)) {
      be.setCprBlocker(cprBlocker.get().orElseThrow());
      if (m.migrateAddBlockerModes(be.cprBlocker(), errp) != 0) {
        be.setCprBlocker(null);
        return false;
      }
      return true;
    }
    m.vmstateRegister(new Migration.Vmstate(VMSTATE_NAME, be, () -> iommufdCprPreSave(be),
        () -> iommufdCprPostLoad(be)));
    return true;
  }

  /** Port of {@code vfio_iommufd_cpr_unregister_iommufd(be)}. */
  public static void vfioIommufdCprUnregisterIommufd(IOMMUFDBackend be) {
    Migration m = be.qemu().migration();
    m.vmstateUnregister(VMSTATE_NAME, be);
    if (be.cprBlocker() != null) {
      m.migrateDelBlocker(be.cprBlocker());
      be.setCprBlocker(null);
    }
  }
}
