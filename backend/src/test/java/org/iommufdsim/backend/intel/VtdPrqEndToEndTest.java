package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_EXEC;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_PRIV;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_READ;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_WRITE;

import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves end to end that a page request raised by the device reaches the port through the
 * non-blocking fault fd, becomes the guest page request QEMU injects, and that the guest's
 * page-group response goes back to the kernel as the right cookie and code (after which the
 * cookie is unknown to the kernel).
 */
class VtdPrqEndToEndTest {
  @RegisterExtension final VtdSim sim = new VtdSim();

  @BeforeEach
  void attachFirstStageWithPrq() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, 0x1234_5000L));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    assertThat(sim.vtdHiod.pasidCacheList.get(0).faultFd).isEqualTo(5);
    sim.mark();
  }

  private SysResult writeResponse(int cookie, int code) {
    try (Frame f = sim.qemu.libc().frame()) {
      UStruct r = f.local(IommufdUapi.iommu_hwpt_page_response);
      r.set("cookie", cookie);
      r.set("code", code);
      return sim.proc.write(5, r.addr(), r.size());
    }
  }

  @Test
  void pageRequest_becomesGuestRequest_andResponseIsWrittenBackByCookie() {
    int perm = (int) (IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_EXEC | IOMMU_PGFAULT_PERM_PRIV);
    assertThat(sim.triggerIopf(0, 7, perm, 0xdead_b000L).isOk()).isTrue();
    assertThat(sim.host.stateDump()).contains("id 4 FAULT users=3 pending=1 awaiting=0");

    assertThat(sim.accel.mainLoopDispatch()).isEqualTo(1);
    assertThat(sim.guest.pageRequests()).containsExactly(new GuestVtd.PageRequest(VtdSim.DEVFN,
        0, true, true, 0xdead_b000L, true, 7, true, false));
    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    assertThat(pce.vtdPrqList).containsExactly(new VTDAccelPASIDCacheEntry.VTDPRQEntry(7, 1));
    assertThat(sim.host.stateDump()).contains("id 4 FAULT users=3 pending=0 awaiting=1");
    // nothing more to read: the fd is non-blocking, the main loop's poll says not readable
    assertThat(sim.accel.mainLoopDispatch()).isZero();

    GuestVtd.PageRequest req = sim.guest.pageRequests().get(0);
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0,
        sim.guest.respond(VtdSim.DEVFN, req, GuestVtd.VTD_PRS_INVALID))).isTrue();

    assertThat(sim.requests()).containsExactly("ioctl IOMMU_TEST_CMD", "poll", "read", "poll",
        "write");
    assertThat(sim.calls().get(2)).endsWith(", 4000) = 40");
    assertThat(sim.calls().get(4)).endsWith(", 8) = 8");
    assertThat(sim.traced()).containsExactly(
        "vtd_prq_read_fault fault_id 4 fault_fd 5 bytes 40",
        "vtd_prq_response_notify fault_id 4 fault_fd 5 cookie 1 code 1 bytes 8");
    assertThat(sim.stderr()).isEmpty();
    assertThat(pce.vtdPrqList).isEmpty();
    assertThat(sim.host.stateDump()).contains("id 4 FAULT users=3 pending=0 awaiting=0");

    // the kernel consumed cookie 1: writing it again is refused
    SysResult again = writeResponse(1, 0);
    assertThat(again.isOk()).isFalse();
    assertThat(again.errno()).isEqualTo(Errno.EINVAL);
  }

  @Test
  void secondResponseForTheSameGroup_writesNothing() {
    sim.triggerIopf(0, 3, (int) IOMMU_PGFAULT_PERM_WRITE, 0x1000);
    sim.accel.mainLoopDispatch();
    GuestVtd.PageGroupResponse resp = sim.guest.respond(VtdSim.DEVFN,
        sim.guest.pageRequests().get(0), GuestVtd.VTD_PRS_SUCCESS);
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0, resp)).isTrue();
    sim.mark();
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0, resp)).isTrue();
    assertThat(sim.calls()).isEmpty();
    // unknown requester or PASID: not ours
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN + 1, 0, resp)).isFalse();
    assertThat(sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 9, resp)).isFalse();
  }

  @Test
  void twoGroups_areAnsweredIndependently_byPrgi() {
    sim.triggerIopf(0, 1, (int) IOMMU_PGFAULT_PERM_READ, 0x1000);
    sim.triggerIopf(0, 2, (int) IOMMU_PGFAULT_PERM_READ, 0x2000);
    assertThat(sim.accel.mainLoopDispatch()).isEqualTo(1);
    assertThat(sim.guest.pageRequests()).extracting(GuestVtd.PageRequest::prgi)
        .containsExactly(1, 2);
    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    // QLIST_INSERT_HEAD: newest first
    assertThat(pce.vtdPrqList).extracting(VTDAccelPASIDCacheEntry.VTDPRQEntry::grpid)
        .containsExactly(2, 1);
    sim.mark();
    sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0,
        new GuestVtd.PageGroupResponse(VtdSim.DEVFN, 0, 2, 0));
    assertThat(sim.traced()).containsExactly(
        "vtd_prq_response_notify fault_id 4 fault_fd 5 cookie 2 code 0 bytes 8");
    assertThat(sim.host.stateDump()).contains("awaiting=1");
  }

  @Test
  void teardownWithAnOutstandingRequest_leavesNoKernelObject_butQemuKeepsTheStaleCookie() {
    sim.triggerIopf(0, 4, (int) IOMMU_PGFAULT_PERM_READ, 0x1000);
    sim.accel.mainLoopDispatch();
    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    sim.mark();
    sim.guest.clearPasidEntry(0);
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    assertThat(sim.requests()).containsExactly("ioctl VFIO_DEVICE_DETACH_IOMMUFD_PT",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.host.stateDump()).doesNotContain("FAULT").doesNotContain("pgfault");
    // QEMU (patches 1-4) never frees vtd_prq_list on teardown
    assertThat(pce.vtdPrqList).hasSize(1);
  }

  @Test
  void staleCookieAfterReplacement_answersAnotherGroupOfTheNewQueue_qemuBug() {
    // group 4 read from fault queue 4 (cookie 1), then the guest changes the PASID entry
    sim.triggerIopf(0, 4, (int) IOMMU_PGFAULT_PERM_READ, 0x1000);
    sim.accel.mainLoopDispatch();
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, 0x1234_6000L));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    assertThat(pce.faultId).isEqualTo(6);
    // group 5 on the new queue gets cookie 1 again (cookies are per fault object)
    sim.triggerIopf(0, 5, (int) IOMMU_PGFAULT_PERM_READ, 0x2000);
    sim.accel.mainLoopDispatch();
    assertThat(pce.vtdPrqList).containsExactly(new VTDAccelPASIDCacheEntry.VTDPRQEntry(5, 1),
        new VTDAccelPASIDCacheEntry.VTDPRQEntry(4, 1));
    sim.mark();
    // the guest answers the old group 4: QEMU writes the stale cookie 1 to the new fd, and the
    // kernel takes it as the answer to group 5
    sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0,
        new GuestVtd.PageGroupResponse(VtdSim.DEVFN, 0, 4, GuestVtd.VTD_PRS_INVALID));
    assertThat(sim.traced()).containsExactly(
        "vtd_prq_response_notify fault_id 6 fault_fd 6 cookie 1 code 1 bytes 8");
    assertThat(sim.host.stateDump()).contains("id 6 FAULT users=3 pending=0 awaiting=0");
    // ... so the real answer to group 5 is refused
    sim.mark();
    sim.accel.vtdAccelPropagatePageGroupResponse(VtdSim.DEVFN, 0,
        new GuestVtd.PageGroupResponse(VtdSim.DEVFN, 0, 5, GuestVtd.VTD_PRS_SUCCESS));
    assertThat(sim.requests()).containsExactly("write EINVAL");
    assertThat(sim.stderr()).containsExactly(
        "FAULTQ(id 6): write failed [cookie 0x1 code 0x0] (Invalid argument)");
  }
}
