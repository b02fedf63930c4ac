package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that the VT-d accelerated-mode port allocates, attaches, replaces, invalidates and
 * tears down first-stage HWPTs (and their PRQ fault queues) with exactly QEMU's system calls,
 * trace lines and error reports, leaving the kernel state QEMU would.
 */
class VtdAccelAttachTest {
  @RegisterExtension final VtdSim sim = new VtdSim();

  private static final long FSPT = 0x1234_5000L;

  private void syncGlobal() {
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
  }

  @Test
  void fstEntry_withSvmAndPre_allocatesFaultqThenS1HwptWithFaultId_andAttachesRid() {
    String before = sim.host.stateDump();
    sim.guest.setPasidEntry(0, new GuestVtd.PasidEntry(GuestVtd.VTD_SM_PASID_ENTRY_FST, 3, FSPT,
        48, true, true, false));
    syncGlobal();

    assertThat(sim.requests()).containsExactly("ioctl IOMMU_FAULT_QUEUE_ALLOC", "fcntl 3",
        "fcntl 4", "ioctl IOMMU_HWPT_ALLOC", "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT");
    assertThat(sim.calls().get(1)).isEqualTo("fcntl(5, 3, 0x0) = 2");
    assertThat(sim.calls().get(2)).isEqualTo("fcntl(5, 4, 0x802) = 0");
    assertThat(sim.calls().get(3)).contains("flags=IOMMU_HWPT_FAULT_ID_VALID|IOMMU_HWPT_ALLOC_PASID, dev_id=1, pt_id=3,")
        .contains("data_type=IOMMU_HWPT_DATA_VTD_S1, data_len=0x18").contains("fault_id=4");
    assertThat(sim.calls().get(4)).contains("flags=0, pt_id=5, pasid=0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_alloc_faultq  iommufd=4 fault_id=4 fault_fd=5 (0)",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=3 flags=0xc hwpt_type=1 len=24"
            + " data_ptr=0x100000000000 fault_id=4 out_hwpt=5 (0)",
        "vtd_device_attach_hwpt dev_id 1 pasid 0 hwpt_id 5, ret: 1");
    assertThat(sim.stderr()).isEmpty();

    VTDAccelPASIDCacheEntry pce = sim.vtdHiod.pasidCacheList.get(0);
    assertThat(pce.fsHwptId).isEqualTo(5);
    assertThat(pce.faultId).isEqualTo(4);
    assertThat(pce.faultFd).isEqualTo(5);
    assertThat(sim.accel.fdHandlers()).containsExactly(5);
    assertThat(sim.host.stateDump()).contains("id 4 FAULT users=3 pending=0 awaiting=0")
        .contains("id 5 HWPT_NESTED users=2").contains("5=anon_inode:[iommufd-pgfault]");
    assertThat(before).doesNotContain("FAULT");
  }

  @Test
  void withoutSvmOrViommuPasids_noFaultq_noFaultIdValid_noAllocPasid() {
    sim.guest.pasidBits = 0;
    sim.guest.svm = false;
    sim.guest.setPasidEntry(0, new GuestVtd.PasidEntry(GuestVtd.VTD_SM_PASID_ENTRY_FST, 3, FSPT,
        48, true, true, false));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl IOMMU_HWPT_ALLOC",
        "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT");
    assertThat(sim.calls().get(0)).contains("{size=0x30, flags=0, dev_id=1, pt_id=3,")
        .contains("fault_id=0");
    assertThat(sim.traced().get(0)).contains("flags=0x0 hwpt_type=1 len=24")
        .contains("fault_id=0 out_hwpt=4 (0)");
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void s1DataTheHostCannotHonour_failsAtAttach_andTheNewObjectsAreFreed() {
    // EAFE on a unit without ECAP.EAFS: intel_pasid_setup_nested() refuses it at attach time.
    String before = sim.host.stateDump();
    sim.guest.setPasidEntry(0, new GuestVtd.PasidEntry(GuestVtd.VTD_SM_PASID_ENTRY_FST, 3, FSPT,
        48, false, false, true));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl IOMMU_FAULT_QUEUE_ALLOC", "fcntl 3",
        "fcntl 4", "ioctl IOMMU_HWPT_ALLOC", "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EINVAL",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.stderr()).containsExactly(
        "Attaching to HWPT failed: [iommufd=4] error attach vtd0 (3) to id=5: Invalid argument");
    assertThat(sim.host.stateDump()).isEqualTo(before);
    assertThat(sim.vtdHiod.pasidCacheList).singleElement()
        .satisfies(p -> assertThat(p.fsHwptId).isZero());
  }

  @Test
  void fstEntry_withoutPre_hasNoFaultq_andFlagsAllocPasidOnly() {
    sim.guest.contextPre = false;
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl IOMMU_HWPT_ALLOC",
        "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT");
    assertThat(sim.traced().get(0)).contains("flags=0x8 ").contains("fault_id=0 out_hwpt=4");
    assertThat(sim.vtdHiod.pasidCacheList.get(0).faultFd).isEqualTo(-1);
    assertThat(sim.accel.fdHandlers()).isEmpty();
  }

  @Test
  void ptEntry_attachesTheNestingParent_noAllocation() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.pt(2));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT");
    assertThat(sim.calls().get(0)).contains("pt_id=3");
    assertThat(sim.traced()).containsExactly("vtd_device_attach_hwpt dev_id 1 pasid 0 hwpt_id 3, ret: 1");
    assertThat(sim.vtdHiod.pasidCacheList.get(0).fsHwptId).isZero();
  }

  @Test
  void invalidPgtt_isRejectedWithoutSyscalls_butTheEntryStaysCached() {
    sim.guest.setPasidEntry(0, new GuestVtd.PasidEntry(GuestVtd.VTD_SM_PASID_ENTRY_SST, 1, 0,
        48, false, false, false));
    syncGlobal();
    assertThat(sim.calls()).isEmpty();
    assertThat(sim.stderr()).containsExactly("Attaching to HWPT failed: Invalid PGTT type 2");
    assertThat(sim.vtdHiod.pasidCacheList).hasSize(1);
  }

  @Test
  void changedEntry_replaces_newAttachedFirst_thenOldHwptFreed_thenOldFaultqClosedAndFreed() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    sim.mark();
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT + 0x1000));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl IOMMU_FAULT_QUEUE_ALLOC", "fcntl 3",
        "fcntl 4", "ioctl IOMMU_HWPT_ALLOC", "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_alloc_faultq  iommufd=4 fault_id=6 fault_fd=6 (0)",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=3 flags=0xc hwpt_type=1 len=24"
            + " data_ptr=0x100000000000 fault_id=6 out_hwpt=7 (0)",
        "vtd_device_attach_hwpt dev_id 1 pasid 0 hwpt_id 7, ret: 1",
        "iommufd_backend_free_id  iommufd=4 id=5 (0)",
        "iommufd_backend_free_id  iommufd=4 id=4 (0)");
    assertThat(sim.accel.fdHandlers()).containsExactly(6);
    assertThat(sim.host.stateDump()).doesNotContain("id 4 FAULT").doesNotContain("id 5 HWPT")
        .contains("id 6 FAULT").contains("id 7 HWPT_NESTED");
  }

  @Test
  void piotlbInvalidation_forwardsOneVtdS1Entry_onlyForMatchingDidAndPasid() {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    sim.mark();
    sim.accel.vtdFlushHostPiotlbAllLocked(4, 0, 0x4000, 2, true);  // other DID
    sim.accel.vtdFlushHostPiotlbAllLocked(3, 1, 0x4000, 2, true);  // other PASID
    assertThat(sim.calls()).isEmpty();
    sim.accel.vtdFlushHostPiotlbAllLocked(3, 0, 0x4000, 2, true);
    assertThat(sim.calls()).singleElement().asString().startsWith(
        "ioctl(4, IOMMU_HWPT_INVALIDATE, {size=0x20, hwpt_id=5, data_uptr=")
        .contains("data_type=IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, entry_len=0x18, entry_num=1");
    assertThat(sim.traced()).singleElement().asString().startsWith(
        "iommufd_backend_invalidate_cache  iommufd=4 id=5 data_type=0 entry_len=24 entry_num=1"
            + " done_num=1 ");
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void removedEntry_detaches_thenFreesHwpt_thenClosesAndFreesFaultq_inQemuOrder() {
    String before = sim.host.stateDump();
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    sim.mark();
    sim.guest.clearPasidEntry(0);
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl VFIO_DEVICE_DETACH_IOMMUFD_PT",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.traced()).containsExactly("vtd_device_detach_hwpt dev_id 1 pasid 0 ret: 1",
        "iommufd_backend_free_id  iommufd=4 id=5 (0)",
        "iommufd_backend_free_id  iommufd=4 id=4 (0)");
    assertThat(sim.vtdHiod.pasidCacheList).isEmpty();
    assertThat(sim.accel.fdHandlers()).isEmpty();
    // guest PASID 0 with DMAR on and a scalable root table: QEMU detaches the RID outright
    assertThat(sim.host.stateDump()).doesNotContain("FAULT").doesNotContain("HWPT_NESTED")
        .isNotEqualTo(before);
  }

  @Test
  void dmarOff_pasid0_reattachesTheDefaultHwpt_andStateIsAsBefore() {
    String before = sim.host.stateDump();
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    sim.mark();
    sim.guest.dmarEnabled = false;
    sim.accel.vtdAccelPasidCacheReset();
    assertThat(sim.requests()).containsExactly("ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.traced().get(0))
        .isEqualTo("vtd_device_reattach_def_hwpt dev_id 1 pasid 0 hwpt_id 3, ret: 1");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void nonZeroPasid_isRefusedByTheKernel_becauseVfiosNestingParentLacksAllocPasid() {
    // The VFIO port's auto domain is allocated without IOMMU_HWPT_ALLOC_PASID, so the RID's
    // HWPT is not PASID-compatible and iommufd_hwpt_pasid_compat() answers EINVAL.
    String before = sim.host.stateDump();
    sim.guest.setPasidEntry(5, GuestVtd.PasidEntry.fst(3, FSPT));
    syncGlobal();
    assertThat(sim.requests()).containsExactly("ioctl IOMMU_FAULT_QUEUE_ALLOC", "fcntl 3",
        "fcntl 4", "ioctl IOMMU_HWPT_ALLOC", "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EINVAL",
        "ioctl IOMMU_DESTROY", "close 5", "ioctl IOMMU_DESTROY");
    assertThat(sim.calls().get(4)).contains("flags=VFIO_DEVICE_ATTACH_PASID, pt_id=5, pasid=5");
    assertThat(sim.traced().get(2)).isEqualTo("vtd_device_attach_hwpt dev_id 1 pasid 5 hwpt_id 5, ret: 0");
    assertThat(sim.stderr()).containsExactly(
        "Attaching to HWPT failed: [iommufd=4] error attach vtd0 (3) to id=5: Invalid argument");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }
}
