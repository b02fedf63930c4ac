package org.iommufdsim.backend.arm;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that the SMMUv3 accelerated-mode flow issues QEMU's syscalls in QEMU's order against
 * simulated {@code arm_smmuv3} devices: nesting-parent S2 HWPT, vIOMMU, abort and bypass
 * HWPTs, GBPA attach, vEVENTQ on the guest's CR0 write, vdevice with the guest StreamID, STE
 * install (S1 nested HWPT, replace, abort/bypass) and CMDQ invalidations through the vIOMMU,
 * and teardown in QEMU's order back to the kernel state it started from.
 */
class SmmuAccelFlowTest {
  @RegisterExtension final SmmuSim sim = new SmmuSim();

  private static final int ALL_ON =
      GuestSmmu.CR0_SMMUEN | GuestSmmu.CR0_EVENTQEN | GuestSmmu.CR0_CMDQEN;
  private static final long S1 = 1 | (5L << 1) | 0x1000;

  @Test
  void plug_allocatesNestingParentViommuAbortBypass_andAttachesTheGbpaHwpt() {
    String before = sim.host.stateDump();
    VFIODevice d = sim.plug("smmu0", 0x8);
    assertThat(sim.shortCalls()).containsExactly(
        "open = 3", "open = 4", "IOMMU_IOAS_CHANGE_PROCESS = 0", "VFIO_DEVICE_BIND_IOMMUFD = 0",
        "IOMMU_IOAS_ALLOC = 0", "IOMMU_GET_HW_INFO = 0", "IOMMU_HWPT_ALLOC = 0",
        "VFIO_DEVICE_ATTACH_IOMMUFD_PT = 0", "IOMMU_IOAS_IOVA_RANGES = -1 EMSGSIZE",
        "IOMMU_IOAS_IOVA_RANGES = 0", "IOMMU_GET_HW_INFO = 0",
        // smmuv3_accel_set_iommu_device: hw_compatible, then alloc_viommu
        "IOMMU_GET_HW_INFO = 0", "IOMMU_VIOMMU_ALLOC = 0", "IOMMU_HWPT_ALLOC = 0",
        "IOMMU_HWPT_ALLOC = 0", "VFIO_DEVICE_ATTACH_IOMMUFD_PT = 0");
    assertThat(sim.traced()).contains(
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=2 flags=0x1 hwpt_type=0 len=0"
            + " data_ptr=0x0 fault_id=0 out_hwpt=3 (0)",
        "iommufd_backend_alloc_viommu  iommufd=4 type=1 dev_id=1 hwpt_id=3 viommu_id=4 (0)");
    assertThat(sim.traced()).endsWith(
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=4 flags=0x0 hwpt_type=2 len=16"
            + " data_ptr=0x100000000010 fault_id=0 out_hwpt=5 (0)",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=4 flags=0x0 hwpt_type=2 len=16"
            + " data_ptr=0x100000000000 fault_id=0 out_hwpt=6 (0)",
        // GBPA reset value: ABORT clear, so the bypass HWPT
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device smmu0 (3)"
            + " to id=6",
        "smmuv3_accel_set_iommu_device devfn=0x8 (idev devid=0x1)");
    assertThat(sim.accel.abortHwptId).isEqualTo(5);
    assertThat(sim.accel.bypassHwptId).isEqualTo(6);
    assertThat(sim.accel.veventq).as("guest event queue still off").isNull();
    assertThat(sim.host.stateDump()).contains("id 3 HWPT_PAGING", "id 4 VIOMMU",
        "id 5 HWPT_NESTED", "id 6 HWPT_NESTED");

    sim.mark();
    sim.unplug(d, 0x8);
    assertThat(sim.shortCalls()).containsExactly(
        "VFIO_DEVICE_ATTACH_IOMMUFD_PT = 0",
        "IOMMU_DESTROY = 0", "IOMMU_DESTROY = 0", "IOMMU_DESTROY = 0",
        "VFIO_DEVICE_DETACH_IOMMUFD_PT = 0", "IOMMU_DESTROY = 0", "IOMMU_DESTROY = 0",
        "close = 0", "close = 0");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void guestEnablesSmmu_installsS1Ste_invalidates_andTearsDownInQemuOrder() {
    String before = sim.host.stateDump();
    VFIODevice d = sim.plug("smmu0", 0x8);
    sim.mark();
    sim.guest.writeCr0(ALL_ON);
    sim.guest.writeSte(0x8, S1, 0);
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0))
        .isEqualTo(GuestSmmu.CmdError.NONE);
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_TLBI_NH_ALL, 0))
        .isEqualTo(GuestSmmu.CmdError.NONE);
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_CD | (0x8L << 32), 0))
        .isEqualTo(GuestSmmu.CmdError.NONE);
    assertThat(sim.calls()).containsExactly(
        "ioctl(4, IOMMU_VEVENTQ_ALLOC, {size=0x20, flags=0, viommu_id=4, type=IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,"
            + " veventq_depth=0x10, out_veventq_id=0, out_veventq_fd=0, __reserved=0})"
            + " => {out_veventq_id=7, out_veventq_fd=5} = 0",
        "fcntl(5, 3, 0x0) = 2",
        "fcntl(5, 4, 0x802) = 0",
        "ioctl(4, IOMMU_VDEVICE_ALLOC, {size=0x18, viommu_id=4, dev_id=1, out_vdevice_id=0,"
            + " virt_id=8}) => {out_vdevice_id=8} = 0",
        "ioctl(4, IOMMU_HWPT_ALLOC, {size=0x30, flags=0, dev_id=1, pt_id=4, out_hwpt_id=0,"
            + " __reserved=0, data_type=IOMMU_HWPT_DATA_ARM_SMMUV3, data_len=0x10, data_uptr=0x100000000000,"
            + " fault_id=0, __reserved2=0}) => {out_hwpt_id=9} = 0",
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=9, pasid=0}) = 0",
        "ioctl(4, IOMMU_HWPT_INVALIDATE, {size=0x20, hwpt_id=4, data_uptr=0x100000000000,"
            + " data_type=IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, entry_len=0x10, entry_num=1, __reserved=0}) = 0",
        "ioctl(4, IOMMU_HWPT_INVALIDATE, {size=0x20, hwpt_id=4, data_uptr=0x100000000000,"
            + " data_type=IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, entry_len=0x10, entry_num=1, __reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_viommu_alloc_eventq  iommufd=4 viommu_id=4 type=1 veventq_id=7 veventq_fd=5"
            + " (0)",
        "iommufd_backend_alloc_vdev  iommufd=4 dev_id=1 viommu_id=4 virt_id=0x8 vdev_id=8 (0)",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=4 flags=0x0 hwpt_type=2 len=16"
            + " data_ptr=0x100000000000 fault_id=0 out_hwpt=9 (0)",
        "smmuv3_accel_translate_ste vSID=0x8 hwpt_id=0x9 ste=0:100b",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device smmu0 (3)"
            + " to id=9",
        "smmuv3_accel_install_ste vSID=0x8 ste type=translate hwpt_id=0x9",
        "iommufd_backend_invalidate_cache  iommufd=4 id=4 data_type=1 entry_len=16 entry_num=1"
            + " done_num=1 data_ptr=0x100000000000 (0)",
        "iommufd_backend_invalidate_cache  iommufd=4 id=4 data_type=1 entry_len=16 entry_num=1"
            + " done_num=1 data_ptr=0x100000000000 (0)");
    assertThat(sim.mainLoop.hasHandler(5)).isTrue();

    // a new S1 STE: the new nested HWPT replaces the old one, which is freed after the attach
    sim.mark();
    sim.guest.writeSte(0x8, S1 | 0x2000, 0);
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    assertThat(sim.shortCalls()).containsExactly("IOMMU_HWPT_ALLOC = 0",
        "VFIO_DEVICE_ATTACH_IOMMUFD_PT = 0", "IOMMU_DESTROY = 0");
    assertThat(sim.calls().get(2)).contains("id=9");

    sim.mark();
    sim.unplug(d, 0x8);
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device smmu0 (3)"
            + " to id=3",
        "iommufd_backend_free_id  iommufd=4 id=10 (0)",
        "iommufd_backend_free_id  iommufd=4 id=8 (0)",
        "smmuv3_accel_unset_iommu_device devfn=0x8 (idev devid=0x1)",
        "iommufd_backend_free_id  iommufd=4 id=7 (0)",
        "iommufd_backend_free_id  iommufd=4 id=6 (0)",
        "iommufd_backend_free_id  iommufd=4 id=5 (0)",
        "iommufd_backend_free_id  iommufd=4 id=4 (0)",
        "iommufd_cdev_detach_ioas_hwpt  [iommufd=4] Successfully detached smmu0",
        "iommufd_backend_free_id  iommufd=4 id=3 (0)",
        "iommufd_backend_free_id  iommufd=4 id=2 (0)",
        "iommufd_backend_disconnect fd=-1 users=0");
    // the vEVENTQ fd is closed before its id is freed
    assertThat(sim.shortCalls()).containsSubsequence("IOMMU_DESTROY = 0", "close = 0",
        "IOMMU_DESTROY = 0");
    assertThat(sim.calls()).contains("close(5) = 0");
    assertThat(sim.mainLoop.hasHandler(5)).isFalse();
    assertThat(sim.stderr()).isEmpty();
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void steConfigs_abortBypassGbpa_andInvalidConfig() {
    sim.plug("smmu0", 0x8);
    sim.guest.writeCr0(ALL_ON);
    sim.mark();
    sim.guest.writeSte(0x8, 1, 0); // valid, Config 0: abort
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    sim.guest.writeSte(0x8, 1 | (4L << 1), 0); // bypass
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    sim.guest.writeSte(0x8, 0, 0); // invalid: abort
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    assertThat(sim.traced()).containsSubsequence(
        "smmuv3_accel_install_ste vSID=0x8 ste type=abort hwpt_id=0x5",
        "smmuv3_accel_install_ste vSID=0x8 ste type=bypass hwpt_id=0x6",
        "smmuv3_accel_install_ste vSID=0x8 ste type=abort hwpt_id=0x5");

    sim.mark();
    sim.guest.writeSte(0x8, 1 | (6L << 1), 0); // stage 2 only: nothing QEMU can install
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0))
        .isEqualTo(GuestSmmu.CmdError.ILL);
    assertThat(sim.calls()).isEmpty();
    assertThat(sim.stderr()).containsExactly("Invalid STE config for sid 0x8");

    // SMMU disabled: the GBPA HWPT whatever the STE says; a GBPA write re-attaches everyone
    sim.mark();
    sim.guest.writeCr0(0);
    sim.guest.writeSte(0x8, S1, 0);
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    sim.guest.writeGbpa(GuestSmmu.GBPA_RESET_VAL | GuestSmmu.GBPA_ABORT);
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device smmu0 (3)"
            + " to id=6",
        "smmuv3_accel_install_ste vSID=0x8 ste type=bypass hwpt_id=0x6",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device smmu0 (3)"
            + " to id=5");
  }

  @Test
  void twoDevices_shareOneViommu_lastUnplugFreesIt() {
    String before = sim.host.stateDump();
    VFIODevice d0 = sim.plug("smmu0", 0x8);
    sim.mark();
    VFIODevice d1 = sim.plug("smmu1", 0x10);
    // same container and nesting parent; no second vIOMMU
    assertThat(sim.shortCalls()).doesNotContain("IOMMU_VIOMMU_ALLOC = 0");
    assertThat(sim.traced()).endsWith("smmuv3_accel_set_iommu_device devfn=0x10 (idev devid=0x7)");
    sim.guest.writeCr0(ALL_ON);
    sim.guest.writeSte(0x8, S1, 0);
    sim.guest.writeSte(0x10, S1 | 0x4000, 0);
    // CFGI_ALL: both devices (list order: newest first)
    sim.mark();
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE_RANGE, 31))
        .isEqualTo(GuestSmmu.CmdError.NONE);
    assertThat(sim.traced()).filteredOn(l -> l.startsWith("smmuv3_accel_install_ste"))
        .containsExactly("smmuv3_accel_install_ste vSID=0x10 ste type=translate hwpt_id=0xa",
            "smmuv3_accel_install_ste vSID=0x8 ste type=translate hwpt_id=0xc");

    sim.mark();
    sim.unplug(d0, 0x8);
    assertThat(sim.traced()).doesNotContain("iommufd_backend_free_id  iommufd=4 id=4 (0)");
    assertThat(sim.accel.viommu).isNotNull();
    sim.unplug(d1, 0x10);
    assertThat(sim.traced()).contains("iommufd_backend_free_id  iommufd=4 id=4 (0)");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void incompatibleHost_setIommuDeviceFails_withQemuMessage() {
    sim.guest.idr[5] = (sim.guest.idr[5] & ~7) | 6; // vSMMU OAS 52 bits, host has 48
    Errp err = Errp.local();
    assertThat(sim.plug("smmu0", 0x8, err)).isNull();
    assertThat(err.pretty()).isEqualTo(
        "Host SMMUv3 supports only 48-bit IPA, but the vSMMU OAS implies 52-bit IPA");
    assertThat(sim.accel.viommu).isNull();
  }
}
