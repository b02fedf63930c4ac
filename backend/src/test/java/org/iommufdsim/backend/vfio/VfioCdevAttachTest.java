package org.iommufdsim.backend.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.HostIOMMUDevice;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.HostIOMMUDevicePasidInfo;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that {@code iommufd_cdev_attach}/{@code _detach} issue QEMU's syscalls in QEMU's order
 * against real simulated VFIO cdev devices: one container shared by two devices, an auto HWPT
 * reused when compatible and a second HWPT after EINVAL when not, the host IOMMU device's
 * realize/get_cap, and the last detach freeing HWPT and IOAS.
 */
class VfioCdevAttachTest {
  @RegisterExtension final VfioSim sim = new VfioSim();

  private VFIODevice attach(String name) {
    VFIODevice d = sim.dev(name);
    Errp err = Errp.local();
    assertThat(VfioIommufd.iommufdCdevAttach(name, d, sim.space, err)).as("%s", err).isTrue();
    return d;
  }

  @Test
  void firstDevice_newContainer_dirtyTrackingHwpt() {
    String before = sim.host.stateDump();
    VFIODevice d0 = attach("dev0");

    assertThat(sim.calls()).containsExactly(
        "open(\"/dev/vfio/devices/dev0\") = 3",
        "open(\"/dev/iommu\") = 4",
        "ioctl(4, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = 0",
        "ioctl(3, VFIO_DEVICE_BIND_IOMMUFD, {argsz=0x18, flags=0, iommufd=4, out_devid=0,"
            + " token_uuid_ptr=0}) => {out_devid=1} = 0",
        "ioctl(4, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) => {out_ioas_id=2} = 0",
        "ioctl(4, IOMMU_GET_HW_INFO, {size=0x28, flags=0, dev_id=1, data_len=0x28,"
            + " data_uptr=0x100000000000, in_data_type=IOMMU_HW_INFO_TYPE_NONE, out_data_type=IOMMU_HW_INFO_TYPE_NONE, out_max_pasid_log2=0, __reserved[0]=0,"
            + " __reserved[1]=0, __reserved[2]=0, out_capabilities=0}) => {data_len=8,"
            + " in_data_type=IOMMU_HW_INFO_TYPE_SELFTEST, out_data_type=IOMMU_HW_INFO_TYPE_SELFTEST, out_max_pasid_log2=0x14,"
            + " out_capabilities=IOMMU_HW_CAP_DIRTY_TRACKING} = 0",
        "ioctl(4, IOMMU_HWPT_ALLOC, {size=0x30, flags=IOMMU_HWPT_ALLOC_DIRTY_TRACKING, dev_id=1, pt_id=2, out_hwpt_id=0,"
            + " __reserved=0, data_type=IOMMU_HWPT_DATA_NONE, data_len=0, data_uptr=0, fault_id=0, __reserved2=0})"
            + " => {out_hwpt_id=3} = 0",
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0}) = 0",
        "ioctl(4, IOMMU_IOAS_IOVA_RANGES, {size=0x20, ioas_id=2, num_iovas=0, __reserved=0,"
            + " allowed_iovas=0, out_iova_alignment=0}) => {num_iovas=1,"
            + " out_iova_alignment=0x800} = -1 EMSGSIZE",
        "ioctl(4, IOMMU_IOAS_IOVA_RANGES, {size=0x20, ioas_id=2, num_iovas=1, __reserved=0,"
            + " allowed_iovas=0x100000800020, out_iova_alignment=0x800}) = 0",
        "ioctl(4, IOMMU_GET_HW_INFO, {size=0x28, flags=0, dev_id=1, data_len=0x28,"
            + " data_uptr=0x100000800030, in_data_type=IOMMU_HW_INFO_TYPE_NONE, out_data_type=IOMMU_HW_INFO_TYPE_NONE,"
            + " out_max_pasid_log2=0, __reserved[0]=0, __reserved[1]=0, __reserved[2]=0,"
            + " out_capabilities=0}) => {data_len=8, in_data_type=IOMMU_HW_INFO_TYPE_SELFTEST,"
            + " out_data_type=IOMMU_HW_INFO_TYPE_SELFTEST, out_max_pasid_log2=0x14, out_capabilities=IOMMU_HW_CAP_DIRTY_TRACKING} = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_getfd  /dev/vfio/devices/dev0 (fd=3)",
        "iommufd_backend_connect fd=4 owned=1 users=1",
        "iommufd_cdev_connect_and_bind  [iommufd=4] Successfully bound device dev0 (fd=3):"
            + " output devid=1",
        "iommufd_backend_alloc_ioas  iommufd=4 ioas=2",
        "iommufd_cdev_alloc_ioas  [iommufd=4] new IOMMUFD container with ioasid=2",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=1 pt_id=2 flags=0x2 hwpt_type=0 len=0"
            + " data_ptr=0x0 fault_id=0 out_hwpt=3 (0)",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device dev0 (3) to"
            + " id=3");
    assertThat(sim.stderr()).isEmpty();

    VFIOIOMMUFDContainer c = d0.bcontainer;
    assertThat(sim.space.containers).containsExactly(c);
    assertThat(c.ioasId).isEqualTo(2);
    assertThat(c.deviceList).containsExactly(d0);
    assertThat(c.hwptList).singleElement().satisfies(h -> {
      assertThat(h.hwptId).isEqualTo(3);
      assertThat(h.hwptFlags).isEqualTo((int) IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
      assertThat(h.deviceList).containsExactly(d0);
    });
    assertThat(c.dirtyPagesSupported).isTrue();
    assertThat(c.iovaRanges).singleElement()
        .satisfies(r -> assertThat(r).containsExactly(1L << 24, (1L << 31) - 1));
    assertThat(c.pgsizes).isEqualTo(0x800);
    assertThat(c.initialized).isTrue();
    assertThat(d0.fd).isEqualTo(3);
    assertThat(d0.devid).isEqualTo(1);
    assertThat(d0.iommuDirtyTracking).isTrue();

    HostIOMMUDeviceIOMMUFD hiod = (HostIOMMUDeviceIOMMUFD) d0.hiod;
    assertThat(hiod).isInstanceOf(HostIOMMUDeviceIOMMUFDVFIO.class);
    assertThat(hiod.name()).isEqualTo("dev0");
    assertThat(hiod.agent()).isSameAs(d0);
    assertThat(hiod.iommufd()).isSameAs(sim.be);
    assertThat(hiod.devid()).isEqualTo(1);
    assertThat(hiod.hwptId()).isEqualTo(3);
    assertThat(hiod.caps().hwCaps).isEqualTo(IommufdUapi.IOMMU_HW_CAP_DIRTY_TRACKING);
    assertThat(hiod.caps().type).isEqualTo(0xfeedbeef);
    Errp err = Errp.local();
    assertThat(hiod.getCap(HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE, err))
        .isEqualTo(0xfeedbeef);
    // vfio_device_get_aw_bits: last bit of the last IOVA range (1 << 31) - 1, plus one
    assertThat(hiod.getCap(HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_AW_BITS, err)).isEqualTo(31);
    assertThat(hiod.getCap(7, err)).isEqualTo(-22);
    assertThat(err.pretty()).isEqualTo("dev0: unsupported capability 7");

    // the last device's detach frees HWPT then IOAS and closes both fds
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d0);
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=3}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0",
        "close(3) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_detach_ioas_hwpt  [iommufd=4] Successfully detached dev0",
        "iommufd_backend_free_id  iommufd=4 id=3 (0)",
        "iommufd_backend_free_id  iommufd=4 id=2 (0)",
        "iommufd_backend_disconnect fd=-1 users=0");
    assertThat(sim.space.containers).isEmpty();
    assertThat(c.hwptList).isEmpty();
    assertThat(d0.hwpt).isNull();
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void secondDevice_compatible_reusesAutoHwpt() {
    String before = sim.host.stateDump();
    VFIODevice d1 = attach("dev1");   // no dirty tracking: a plain HWPT
    sim.mark();
    VFIODevice d0 = attach("dev0");   // a dirty-capable device can use a plain HWPT

    assertThat(sim.calls()).containsExactly(
        "open(\"/dev/vfio/devices/dev0\") = 5",
        "ioctl(5, VFIO_DEVICE_BIND_IOMMUFD, {argsz=0x18, flags=0, iommufd=4, out_devid=0,"
            + " token_uuid_ptr=0}) => {out_devid=4} = 0",
        "ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0}) = 0",
        "ioctl(4, IOMMU_GET_HW_INFO, {size=0x28, flags=0, dev_id=4, data_len=0x28,"
            + " data_uptr=0x100000800060, in_data_type=IOMMU_HW_INFO_TYPE_NONE, out_data_type=IOMMU_HW_INFO_TYPE_NONE,"
            + " out_max_pasid_log2=0, __reserved[0]=0, __reserved[1]=0, __reserved[2]=0,"
            + " out_capabilities=0}) => {data_len=8, in_data_type=IOMMU_HW_INFO_TYPE_SELFTEST,"
            + " out_data_type=IOMMU_HW_INFO_TYPE_SELFTEST, out_max_pasid_log2=0x14, out_capabilities=IOMMU_HW_CAP_DIRTY_TRACKING} = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_getfd  /dev/vfio/devices/dev0 (fd=5)",
        "iommufd_backend_connect fd=4 owned=1 users=2",
        "iommufd_cdev_connect_and_bind  [iommufd=4] Successfully bound device dev0 (fd=5):"
            + " output devid=4",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device dev0 (5) to"
            + " id=3");
    assertThat(d0.bcontainer).isSameAs(d1.bcontainer);
    assertThat(d0.hwpt).isSameAs(d1.hwpt);
    assertThat(d0.hwpt.deviceList).containsExactly(d0, d1);
    assertThat(d0.bcontainer.hwptList).hasSize(1);
    assertThat(d0.bcontainer.deviceList).containsExactly(d0, d1);
    assertThat(d0.iommuDirtyTracking).isFalse();
    assertThat(d0.bcontainer.dirtyPagesSupported).isFalse();
    assertThat(((HostIOMMUDeviceIOMMUFD) d0.hiod).hwptId()).isEqualTo(3);

    // the first detach keeps the shared HWPT and the IOAS; the last frees both
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d1);
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "close(3) = 0");
    assertThat(d0.hwpt.deviceList).containsExactly(d0);
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d0);
    assertThat(sim.calls()).containsExactly(
        "ioctl(5, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=3}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0",
        "close(5) = 0");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void secondDevice_incompatibleWithDirtyHwpt_einval_allocatesSecondHwpt() {
    String before = sim.host.stateDump();
    VFIODevice d0 = attach("dev0");
    sim.mark();
    VFIODevice d1 = attach("dev1");

    assertThat(sim.calls()).containsExactly(
        "open(\"/dev/vfio/devices/dev1\") = 5",
        "ioctl(5, VFIO_DEVICE_BIND_IOMMUFD, {argsz=0x18, flags=0, iommufd=4, out_devid=0,"
            + " token_uuid_ptr=0}) => {out_devid=4} = 0",
        "ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0})"
            + " = -1 EINVAL",
        "ioctl(4, IOMMU_GET_HW_INFO, {size=0x28, flags=0, dev_id=4, data_len=0x28,"
            + " data_uptr=0x100000000000, in_data_type=IOMMU_HW_INFO_TYPE_NONE, out_data_type=IOMMU_HW_INFO_TYPE_NONE, out_max_pasid_log2=0, __reserved[0]=0,"
            + " __reserved[1]=0, __reserved[2]=0, out_capabilities=0}) => {data_len=8,"
            + " in_data_type=IOMMU_HW_INFO_TYPE_SELFTEST, out_data_type=IOMMU_HW_INFO_TYPE_SELFTEST} = 0",
        "ioctl(4, IOMMU_HWPT_ALLOC, {size=0x30, flags=0, dev_id=4, pt_id=2, out_hwpt_id=0,"
            + " __reserved=0, data_type=IOMMU_HWPT_DATA_NONE, data_len=0, data_uptr=0, fault_id=0, __reserved2=0})"
            + " => {out_hwpt_id=5} = 0",
        "ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=5, pasid=0}) = 0",
        "ioctl(4, IOMMU_GET_HW_INFO, {size=0x28, flags=0, dev_id=4, data_len=0x28,"
            + " data_uptr=0x100000800060, in_data_type=IOMMU_HW_INFO_TYPE_NONE, out_data_type=IOMMU_HW_INFO_TYPE_NONE,"
            + " out_max_pasid_log2=0, __reserved[0]=0, __reserved[1]=0, __reserved[2]=0,"
            + " out_capabilities=0}) => {data_len=8, in_data_type=IOMMU_HW_INFO_TYPE_SELFTEST,"
            + " out_data_type=IOMMU_HW_INFO_TYPE_SELFTEST} = 0");
    // the EINVAL is discarded silently: no trace line, no report, one warning at the end
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_getfd  /dev/vfio/devices/dev1 (fd=5)",
        "iommufd_backend_connect fd=4 owned=1 users=2",
        "iommufd_cdev_connect_and_bind  [iommufd=4] Successfully bound device dev1 (fd=5):"
            + " output devid=4",
        "iommufd_backend_alloc_hwpt  iommufd=4 dev_id=4 pt_id=2 flags=0x0 hwpt_type=0 len=0"
            + " data_ptr=0x0 fault_id=0 out_hwpt=5 (0)",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device dev1 (5) to"
            + " id=5");
    assertThat(sim.stderr()).containsExactly(
        "warning: IOMMU instance for device dev1 doesn't support dirty tracking");

    VFIOIOMMUFDContainer c = d0.bcontainer;
    assertThat(d1.bcontainer).isSameAs(c);
    assertThat(c.hwptList).extracting(h -> h.hwptId).containsExactly(5, 3);
    assertThat(c.hwptList).extracting(h -> h.hwptFlags).containsExactly(0, 2);
    assertThat(d1.hwpt.deviceList).containsExactly(d1);
    assertThat(d1.iommuDirtyTracking).isFalse();
    assertThat(c.dirtyPagesSupported).isTrue();
    assertThat(sim.space.containers).containsExactly(c);

    // dev0 leaves first: its HWPT goes, dev1's HWPT and the IOAS stay
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d0);
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=3}) = 0",
        "close(3) = 0");
    assertThat(c.hwptList).extracting(h -> h.hwptId).containsExactly(5);
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d1);
    assertThat(sim.calls()).containsExactly(
        "ioctl(5, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=5}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0",
        "close(5) = 0");
    assertThat(sim.host.stateDump()).isEqualTo(before);
  }

  @Test
  void hiodAttachDetachHwpt_useTheDeviceFd() {
    VFIODevice d0 = attach("dev0");
    HostIOMMUDeviceIOMMUFD hiod = (HostIOMMUDeviceIOMMUFD) d0.hiod;
    sim.mark();
    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(0, d0.bcontainer.ioasId, Errp.abort()))
        .isTrue();
    Errp err = Errp.local();
    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(0, 99, err)).isFalse();
    assertThat(err.pretty())
        .isEqualTo("[iommufd=4] error attach dev0 (3) to id=99: No such file or directory");
    assertThat(hiod.hostIommuDeviceIommufdDetachHwpt(0, Errp.abort())).isTrue();
    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(0, 3, Errp.abort())).isTrue();
    assertThat(sim.calls()).containsExactly(
        // an IOAS id: the kernel attaches to its own auto domain and reports its id
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=2, pasid=0})"
            + " => {pt_id=4} = 0",
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=0x63, pasid=0})"
            + " = -1 ENOENT",
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0}) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device dev0 (3) to"
            + " id=2",
        "iommufd_cdev_detach_ioas_hwpt  [iommufd=4] Successfully detached dev0",
        "iommufd_cdev_attach_ioas_hwpt  [iommufd=4] Successfully attached device dev0 (3) to"
            + " id=3");
    VfioIommufd.iommufdCdevDetach(d0);
  }

  @Test
  void detachOfAnUnattachedDevice_succeeds_soCleanupReportsNothing() {
    VFIODevice d0 = attach("dev0");
    // detach the RID behind QEMU's back: the kernel ignores a detach of an unattached device
    // (vfio_iommufd_physical_detach_ioas returns early), so QEMU's error_report path stays cold
    assertThat(((HostIOMMUDeviceIOMMUFD) d0.hiod).hostIommuDeviceIommufdDetachHwpt(0,
        Errp.abort())).isTrue();
    sim.mark();
    VfioIommufd.iommufdCdevDetach(d0);
    assertThat(sim.calls()).first().isEqualTo(
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0");
    assertThat(sim.calls()).hasSize(5);
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void realize_keepsTheKernelsPasidWidth_soAVIommuSeesThePasidInfo() {
    // hiod_iommufd_vfio_realize passes &max_pasid_log2 to get_device_info and keeps it in the
    // caps (hw/vfio/iommufd.c): dev0 has 20 PASID bits, so the generic VFIO host IOMMU device
    // reports PASID info of that width (the port used to pass NULL and lose it; found by the
    // backend-flows property's check against GET_HW_INFO)
    VFIODevice d0 = attach("dev0");
    HostIOMMUDevicePasidInfo info = new HostIOMMUDevicePasidInfo();
    assertThat(((HostIOMMUDeviceIOMMUFD) d0.hiod).getPasidInfo(info)).isTrue();
    assertThat(info.maxPasidLog2).isEqualTo(20);
    VfioIommufd.iommufdCdevDetach(d0);
  }
}
