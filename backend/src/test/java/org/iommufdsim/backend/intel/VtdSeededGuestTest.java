package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.junit.jupiter.api.Test;

/**
 * Proves that the seeded guest model is deterministic and that, for any seeded PASID table,
 * syncing it and then clearing it leaves the kernel without first-stage HWPTs, fault queues or
 * fault fds, with its invariants intact.
 */
class VtdSeededGuestTest {
  private static List<String> run(long seed) {
    VtdSim sim = new VtdSim();
    sim.beforeEach(null);
    GuestVtd seeded = GuestVtd.seeded(seed, 4);
    seeded.pasidTable().forEach(sim.guest::setPasidEntry);
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    assertThat(sim.host.checkInvariants()).isEmpty();
    for (Integer p : List.copyOf(sim.guest.pasidTable().keySet())) {
      sim.guest.clearPasidEntry(p);
    }
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    assertThat(sim.host.checkInvariants()).as("seed " + seed).isEmpty();
    assertThat(sim.host.stateDump()).as("seed " + seed).doesNotContain("FAULT")
        .doesNotContain("HWPT_NESTED").doesNotContain("pgfault");
    assertThat(sim.vtdHiod.pasidCacheList).isEmpty();
    assertThat(sim.accel.fdHandlers()).isEmpty();
    return sim.host.trace();
  }

  @Test
  void sameSeed_sameGuest_sameSyscalls() {
    assertThat(GuestVtd.seeded(42, 6).pasidTable()).isEqualTo(GuestVtd.seeded(42, 6).pasidTable());
    assertThat(run(42)).isEqualTo(run(42));
  }

  @Test
  void anySeed_syncThenClear_leavesNothingBehind() {
    for (long seed = 1; seed <= 30; seed++) {
      run(seed);
    }
  }
}
