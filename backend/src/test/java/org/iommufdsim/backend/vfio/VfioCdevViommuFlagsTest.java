package org.iommufdsim.backend.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that the auto-domain HWPT flags follow the device's vIOMMU as QEMU decides: a
 * nesting-parent request adds {@code NEST_PARENT} and drops {@code DIRTY_TRACKING} unless the
 * vIOMMU opts in, and the bypass-RO quirk marks the container.
 */
class VfioCdevViommuFlagsTest {
  @RegisterExtension final VfioSim sim = new VfioSim();

  private int allocatedFlags(long viommuFlags, boolean bypassRo) {
    VFIODevice d0 = sim.dev("dev0");
    d0.viommu = new VFIODevice.Viommu() {
      @Override
      public long getViommuFlags() {
        return viommuFlags;
      }

      @Override
      public boolean hostIommuQuirkBypassRo(int type, long caps, int size) {
        assertThat(type).isEqualTo(0xfeedbeef);
        assertThat(caps).isNotZero();
        return bypassRo;
      }
    };
    assertThat(VfioIommufd.iommufdCdevAttach("dev0", d0, sim.space, Errp.abort())).isTrue();
    int flags = d0.hwpt.hwptFlags;
    assertThat(d0.bcontainer.bypassRo).isEqualTo(bypassRo
        && (viommuFlags & VFIODevice.VIOMMU_FLAG_WANT_NESTING_PARENT) != 0);
    assertThat(sim.traced()).anySatisfy(l -> assertThat(l)
        .startsWith("iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=2 flags=0x"
            + Integer.toHexString(flags) + " "));
    VfioIommufd.iommufdCdevDetach(d0);
    return flags;
  }

  @Test
  void noViommuWish_dirtyTrackingOnly() {
    assertThat(allocatedFlags(0, true)).isEqualTo(0x2);
  }

  @Test
  void nestingParent_withoutDirtyOptIn_dropsDirtyTracking() {
    assertThat(allocatedFlags(VFIODevice.VIOMMU_FLAG_WANT_NESTING_PARENT, false))
        .isEqualTo(0x1);
  }

  @Test
  void nestingParent_withDirtyOptIn_andBypassRoQuirk() {
    assertThat(allocatedFlags(VFIODevice.VIOMMU_FLAG_WANT_NESTING_PARENT
        | VFIODevice.VIOMMU_FLAG_WANT_NESTING_DIRTY, true)).isEqualTo(0x3);
  }
}
