package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.backend.vfio.VfioDeviceAgent;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The host IOMMU device functions of {@code backends/iommufd.c} dispatch attach/detach to the
 * subclass's callbacks (here a minimal VFIO-cdev one), and {@code hiod_iommufd_get_cap} /
 * {@code _get_pasid_info} answer from the capabilities {@code GET_HW_INFO} returned.
 */
class HostIommuDeviceTest {
  @RegisterExtension final SimQemu sim = new SimQemu();
  private SimQemu.Dev dev;
  private CdevHiod hiod;

  /** Test subclass: attach/detach through the VFIO cdev ioctls, as VFIO's type does. */
  final class CdevHiod extends HostIOMMUDeviceIOMMUFD {
    int attaches;

    CdevHiod() {
      this.name = "dev0";
      this.iommufd = sim.be;
      this.devid = dev.devid();
      this.agent = (VfioDeviceAgent) () -> 48;
    }

    @Override
    public boolean realize(Object opaque, Errp errp) {
      IntRef type = new IntRef();
      LongRef hwCaps = new LongRef();
      IntRef maxPasid = new IntRef();
      if (!iommufd.iommufdBackendGetDeviceInfo(devid, type, 0, 0, hwCaps, maxPasid, errp)) {
        return false;
      }
      caps.type = type.value;
      caps.hwCaps = hwCaps.value;
      caps.maxPasidLog2 = maxPasid.value;
      return true;
    }

    @Override
    protected boolean attachHwpt(int pasid, int hwptId, Errp errp) {
      attaches++;
      int ret = sim.attach(dev, pasid, hwptId);
      if (ret != 0) {
        errp.setg("attach failed " + ret);
      }
      return ret == 0;
    }

    @Override
    protected boolean detachHwpt(int pasid, Errp errp) {
      return sim.detach(dev, pasid) == 0;
    }
  }

  @BeforeEach
  void setUp() {
    sim.connect();
    dev = sim.bind("dev0");
    hiod = new CdevHiod();
    assertThat(hiod.realize(null, Errp.abort())).isTrue();
  }

  @Test
  void attachAndDetach_dispatchToTheClassCallbacks() {
    int ioas = sim.allocIoas();
    IntRef hwpt = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IommufdUapi.IOMMU_HWPT_ALLOC_PASID, 0, 0, 0, 0, hwpt, Errp.abort())).isTrue();
    sim.mark();

    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(0, hwpt.value, Errp.abort())).isTrue();
    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(1, hwpt.value, Errp.abort())).isTrue();
    assertThat(hiod.hostIommuDeviceIommufdDetachHwpt(1, Errp.abort())).isTrue();
    assertThat(hiod.hostIommuDeviceIommufdDetachHwpt(0, Errp.abort())).isTrue();

    assertThat(hiod.attaches).isEqualTo(2);
    assertThat(sim.calls()).extracting(c -> c.replaceFirst(", \\{.*", ""))
        .containsExactly("ioctl(4, VFIO_DEVICE_ATTACH_IOMMUFD_PT",
            "ioctl(4, VFIO_DEVICE_ATTACH_IOMMUFD_PT", "ioctl(4, VFIO_DEVICE_DETACH_IOMMUFD_PT",
            "ioctl(4, VFIO_DEVICE_DETACH_IOMMUFD_PT");
    assertThat(sim.calls()).allMatch(c -> c.endsWith("= 0"));
    sim.be.iommufdBackendFreeId(hwpt.value);
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void attach_failure_isTheCallbacksError() {
    Errp errp = Errp.local();

    assertThat(hiod.hostIommuDeviceIommufdAttachHwpt(0, 77, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("attach failed -2");
  }

  @Test
  void getCap_typeAndAddressWidth() {
    assertThat(hiod.getCap(HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_IOMMU_TYPE, Errp.abort()))
        .isEqualTo((int) IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST);
    assertThat(hiod.getCap(HostIOMMUDevice.HOST_IOMMU_DEVICE_CAP_AW_BITS, Errp.abort()))
        .isEqualTo(48);
  }

  @Test
  void getCap_unsupported_isMinusEinvalNamingTheDevice() {
    Errp errp = Errp.local();

    assertThat(hiod.getCap(0x1f, errp)).isEqualTo(-22);

    assertThat(errp.pretty()).isEqualTo("dev0: unsupported capability 1f");
  }

  @Test
  void getPasidInfo_fromTheCaps() {
    HostIOMMUDevicePasidInfo info = new HostIOMMUDevicePasidInfo();

    assertThat(hiod.getPasidInfo(info)).isTrue();

    assertThat(info.maxPasidLog2).isEqualTo(20);
    assertThat(info.execPerm).isFalse();
    assertThat(info.privMod).isFalse();

    hiod.caps().hwCaps = IommufdUapi.IOMMU_HW_CAP_PCI_PASID_EXEC;
    assertThat(hiod.getPasidInfo(info)).isTrue();
    assertThat(info.execPerm).isTrue();

    hiod.caps().maxPasidLog2 = 0;
    HostIOMMUDevicePasidInfo untouched = new HostIOMMUDevicePasidInfo();
    assertThat(hiod.getPasidInfo(untouched)).isFalse();
    assertThat(untouched.maxPasidLog2).isZero();
  }
}
