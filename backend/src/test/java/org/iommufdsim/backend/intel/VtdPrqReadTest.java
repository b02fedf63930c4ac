package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves how QEMU's fault-fd read handler behaves against the v7.0 kernel when nothing is
 * queued: the kernel's {@code iommufd_fault_fops_read} never blocks and returns 0 (so the
 * {@code O_NONBLOCK}/{@code EAGAIN} branch is dead), which QEMU reports — once — as "fault
 * group too big", and a response for a group the guest never got is not written.
 */
class VtdPrqReadTest {
  @RegisterExtension final VtdSim sim = new VtdSim();

  @BeforeEach
  void attach() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, 0x1234_5000L));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    sim.mark();
  }

  @Test
  void emptyRead_returnsZero_reportedOnceAsFaultGroupTooBig_qemuHazard() {
    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    sim.accel.vtdPrqReadFault(pce);
    sim.accel.vtdPrqReadFault(pce);
    assertThat(sim.calls()).containsExactly("read(5, 0x100000000000, 4000) = 0",
        "read(5, 0x100000000000, 4000) = 0");
    assertThat(sim.traced()).containsExactly("vtd_prq_read_fault fault_id 4 fault_fd 5 bytes 0",
        "vtd_prq_read_fault fault_id 4 fault_fd 5 bytes 0");
    assertThat(sim.stderr()).containsExactly("FAULTQ(id 4): fault group too big");
    assertThat(sim.guest.pageRequests()).isEmpty();
  }

  @Test
  void responseForAnUnknownGroup_writesNothing() {
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0,
        new GuestVtd.PageGroupResponse(VtdSim.DEVFN, 0, 9, 0))).isTrue();
    assertThat(sim.calls()).isEmpty();
  }
}
