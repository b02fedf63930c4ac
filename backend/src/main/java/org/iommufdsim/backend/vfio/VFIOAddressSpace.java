package org.iommufdsim.backend.vfio;

import java.util.ArrayList;
import java.util.List;

/**
 * Port of {@code VFIOAddressSpace} ({@code hw/vfio/container-base.c}): the containers of one
 * guest {@code AddressSpace}. The caller holds one per address space and passes it where QEMU
 * passes {@code as}; {@code vfio_address_space_get/put} only keep the container list.
 */
public final class VFIOAddressSpace {
  /** {@code containers} (head insertion, as {@code QLIST_INSERT_HEAD}). */
  public final List<VFIOIOMMUFDContainer> containers = new ArrayList<>();

  /** Port of {@code vfio_address_space_insert(space, bcontainer)}. */
  void vfioAddressSpaceInsert(VFIOIOMMUFDContainer bcontainer) {
    containers.add(0, bcontainer);
    bcontainer.space = this;
  }
}
