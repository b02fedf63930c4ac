package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;

import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iommufd_backend_set_dirty_tracking} and {@code _get_dirty_bitmap} drive a
 * dirty-tracking HWPT as QEMU's migration code does: traces carry {@code errno} (not the raw
 * return), the bitmap gets one bit per dirty page, NO_CLEAR leaves the dirty state for the
 * next query, and failures name the HWPT or the range.
 */
class DirtyTrackingTest {
  private static final long IOVA = 0x2000000;
  private static final long PAGE = 4096;
  @RegisterExtension final SimQemu sim = new SimQemu();
  private int ioas;
  private SimQemu.Dev dev;
  private int hwpt;

  @BeforeEach
  void setUp() {
    sim.connect();
    ioas = sim.allocIoas();
    dev = sim.bind("dev0");
    IntRef h = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, 0, 0, 0, h, Errp.abort())).isTrue();
    hwpt = h.value;
    assertThat(sim.attach(dev, 0, hwpt)).isZero();
    assertThat(sim.be.iommufdBackendMapDma(ioas, IOVA, 8 * PAGE, sim.ram(8 * PAGE), false))
        .isZero();
  }

  @Test
  void setDirtyTracking_enableThenDisable() {
    sim.mark();

    assertThat(sim.be.iommufdBackendSetDirtyTracking(hwpt, true, Errp.abort())).isTrue();
    assertThat(sim.be.iommufdBackendSetDirtyTracking(hwpt, false, Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_HWPT_SET_DIRTY_TRACKING, {size=0x10, flags=IOMMU_HWPT_DIRTY_TRACKING_ENABLE, hwpt_id=3, "
            + "__reserved=0}) = 0",
        "ioctl(3, IOMMU_HWPT_SET_DIRTY_TRACKING, {size=0x10, flags=0, hwpt_id=3, "
            + "__reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_set_dirty  iommufd=3 hwpt=3 enable=1 (0)",
        "iommufd_backend_set_dirty  iommufd=3 hwpt=3 enable=0 (0)");
  }

  @Test
  void setDirtyTracking_hwptWithoutDirtySupport_failsWithErrnoInTrace() {
    IntRef plain = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, 0, 0, 0, 0, 0, plain,
        Errp.abort())).isTrue();
    sim.mark();
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendSetDirtyTracking(plain.value, true, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo(
        "IOMMU_HWPT_SET_DIRTY_TRACKING(hwpt_id 4) failed: Operation not supported");
    assertThat(sim.traced())
        .containsExactly("iommufd_backend_set_dirty  iommufd=3 hwpt=4 enable=1 (95)");
    sim.be.iommufdBackendFreeId(plain.value);
  }

  @Test
  void getDirtyBitmap_reportsDirtyPagesAndClearsThem() {
    assertThat(sim.be.iommufdBackendSetDirtyTracking(hwpt, true, Errp.abort())).isTrue();
    markDirty(0b1010_0001L);
    long bitmap = sim.libc.gMalloc0(8);
    sim.mark();

    assertThat(sim.be.iommufdBackendGetDirtyBitmap(hwpt, IOVA, 8 * PAGE, PAGE, bitmap, 0,
        Errp.abort())).isTrue();

    assertThat(sim.libc.memory().load64(bitmap)).isEqualTo(0b1010_0001L);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_HWPT_GET_DIRTY_BITMAP, {size=0x30, "
        + "hwpt_id=3, flags=0, __reserved=0, iova=0x2000000, length=0x8000, page_size=0x1000, "
        + "data=0x" + Long.toHexString(bitmap) + "}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_get_dirty_bitmap  iommufd=3 "
        + "hwpt=3 iova=0x2000000 size=0x8000 flags=0x0 page_size=0x1000 (0)");

    sim.libc.memory().store64(bitmap, 0);
    assertThat(sim.be.iommufdBackendGetDirtyBitmap(hwpt, IOVA, 8 * PAGE, PAGE, bitmap, 0,
        Errp.abort())).isTrue();
    assertThat(sim.libc.memory().load64(bitmap)).isZero();
  }

  @Test
  void getDirtyBitmap_noClear_keepsTheDirtyState() {
    assertThat(sim.be.iommufdBackendSetDirtyTracking(hwpt, true, Errp.abort())).isTrue();
    markDirty(0b110L);
    long bitmap = sim.libc.gMalloc0(8);
    sim.mark();

    for (int i = 0; i < 2; i++) {
      sim.libc.memory().store64(bitmap, 0);
      assertThat(sim.be.iommufdBackendGetDirtyBitmap(hwpt, IOVA, 8 * PAGE, PAGE, bitmap,
          IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, Errp.abort())).isTrue();
      assertThat(sim.libc.memory().load64(bitmap)).isEqualTo(0b110L);
    }
    assertThat(sim.traced().getFirst()).contains(" flags=0x1 ");
  }

  @Test
  void getDirtyBitmap_badPageSize_namesTheRange() {
    sim.mark();
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendGetDirtyBitmap(hwpt, IOVA, 8 * PAGE, 0,
        sim.libc.gMalloc0(8), 0, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo(
        "IOMMU_HWPT_GET_DIRTY_BITMAP (iova: 0x2000000 size: 0x8000) failed: Invalid argument");
    assertThat(sim.traced()).containsExactly("iommufd_backend_get_dirty_bitmap  iommufd=3 "
        + "hwpt=3 iova=0x2000000 size=0x8000 flags=0x0 page_size=0x0 (22)");
  }

  /** {@code IOMMU_TEST_OP_DIRTY}: the mock domain marks the pages whose bits are set. */
  private void markDirty(long bits) {
    try (Frame f = sim.libc.frame()) {
      long bitmap = f.alloca(8);
      sim.libc.memory().store64(bitmap, bits);
      UStruct cmd = f.local(IommufdTestUapi.iommu_test_cmd);
      cmd.set("size", cmd.size());
      cmd.set("op", IommufdTestUapi.IOMMU_TEST_OP_DIRTY);
      cmd.set("id", hwpt);
      cmd.set("dirty.iova", IOVA);
      cmd.set("dirty.length", 8 * PAGE);
      cmd.set("dirty.page_size", PAGE);
      cmd.set("dirty.uptr", bitmap);
      assertThat(sim.libc.ioctl(sim.be.fd(), IommufdTestUapi.IOMMU_TEST_CMD, cmd)).isZero();
    }
  }
}
