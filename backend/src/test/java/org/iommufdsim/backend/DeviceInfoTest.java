package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iommufd_backend_get_device_info} fills the caller's vendor buffer and returns the
 * type, capabilities and PASID width of the device's IOMMU, untraced, with "Failed to get
 * hardware info" on failure and QEMU's asserts on the mandatory out-parameters.
 */
class DeviceInfoTest {
  @RegisterExtension final SimQemu sim = new SimQemu();

  @Test
  void getDeviceInfo_mockWithPasidAndDirty() {
    sim.connect();
    SimQemu.Dev dev = sim.bind("dev0");
    long data = sim.libc.gMalloc0(HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE);
    sim.mark();
    IntRef type = new IntRef();
    LongRef caps = new LongRef();
    IntRef maxPasid = new IntRef();

    assertThat(sim.be.iommufdBackendGetDeviceInfo(dev.devid(), type, data,
        HostIOMMUDeviceCaps.VENDOR_CAPS_SIZE, caps, maxPasid, Errp.abort())).isTrue();

    assertThat(type.unsigned()).isEqualTo(IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST);
    assertThat(caps.value & IommufdUapi.IOMMU_HW_CAP_DIRTY_TRACKING).isNotZero();
    assertThat(maxPasid.value).isEqualTo(20);
    assertThat(UStruct.at(sim.libc.memory(), IommufdTestUapi.iommu_test_hw_info, data)
        .get("test_reg")).isEqualTo(IommufdTestUapi.IOMMU_HW_INFO_SELFTEST_REGVAL);
    assertThat(sim.calls()).hasSize(1);
    assertThat(sim.calls().getFirst()).startsWith("ioctl(3, IOMMU_GET_HW_INFO, {size=0x28, "
        + "flags=0, dev_id=" + dev.devid() + ", data_len=0x28, data_uptr=0x"
        + Long.toHexString(data));
    assertThat(sim.traced()).isEmpty();
  }

  @Test
  void getDeviceInfo_withoutMaxPasidPointer_stillSucceeds() {
    sim.connect();
    SimQemu.Dev dev = sim.bind("dev0");
    IntRef type = new IntRef();

    assertThat(sim.be.iommufdBackendGetDeviceInfo(dev.devid(), type, 0, 0, new LongRef(), null,
        Errp.abort())).isTrue();

    assertThat(type.unsigned()).isEqualTo(IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST);
  }

  @Test
  void getDeviceInfo_unknownDevice_failsAndLeavesOutputs() {
    sim.connect();
    sim.mark();
    IntRef type = new IntRef(-7);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendGetDeviceInfo(9, type, 0, 0, new LongRef(), null, errp))
        .isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to get hardware info: No such file or directory");
    assertThat(type.value).isEqualTo(-7);
    assertThat(sim.traced()).isEmpty();
  }

  @Test
  void getDeviceInfo_nullType_assertsAfterTheIoctlLikeQemu() {
    sim.connect();
    SimQemu.Dev dev = sim.bind("dev0");
    sim.mark();

    assertThatThrownBy(() -> sim.be.iommufdBackendGetDeviceInfo(dev.devid(), null, 0, 0,
        new LongRef(), null, Errp.abort()))
        .isInstanceOf(NullPointerException.class).hasMessage("g_assert(type)");
    assertThat(sim.calls()).hasSize(1);
  }

  @Nested
  class WithoutPasidOrDirty {
    @RegisterExtension final SimQemu plain =
        new SimQemu(Map.of("pasid_bits", "0", "dirty", "off"));

    @Test
    void getDeviceInfo_reportsNoCapabilitiesAndNoPasid() {
      plain.connect();
      SimQemu.Dev dev = plain.bind("dev0");
      LongRef caps = new LongRef(-1);
      IntRef maxPasid = new IntRef(-1);

      assertThat(plain.be.iommufdBackendGetDeviceInfo(dev.devid(), new IntRef(), 0, 0, caps,
          maxPasid, Errp.abort())).isTrue();

      assertThat(caps.value).isZero();
      assertThat(maxPasid.value).isZero();
    }
  }
}
