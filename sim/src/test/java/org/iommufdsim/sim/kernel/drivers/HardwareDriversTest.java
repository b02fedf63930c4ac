package org.iommufdsim.sim.kernel.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.kernel.drivers.Uprog.spec;
import static org.iommufdsim.sim.uapi.IommufdUapi.*;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Invariants;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.uapi.Errno;
import org.junit.jupiter.api.Test;

/**
 * The VT-d and SMMUv3 models built from {@code @device} specs and driven through the system
 * call surface: option handling, shared instances, and an SMMUv3 event reaching user space.
 */
class HardwareDriversTest {
  private static String buildError(DeviceSpec... specs) {
    return new Kernel(HostConfig.defaults().withDevices(List.of(specs))).deviceError();
  }

  @Test
  void specs_badOptionsAndConflicts_areClearErrors() {
    assertThat(buildError(spec("a", "intel_vtd", "colour", "blue")))
        .contains("device a:").contains("takes no option colour");
    assertThat(buildError(spec("a", "arm_smmuv3", "nesting", "maybe")))
        .contains("nesting takes on or off");
    assertThat(buildError(spec("a", "intel_vtd"), spec("b", "intel_vtd", "dirty", "off")))
        .contains("device b:").contains("IOMMU intel_vtd");
    assertThat(buildError(spec("a", "intel_vtd", "iommu", "x"),
        spec("b", "arm_smmuv3", "iommu", "x"))).contains("IOMMU x is a intel_vtd instance");
    assertThat(buildError(spec("a", "arm_smmuv3", "sid", "0x20"),
        spec("b", "arm_smmuv3", "sid", "0x20"))).contains("StreamID 0x20 is already used");
    assertThat(buildError(spec("a", "intel_vtd", "iommu", "u0"),
        spec("b", "intel_vtd", "iommu", "u1", "dirty", "off"),
        spec("c", "arm_smmuv3", "sid", "7", "pasid_bits", "8"))).isNull();
  }

  @Test
  void devicesSharingAnInstance_shareTheDriverObject() {
    Uprog p = new Uprog(spec("a", "arm_smmuv3"), spec("b", "arm_smmuv3"),
        spec("c", "arm_smmuv3", "iommu", "smmu1"));
    IommuDevice a = p.device(p.bind("a")[1]);
    IommuDevice b = p.device(p.bind("b")[1]);
    IommuDevice c = p.device(p.bind("c")[1]);
    assertThat(a.driver()).isSameAs(b.driver()).isNotSameAs(c.driver());
    assertThat(a.driver().instance()).isEqualTo("arm_smmuv3");
    assertThat(c.driver().instance()).isEqualTo("smmu1");
    assertThat(ArmSmmuV3.master(b).sid).isEqualTo(0x108);
    assertThat(ArmSmmuV3.master(c).sid).isEqualTo(0x100);
  }

  @Test
  void vtd_dirtyHwptOfOneUnit_cannotBeAttachedBehindAUnitWithoutSlads() {
    Uprog p = new Uprog(spec("a", "intel_vtd", "iommu", "u0"),
        spec("b", "intel_vtd", "iommu", "u1", "dirty", "off"),
        spec("c", "intel_vtd", "iommu", "u2"));
    int[] a = p.bind("a");
    int[] b = p.bind("b");
    int[] c = p.bind("c");
    long ioas = p.ok(p.ioctl("IOMMU_IOAS_ALLOC", Map.of()), "out_ioas_id");
    long dirty = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) a[1], "pt_id", ioas,
        "flags", IOMMU_HWPT_ALLOC_DIRTY_TRACKING)), "out_hwpt_id");
    assertThat(p.ioctl(b[0], "VFIO_DEVICE_ATTACH_IOMMUFD_PT", Map.of("pt_id", dirty))
        .result().errno()).isEqualTo(Errno.EINVAL);
    assertThat(p.ioctl(c[0], "VFIO_DEVICE_ATTACH_IOMMUFD_PT", Map.of("pt_id", dirty)).ok())
        .as("an identical unit walks the other unit's table").isTrue();
    assertThat(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) b[1], "pt_id", ioas,
        "flags", IOMMU_HWPT_ALLOC_DIRTY_TRACKING)).result().errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(Invariants.check(p.kernel)).isEmpty();
  }

  @Test
  void anotherDriversHwpt_isEinvalForBothHardwareDrivers() {
    Uprog p = new Uprog(spec("v", "intel_vtd"), spec("s", "arm_smmuv3"), spec("m", "mock"));
    int[] v = p.bind("v");
    int[] s = p.bind("s");
    int[] m = p.bind("m");
    long ioas = p.ok(p.ioctl("IOMMU_IOAS_ALLOC", Map.of()), "out_ioas_id");
    long vtdHwpt = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) v[1],
        "pt_id", ioas, "flags", IOMMU_HWPT_ALLOC_NEST_PARENT)), "out_hwpt_id");
    long smmuHwpt = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) s[1],
        "pt_id", ioas, "flags", IOMMU_HWPT_ALLOC_NEST_PARENT)), "out_hwpt_id");
    long mockHwpt = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) m[1],
        "pt_id", ioas)), "out_hwpt_id");
    for (long[] c : new long[][] {{s[0], vtdHwpt}, {s[0], mockHwpt}, {v[0], smmuHwpt},
        {v[0], mockHwpt}}) {
      assertThat(p.ioctl((int) c[0], "VFIO_DEVICE_ATTACH_IOMMUFD_PT", Map.of("pt_id", c[1]))
          .result().errno()).isEqualTo(Errno.EINVAL);
    }
    assertThat(p.ioctl("IOMMU_VIOMMU_ALLOC", Map.of("dev_id", (long) s[1], "hwpt_id", vtdHwpt,
        "type", IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).result().errno()).isEqualTo(Errno.EINVAL);
    assertThat(Invariants.check(p.kernel)).isEmpty();
  }

  @Test
  void smmu_eventOfANestedDevice_isReadFromTheVeventqWithItsVsid() {
    Uprog p = new Uprog(spec("gpu", "arm_smmuv3", "sid", "0x2a0"));
    int[] gpu = p.bind("gpu");
    long ioas = p.ok(p.ioctl("IOMMU_IOAS_ALLOC", Map.of()), "out_ioas_id");
    long s2 = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) gpu[1], "pt_id", ioas,
        "flags", IOMMU_HWPT_ALLOC_NEST_PARENT)), "out_hwpt_id");
    long viommu = p.ok(p.ioctl("IOMMU_VIOMMU_ALLOC", Map.of("dev_id", (long) gpu[1],
        "hwpt_id", s2, "type", IOMMU_VIOMMU_TYPE_ARM_SMMUV3)), "out_viommu_id");
    p.ok(p.ioctl("IOMMU_VDEVICE_ALLOC", Map.of("viommu_id", viommu, "dev_id", (long) gpu[1],
        "virt_id", 0x8L)), "out_vdevice_id");
    byte[] ste = UserMem.struct(iommu_hwpt_arm_smmuv3, "ste[0]", 0xb | 0x40000L);
    long s1 = p.ok(p.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) gpu[1], "pt_id",
        viommu, "data_type", IOMMU_HWPT_DATA_ARM_SMMUV3, "data_len", 16L, "data_uptr",
        p.put(ste))), "out_hwpt_id");
    long qfd = p.ok(p.ioctl("IOMMU_VEVENTQ_ALLOC", Map.of("viommu_id", viommu, "type",
        IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, "veventq_depth", 4L)), "out_veventq_fd");
    IommuDevice dev = p.device(gpu[1]);
    ArmSmmuV3 smmu = (ArmSmmuV3) dev.driver();
    assertThat(smmu.reportTranslationFault(dev, 0x1000)).as("not attached yet")
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(p.ioctl(gpu[0], "VFIO_DEVICE_ATTACH_IOMMUFD_PT", Map.of("pt_id", s1)).ok())
        .isTrue();
    assertThat(smmu.reportTranslationFault(dev, 0x5000)).isNull();
    long buf = p.put(new byte[64]);
    SysResult r = p.sys.read((int) qfd, buf, 64);
    assertThat(r.value()).isEqualTo(8 + 32);
    byte[] got = p.task.mm().copyFrom(buf, 40);
    assertThat(iommufd_vevent_header.field("sequence").get(got)).isZero();
    assertThat(iommu_vevent_arm_smmuv3.field("evt[0]").get(got, 8))
        .isEqualTo(0x10 | (0x8L << 32));
    assertThat(iommu_vevent_arm_smmuv3.field("evt[2]").get(got, 8)).isEqualTo(0x5000);
    assertThat(p.ioctl(gpu[0], "VFIO_DEVICE_DETACH_IOMMUFD_PT", Map.of()).ok()).isTrue();
    assertThat(smmu.reportTranslationFault(dev, 0x6000)).as("detached")
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(Invariants.check(p.kernel)).isEmpty();
  }
}
