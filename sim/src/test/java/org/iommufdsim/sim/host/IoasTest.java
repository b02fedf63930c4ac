package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.Errno.*;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The IOAS ioctls through the byte-level syscall surface behave as Linux v7.0's do. */
class IoasTest {
  private final Cprog c = new Cprog();
  private static final long PAGE = 4096;
  private static final long RW = 2 | 4;
  private static final long FIXED = 1;

  @AfterEach
  void invariantsHold() {
    assertThat(c.host.checkInvariants()).isEmpty();
    c.p.exit();
    assertThat(c.host.checkInvariants()).isEmpty();
  }

  private int ioas() {
    Cprog.Call r = c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
    assertThat(r.ok()).isTrue();
    return (int) r.out("out_ioas_id");
  }

  private Cprog.Call map(int ioas, long va, long len, long flags, long iova) {
    return c.ioctl("IOMMU_IOAS_MAP",
        Map.of("ioas_id", (long) ioas, "user_va", va, "length", len, "flags", flags, "iova", iova));
  }

  private Cprog.Call unmap(int ioas, long iova, long len) {
    return c.ioctl("IOMMU_IOAS_UNMAP", Map.of("ioas_id", (long) ioas, "iova", iova, "length", len));
  }

  @Test
  void ids_startAtOne_andTheLowestFreeIsReused() {
    assertThat(ioas()).isEqualTo(1);
    assertThat(ioas()).isEqualTo(2);
    assertThat(ioas()).isEqualTo(3);
    assertThat(c.ioctl("IOMMU_DESTROY", Map.of("id", 2L)).ok()).isTrue();
    assertThat(c.ioctl("IOMMU_DESTROY", Map.of("id", 2L)).errno()).isEqualTo(ENOENT);
    assertThat(ioas()).isEqualTo(2);
    assertThat(ioas()).isEqualTo(4);
    assertThat(c.ioctl("IOMMU_DESTROY", Map.of("id", 0L)).errno()).isEqualTo(ENOENT);
  }

  @Test
  void autoIova_keepsTheUserAddressAlignmentAndSkipsPageZero() {
    int id = ioas();
    long buf = c.mmap(16 * PAGE);
    Cprog.Call r = map(id, buf, PAGE, RW, 0);
    assertThat(r.ok()).isTrue();
    assertThat(r.out("iova")).isEqualTo(PAGE);
    Cprog.Call r2 = map(id, buf + 0x800, 3 * PAGE, RW, 0);
    assertThat(r2.ok()).isTrue();
    assertThat(r2.out("iova") % PAGE).as("sub-page offset kept").isEqualTo(0x800);
    assertThat(r2.out("iova") & 0x7ff).isZero();
  }

  @Test
  void fixedMap_overlappingAnArea_isEexist_andUnmapNeverSplits() {
    int id = ioas();
    long buf = c.mmap(16 * PAGE);
    assertThat(map(id, buf, 2 * PAGE, RW | FIXED, 16 * PAGE).ok()).isTrue();
    assertThat(map(id, buf, PAGE, RW | FIXED, 17 * PAGE).errno()).isEqualTo(EEXIST);
    assertThat(unmap(id, 16 * PAGE, PAGE).errno()).isEqualTo(ENOENT);
    assertThat(unmap(id, 17 * PAGE, PAGE).errno()).isEqualTo(ENOENT);
    Cprog.Call all = unmap(id, 0, -1L);
    assertThat(all.ok()).isTrue();
    assertThat(all.out("length")).isEqualTo(2 * PAGE);
    assertThat(unmap(id, 0, -1L).ok()).as("unmap-all of an empty IOAS").isTrue();
  }

  @Test
  void unmap_removesLowerAreasBeforeFailingOnOneThatStraddlesTheEnd() {
    int id = ioas();
    long buf = c.mmap(16 * PAGE);
    assertThat(map(id, buf, PAGE, RW | FIXED, 4 * PAGE).ok()).isTrue();
    assertThat(map(id, buf, 2 * PAGE, RW | FIXED, 8 * PAGE).ok()).isTrue();
    assertThat(unmap(id, 4 * PAGE, 5 * PAGE).errno()).isEqualTo(ENOENT);
    assertThat(map(id, buf, PAGE, RW | FIXED, 4 * PAGE).ok()).as("lower area was removed").isTrue();
  }

  @Test
  void map_checksFlagsAndOverflowBeforeTheIoasLookup() {
    assertThat(map(99, 0, PAGE, 1 << 3, 0).errno()).isEqualTo(EOPNOTSUPP);
    assertThat(map(99, 0, -1L, RW, 0).errno()).isEqualTo(EOVERFLOW);
    assertThat(map(99, 0, PAGE, 0, 0).errno()).isEqualTo(EINVAL);
    assertThat(map(99, 0, PAGE, RW, 0).errno()).isEqualTo(ENOENT);
    int id = ioas();
    assertThat(map(id, -PAGE, PAGE, RW, 0).errno()).isEqualTo(EOVERFLOW);
    assertThat(map(id, 0, 0, RW, 0).errno()).isEqualTo(EINVAL);
    assertThat(unmap(99, 0, 0).errno()).as("UNMAP looks up first").isEqualTo(ENOENT);
  }

  @Test
  void iovaRanges_reportsHolesOfTheReservedSet_andEmsgsizeWithTheCount() {
    int id = ioas();
    assertThat(c.test("IOMMU_TEST_OP_ADD_RESERVED",
        Map.of("id", (long) id, "add_reserved.start", PAGE, "add_reserved.length", PAGE)).ok())
        .isTrue();
    long arr = c.alloc(64);
    Cprog.Call small = c.ioctl("IOMMU_IOAS_IOVA_RANGES",
        Map.of("ioas_id", (long) id, "num_iovas", 1L, "allowed_iovas", arr));
    assertThat(small.errno()).isEqualTo(EMSGSIZE);
    assertThat(small.out("num_iovas")).isEqualTo(2);
    assertThat(c.p.memory().load64(arr)).isZero();
    assertThat(c.p.memory().load64(arr + 8)).isEqualTo(PAGE - 1);
    assertThat(c.p.memory().load64(arr + 16)).as("never written past capacity").isZero();
    Cprog.Call full = c.ioctl("IOMMU_IOAS_IOVA_RANGES",
        Map.of("ioas_id", (long) id, "num_iovas", 4L, "allowed_iovas", arr));
    assertThat(full.ok()).isTrue();
    assertThat(c.p.memory().load64(arr + 16)).isEqualTo(2 * PAGE);
    assertThat(c.p.memory().load64(arr + 24)).isEqualTo(-1L);
    assertThat(full.out("out_iova_alignment")).isEqualTo(1);
  }

  @Test
  void copy_sharesASubRangeAcrossAreas_andCheckedWritePermission() {
    int a = ioas();
    int b = ioas();
    long buf = c.mmap(16 * PAGE);
    assertThat(map(a, buf, 2 * PAGE, RW | FIXED, 0x100000).ok()).isTrue();
    assertThat(map(a, buf + 2 * PAGE, 2 * PAGE, RW | FIXED, 0x102000).ok()).isTrue();
    Cprog.Call cp = c.ioctl("IOMMU_IOAS_COPY", Map.of("dst_ioas_id", (long) b,
        "src_ioas_id", (long) a, "length", 2 * PAGE, "src_iova", 0x101000L,
        "dst_iova", 0L, "flags", RW | FIXED));
    assertThat(cp.ok()).isTrue();
    assertThat(unmap(b, 0, PAGE).ok()).as("one destination area per source slice").isTrue();
    assertThat(unmap(b, PAGE, PAGE).ok()).isTrue();
    Cprog.Call gap = c.ioctl("IOMMU_IOAS_COPY", Map.of("dst_ioas_id", (long) b,
        "src_ioas_id", (long) a, "length", 5 * PAGE, "src_iova", 0x100000L, "flags", RW));
    assertThat(gap.errno()).isEqualTo(ENOENT);
  }

  @Test
  void allowIovas_rejectsSinglePointAndOverlaps_andReservedCollisions() {
    int id = ioas();
    long arr = c.alloc(64);
    c.p.memory().store64(arr, 0x1000);
    c.p.memory().store64(arr + 8, 0x1000);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOW_IOVAS",
        Map.of("ioas_id", (long) id, "num_iovas", 1L, "allowed_iovas", arr)).errno())
        .isEqualTo(EINVAL);
    c.p.memory().store64(arr + 8, 0x8fff);
    c.p.memory().store64(arr + 16, 0x8000);
    c.p.memory().store64(arr + 24, 0x9fff);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOW_IOVAS",
        Map.of("ioas_id", (long) id, "num_iovas", 2L, "allowed_iovas", arr)).errno())
        .isEqualTo(EINVAL);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOW_IOVAS",
        Map.of("ioas_id", (long) id, "num_iovas", 1L, "allowed_iovas", arr)).ok()).isTrue();
    assertThat(c.test("IOMMU_TEST_OP_ADD_RESERVED", Map.of("id", (long) id,
        "add_reserved.start", 0x2000L, "add_reserved.length", 0x1000L)).errno())
        .isEqualTo(EADDRINUSE);
  }

  @Test
  void hugePagesOff_raisesAlignment_andRefusesWhenAnAreaBreaksIt() {
    int id = ioas();
    long buf = c.mmap(16 * PAGE);
    assertThat(map(id, buf + 0x800, 0x800, RW | FIXED, 0x1000800).ok()).isTrue();
    Cprog.Call off = c.ioctl("IOMMU_OPTION", Map.of("option_id", 1L, "op", 0L,
        "object_id", (long) id, "val64", 0L));
    assertThat(off.errno()).isEqualTo(EADDRINUSE);
    assertThat(unmap(id, 0, -1L).ok()).isTrue();
    assertThat(c.ioctl("IOMMU_OPTION", Map.of("option_id", 1L, "op", 0L,
        "object_id", (long) id, "val64", 0L)).ok()).isTrue();
    Cprog.Call get = c.ioctl("IOMMU_OPTION", Map.of("option_id", 1L, "op", 1L,
        "object_id", (long) id));
    assertThat(get.out("val64")).isZero();
    assertThat(map(id, buf, 0x800, RW, 0).errno()).isEqualTo(EINVAL);
  }

  @Test
  void rlimitMode_needsAnEmptyTable() {
    assertThat(c.ioctl("IOMMU_OPTION", Map.of("option_id", 0L, "op", 0L, "val64", 1L)).ok())
        .isTrue();
    ioas();
    assertThat(c.ioctl("IOMMU_OPTION", Map.of("option_id", 0L, "op", 0L, "val64", 0L)).errno())
        .isEqualTo(EBUSY);
  }
}
