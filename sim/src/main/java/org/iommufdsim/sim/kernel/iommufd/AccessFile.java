package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.kernel.fs.KFile;

/** The fd of a selftest access, "[iommufd_test_staccess]"; closing it destroys the access. */
final class AccessFile extends KFile {
  Access access;

  @Override
  public String describe() {
    return "anon_inode:[iommufd_test_staccess]";
  }

  /** iommufd_test_staccess_release: detach (dropping every item), then destroy the access. */
  @Override
  protected void release() {
    if (access != null) {
      AccessOps.destroyExternal(access);
      access = null;
    }
  }
}
