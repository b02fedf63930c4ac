package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that the PASID-cache sync honours the invalidation granularity as QEMU does: DSI and
 * PASID-selective invalidations only touch entries of their domain (and PASID), and a cached
 * entry is only removed once the guest's PASID entry is gone.
 */
class VtdPasidCacheSyncTest {
  @RegisterExtension final VtdSim sim = new VtdSim();

  @Test
  void dsiForAnotherDomain_neitherAddsNorRemoves() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, 0x5000));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.DSI, 2, 0);
    assertThat(sim.calls()).isEmpty();
    assertThat(sim.vtdHiod.pasidCacheList).isEmpty();
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.DSI, 3, 0);
    assertThat(sim.vtdHiod.pasidCacheList).hasSize(1);
    sim.mark();
    sim.guest.clearPasidEntry(0);
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.DSI, 2, 0);
    assertThat(sim.calls()).isEmpty();
    assertThat(sim.vtdHiod.pasidCacheList).hasSize(1);
  }

  @Test
  void pasidSelective_removesOnlyThatPasid_whenItsEntryIsGone() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, 0x5000));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.PASID_SI, 3, 0);
    assertThat(sim.vtdHiod.pasidCacheList).hasSize(1);
    sim.mark();
    // entry still present: nothing to do (same entry, no re-attach)
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.PASID_SI, 3, 0);
    assertThat(sim.calls()).isEmpty();
    sim.guest.clearPasidEntry(0);
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.PASID_SI, 3, 0);
    assertThat(sim.requests()).containsExactly("ioctl VFIO_DEVICE_DETACH_IOMMUFD_PT",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.vtdHiod.pasidCacheList).isEmpty();
  }
}
