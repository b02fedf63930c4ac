package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DMA map/unmap family returns 0 or {@code -errno} and never sets an error: map requests
 * a fixed, readable (and unless read-only, writeable) IOVA, EFAULT also warns "PCI BAR?", and
 * unmap treats the kernel's ENOENT (nothing there, or a range cutting through an area) as
 * success, traced as a nonexistent mapping.
 */
class DmaMapTest {
  @RegisterExtension final SimQemu sim = new SimQemu();
  private int ioas;

  @BeforeEach
  void setUp() {
    sim.connect();
    ioas = sim.allocIoas();
  }

  @Test
  void mapDma_readWrite_mapsFixedReadableWriteable() {
    long ram = sim.ram(0x10000);
    sim.mark();

    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x10000, ram, false)).isZero();

    String va = "0x" + Long.toHexString(ram);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_IOAS_MAP, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE, "
        + "ioas_id=1, __reserved=0, user_va=" + va + ", length=0x10000, iova=0x100000}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_map_dma  iommufd=3 ioas=1 "
        + "iova=0x100000 size=0x10000 addr=" + va + " readonly=0 (0)");
    assertThat(sim.host.stateDump()).contains("area 0x100000-0x10ffff prot=7 USER@" + va);
  }

  @Test
  void mapDma_readonly_omitsWriteable() {
    long ram = sim.ram(0x1000);
    sim.mark();

    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x200000, 0x1000, ram, true)).isZero();

    assertThat(sim.calls().getFirst()).contains("flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_READABLE,");
    assertThat(sim.traced().getFirst()).endsWith("readonly=1 (0)");
  }

  @Test
  void mapDma_overlap_returnsMinusEexistWithoutReport() {
    long ram = sim.ram(0x2000);
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x2000, ram, false)).isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x101000, 0x1000, ram, false)).isEqualTo(-17);

    assertThat(sim.traced().getFirst()).endsWith(" (-1)");
    assertThat(sim.stderr()).isEmpty();
  }

  /** The mock domain's aperture starts at 16 MiB (MOCK_APERTURE_START): map above it. */
  @Test
  void mapDma_unmappedMemoryWithADomain_returnsMinusEfaultAndWarnsPciBar() {
    SimQemu.Dev dev = sim.bind("dev0");
    assertThat(sim.attach(dev, 0, ioas)).isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x2000000, 0x1000, 0x5000, false))
        .isEqualTo(-14);

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_IOAS_MAP, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE, "
        + "ioas_id=1, __reserved=0, user_va=0x5000, length=0x1000, iova=0x2000000}) = -1 EFAULT");
    assertThat(sim.traced()).containsExactly("iommufd_backend_map_dma  iommufd=3 ioas=1 "
        + "iova=0x2000000 size=0x1000 addr=0x5000 readonly=0 (-1)");
    assertThat(sim.stderr())
        .containsExactly("warning: IOMMU_IOAS_MAP failed: Bad address, PCI BAR?");
    assertThat(sim.host.stateDump()).doesNotContain("area ");
  }

  @Test
  void mapDma_reservedIova_returnsMinusEinvalWithoutWarning() {
    SimQemu.Dev dev = sim.bind("dev0");
    assertThat(sim.attach(dev, 0, ioas)).isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, sim.ram(0x1000), false))
        .isEqualTo(-22);

    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void mapDma_nullVaddr_printsNilPointer() {
    sim.mark();

    sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, 0, false);

    assertThat(sim.traced().getFirst()).contains(" addr=(nil) ");
  }

  @Test
  void mapFileDma_memfd_mapsTheFileRange() {
    int mfd = sim.memfd(0x4000);
    sim.mark();

    assertThat(sim.be.iommufdBackendMapFileDma(ioas, 0x400000, 0x2000, mfd, 0x1000, false))
        .isZero();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_IOAS_MAP_FILE, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE, "
        + "ioas_id=1, fd=" + mfd + ", start=0x1000, length=0x2000, iova=0x400000}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_map_file_dma  iommufd=3 ioas=1 "
        + "iova=0x400000 size=0x2000 fd=" + mfd + " start=4096 readonly=0 (0)");
    assertThat(sim.host.stateDump()).contains("area 0x400000-0x401fff");
  }

  @Test
  void mapFileDma_badFd_returnsMinusErrno() {
    sim.mark();

    int ret = sim.be.iommufdBackendMapFileDma(ioas, 0x400000, 0x1000, 99, 0, true);

    assertThat(ret).isEqualTo(-9);
    assertThat(sim.traced()).containsExactly("iommufd_backend_map_file_dma  iommufd=3 ioas=1 "
        + "iova=0x400000 size=0x1000 fd=99 start=0 readonly=1 (-1)");
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void mapFileDmaAndUnmapDma_cprIncoming_returnZeroWithoutCallOrTrace() {
    int mfd = sim.memfd(0x1000);
    sim.qemu.cpr().setIncoming(true);
    sim.mark();

    assertThat(sim.be.iommufdBackendMapFileDma(ioas, 0x400000, 0x1000, mfd, 0, false)).isZero();
    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0x400000, 0x1000)).isZero();

    assertThat(sim.calls()).isEmpty();
    assertThat(sim.traced()).isEmpty();
  }

  @Test
  void unmapDma_mappedRange_unmaps() {
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, sim.ram(0x1000), false))
        .isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0x100000, 0x1000)).isZero();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=1, "
        + "iova=0x100000, length=0x1000}) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_unmap_dma  iommufd=3 ioas=1 iova=0x100000 size=0x1000 (0)");
    assertThat(sim.host.stateDump()).doesNotContain("area ");
  }

  @Test
  void unmapDma_nothingMapped_isSuccessTracedAsNonexistent() {
    sim.mark();

    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0x100000, 0x1000)).isZero();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=1, "
        + "iova=0x100000, length=0x1000}) = -1 ENOENT");
    assertThat(sim.traced()).containsExactly("iommufd_backend_unmap_dma_non_exist  Unmap "
        + "nonexistent mapping: iommufd=3 ioas=1 iova=0x100000 size=0x1000 (-1)");
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void unmapDma_rangeCuttingThroughAnArea_reportsSuccessButTheMappingStays() {
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x2000, sim.ram(0x2000), false))
        .isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0x100000, 0x1000)).isZero();

    assertThat(sim.traced().getFirst()).startsWith("iommufd_backend_unmap_dma_non_exist ");
    assertThat(sim.host.stateDump()).contains("area 0x100000-0x101fff");
  }

  @Test
  void unmapDma_all_isOneCallFromZeroToUint64Max() {
    long ram = sim.ram(0x2000);
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, ram, false)).isZero();
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x300000, 0x1000, ram + 0x1000, false))
        .isZero();
    sim.mark();

    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0, -1L)).isZero();

    assertThat(sim.traced()).containsExactly("iommufd_backend_unmap_dma  iommufd=3 ioas=1 "
        + "iova=0x0 size=0xffffffffffffffff (0)");
    assertThat(sim.host.stateDump()).doesNotContain("area ");
  }

  @Test
  void unmapDma_otherError_returnsMinusErrno() {
    sim.mark();

    assertThat(sim.be.iommufdBackendUnmapDma(ioas, 0x100000, 0)).isEqualTo(-22);

    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_unmap_dma  iommufd=3 ioas=1 iova=0x100000 size=0x0 (-1)");
    assertThat(sim.stderr()).isEmpty();
  }
}
