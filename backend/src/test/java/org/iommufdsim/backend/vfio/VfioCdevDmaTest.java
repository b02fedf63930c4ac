package org.iommufdsim.backend.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that the container hooks ({@code iommufd_cdev_map}, {@code _map_file},
 * {@code _unmap} incl. unmap-all in halves, {@code iommufd_set_dirty_page_tracking} with its
 * rollback, {@code iommufd_query_dirty_bitmap}) drive the container's IOAS and only its
 * dirty-tracking HWPTs, as QEMU does.
 */
class VfioCdevDmaTest {
  private static final long IOVA = 1L << 24;
  private static final long SIZE = 0x10000;
  private static final long PAGE = 4096;

  @RegisterExtension final VfioSim sim = new VfioSim();
  private VFIODevice d0;
  private VFIODevice d1;
  private VFIOIOMMUFDContainer c;

  @BeforeEach
  void twoDevicesTwoHwpts() {
    d0 = sim.dev("dev0");
    d1 = sim.dev("dev1");
    assertThat(VfioIommufd.iommufdCdevAttach("dev0", d0, sim.space, Errp.abort())).isTrue();
    assertThat(VfioIommufd.iommufdCdevAttach("dev1", d1, sim.space, Errp.abort())).isTrue();
    c = d0.bcontainer;
    assertThat(c.hwptList).extracting(h -> h.hwptId).containsExactly(5, 3);
    sim.mark();
  }

  @Test
  void mapUnmap_andUnmapAllInHalves() {
    long ram = sim.ram(SIZE);
    sim.mark();
    assertThat(c.iommufdCdevMap(IOVA, SIZE, ram, false)).isZero();
    assertThat(c.iommufdCdevMap(IOVA + SIZE, SIZE, ram, true)).isZero();
    assertThat(c.iommufdCdevUnmap(IOVA, SIZE, null, false)).isZero();
    assertThat(c.iommufdCdevMap(0x1000, SIZE, ram, false)).isEqualTo(-22); // below the aperture
    assertThat(c.iommufdCdevUnmap(0, 0, null, true)).isZero();
    assertThat(sim.calls()).containsExactly(
        "ioctl(4, IOMMU_IOAS_MAP, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE, ioas_id=2, __reserved=0, user_va="
            + hex(ram) + ", length=0x10000, iova=0x1000000}) = 0",
        "ioctl(4, IOMMU_IOAS_MAP, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_READABLE, ioas_id=2, __reserved=0, user_va="
            + hex(ram) + ", length=0x10000, iova=0x1010000}) = 0",
        "ioctl(4, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=2, iova=0x1000000, length=0x10000})"
            + " = 0",
        "ioctl(4, IOMMU_IOAS_MAP, {size=0x28, flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE, ioas_id=2, __reserved=0, user_va="
            + hex(ram) + ", length=0x10000, iova=0x1000}) = -1 EINVAL",
        // unmap-all: one [0, UINT64_MAX] request, the kernel's "unmap everything"
        "ioctl(4, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=2, iova=0, length=0xffffffffffffffff})"
            + " => {length=0x10000} = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_map_dma  iommufd=4 ioas=2 iova=0x1000000 size=0x10000 addr="
            + hex(ram) + " readonly=0 (0)",
        "iommufd_backend_map_dma  iommufd=4 ioas=2 iova=0x1010000 size=0x10000 addr="
            + hex(ram) + " readonly=1 (0)",
        "iommufd_backend_unmap_dma  iommufd=4 ioas=2 iova=0x1000000 size=0x10000 (0)",
        "iommufd_backend_map_dma  iommufd=4 ioas=2 iova=0x1000 size=0x10000 addr="
            + hex(ram) + " readonly=0 (-1)",
        "iommufd_backend_unmap_dma  iommufd=4 ioas=2 iova=0x0 size=0xffffffffffffffff (0)");
    assertThat(sim.stderr()).isEmpty();   // only EFAULT warns ("PCI BAR?")
    detachBoth();
  }

  @Test
  void mapFile() {
    SysResult memfd = sim.proc.memfdCreate("guest-ram", 0);
    assertThat(sim.proc.ftruncate((int) memfd.value(), SIZE).isOk()).isTrue();
    sim.mark();
    assertThat(c.iommufdCdevMapFile(IOVA, SIZE, (int) memfd.value(), 0, false)).isZero();
    assertThat(sim.calls()).singleElement().asString()
        .startsWith("ioctl(4, IOMMU_IOAS_MAP_FILE, ").contains("ioas_id=2").endsWith(" = 0");
    assertThat(c.iommufdCdevUnmap(0, 0, null, true)).isZero();
    detachBoth();
  }

  @Test
  void dirtyTracking_onlyDirtyHwpts_queryOrsBits() {
    long ram = sim.ram(SIZE);
    assertThat(c.iommufdCdevMap(IOVA, SIZE, ram, false)).isZero();
    sim.mark();
    assertThat(c.iommufdSetDirtyPageTracking(true, Errp.abort())).isZero();
    markDirty(3, 0b1011);
    long bitmap = sim.qemu.libc().gMalloc0(8);
    assertThat(c.iommufdQueryDirtyBitmap(bitmap, IOVA, SIZE, 0, Errp.abort())).isZero();
    assertThat(sim.qemu.libc().memory().load64(bitmap)).isEqualTo(0b1011);
    assertThat(c.iommufdSetDirtyPageTracking(false, Errp.abort())).isZero();
    // only HWPT 3 (allocated with DIRTY_TRACKING) is touched; dev1's HWPT 5 never is
    assertThat(sim.calls()).filteredOn(l -> !l.contains("IOMMU_TEST_CMD")).extracting(
        VfioCdevDmaTest::requestAndHwpt).containsExactly(
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=3 = 0",
        "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=3 = 0",
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=3 = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_set_dirty  iommufd=4 hwpt=3 enable=1 (0)",
        "iommufd_backend_get_dirty_bitmap  iommufd=4 hwpt=3 iova=0x1000000 size=0x10000"
            + " flags=0x0 page_size=0x1000 (0)",
        "iommufd_backend_set_dirty  iommufd=4 hwpt=3 enable=0 (0)");
    assertThat(c.iommufdCdevUnmap(0, 0, null, true)).isZero();
    detachBoth();
  }

  @Test
  void setDirtyTracking_failure_rollsBackEveryDirtyHwpt() {
    // SET_DIRTY_TRACKING has no fallible point (fail-nth cannot reach it) and both real HWPTs
    // accept it, so a stale dirty-tracking entry (id 99, unknown to the kernel) at the tail of
    // the list makes the loop fail after HWPT 3 has been started
    VFIOIOASHwpt stale = new VFIOIOASHwpt();
    stale.hwptId = 99;
    stale.hwptFlags = 2;
    c.hwptList.add(stale);
    Errp err = Errp.local();
    assertThat(c.iommufdSetDirtyPageTracking(true, err)).isEqualTo(-22);
    assertThat(err.pretty())
        .isEqualTo("IOMMU_HWPT_SET_DIRTY_TRACKING(hwpt_id 99) failed: No such file or directory");
    assertThat(sim.calls()).extracting(VfioCdevDmaTest::requestAndHwpt).containsExactly(
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=3 = 0",
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=0x63 = -1 ENOENT",
        // rollback: the opposite state on every dirty-tracking HWPT, errors ignored
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=3 = 0",
        "IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=0x63 = -1 ENOENT");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_set_dirty  iommufd=4 hwpt=3 enable=1 (0)",
        "iommufd_backend_set_dirty  iommufd=4 hwpt=99 enable=1 (2)",
        "iommufd_backend_set_dirty  iommufd=4 hwpt=3 enable=0 (0)",
        "iommufd_backend_set_dirty  iommufd=4 hwpt=99 enable=0 (2)");
    assertThat(sim.calls()).allMatch(l -> !l.contains("hwpt_id=5"));
    c.hwptList.remove(stale);

    // a query that fails on the first dirty HWPT stops there with -EINVAL
    sim.mark();
    c.hwptList.add(0, stale);
    long bitmap = sim.qemu.libc().gMalloc0(8);
    err = Errp.local();
    assertThat(c.iommufdQueryDirtyBitmap(bitmap, IOVA, SIZE, 0, err)).isEqualTo(-22);
    assertThat(sim.calls()).extracting(VfioCdevDmaTest::requestAndHwpt).containsExactly(
        "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=0x63 = -1 ENOENT");
    c.hwptList.remove(stale);
    detachBoth();
  }

  @Test
  void viommuUnmap_whileIommuDirtyTrackingRuns_queriesNoClearBeforeUnmapping() {
    long ram = sim.ram(SIZE);
    assertThat(c.iommufdCdevMap(IOVA, SIZE, ram, false)).isZero();
    assertThat(c.vfioContainerSetDirtyPageTracking(true, Errp.abort())).isZero();
    assertThat(c.dirtyPagesStarted).isTrue();
    markDirty(3, 0b101);
    sim.mark();
    assertThat(c.iommufdCdevUnmap(IOVA, SIZE,
        new VFIOIOMMUFDContainer.IOMMUTLBEntry(0x40000000L), false)).isZero();
    assertThat(sim.calls()).extracting(VfioCdevDmaTest::requestAndHwpt).containsExactly(
        "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=3 = 0",
        "ioctl(4, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=2, iova=0x1000000, length=0x10000})"
            + " = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_get_dirty_bitmap  iommufd=4 hwpt=3 iova=0x1000000 size=0x10000"
            + " flags=0x1 page_size=0x1000 (0)",
        "iommufd_backend_unmap_dma  iommufd=4 ioas=2 iova=0x1000000 size=0x10000 (0)");
    assertThat(sim.qemu.libc().memory().load64(c.lastDirtyBitmap)).isEqualTo(0b101);

    // a failing query is reported, the unmap still happens, the query's error is returned
    assertThat(c.iommufdCdevMap(IOVA, SIZE, ram, false)).isZero();
    VFIOIOASHwpt stale = new VFIOIOASHwpt();
    stale.hwptId = 99;
    stale.hwptFlags = 2;
    c.hwptList.add(0, stale);
    sim.mark();
    assertThat(c.iommufdCdevUnmap(IOVA, SIZE,
        new VFIOIOMMUFDContainer.IOMMUTLBEntry(0x40000000L), false)).isEqualTo(-22);
    assertThat(sim.calls()).extracting(VfioCdevDmaTest::requestAndHwpt).containsExactly(
        "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=0x63 = -1 ENOENT",
        "ioctl(4, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=2, iova=0x1000000, length=0x10000})"
            + " = 0");
    assertThat(sim.stderr()).singleElement().asString()
        .startsWith("IOMMU_HWPT_GET_DIRTY_BITMAP").contains("No such file or directory");
    c.hwptList.remove(stale);
    assertThat(c.vfioContainerSetDirtyPageTracking(false, Errp.abort())).isZero();
    detachBoth();
  }

  @Test
  void viommuUnmap_withoutDirtyTracking_isAPlainUnmap() {
    long ram = sim.ram(SIZE);
    assertThat(c.iommufdCdevMap(IOVA, SIZE, ram, false)).isZero();
    sim.mark();
    assertThat(c.iommufdCdevUnmap(IOVA, SIZE,
        new VFIOIOMMUFDContainer.IOMMUTLBEntry(0x40000000L), false)).isZero();
    assertThat(sim.calls()).containsExactly(
        "ioctl(4, IOMMU_IOAS_UNMAP, {size=0x18, ioas_id=2, iova=0x1000000, length=0x10000})"
            + " = 0");
    detachBoth();
  }

  private static String requestAndHwpt(String call) {
    return call.replaceFirst("^ioctl\\(4, ([A-Z_]+), \\{.*(hwpt_id=\\w+)[,}].*\\) (= .*)$",
        "$1 $2 $3");
  }

  private void markDirty(int hwpt, long bits) {
    try (Frame f = sim.qemu.libc().frame()) {
      long bitmap = f.alloca(8);
      sim.qemu.libc().memory().store64(bitmap, bits);
      UStruct cmd = f.local(IommufdTestUapi.iommu_test_cmd);
      cmd.set("size", cmd.size());
      cmd.set("op", IommufdTestUapi.IOMMU_TEST_OP_DIRTY);
      cmd.set("id", hwpt);
      cmd.set("dirty.iova", IOVA);
      cmd.set("dirty.length", 8 * PAGE);
      cmd.set("dirty.page_size", PAGE);
      cmd.set("dirty.uptr", bitmap);
      assertThat(sim.qemu.libc().ioctl(sim.be.fd(), IommufdTestUapi.IOMMU_TEST_CMD, cmd))
          .isZero();
    }
  }

  private void detachBoth() {
    VfioIommufd.iommufdCdevDetach(d1);
    VfioIommufd.iommufdCdevDetach(d0);
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
