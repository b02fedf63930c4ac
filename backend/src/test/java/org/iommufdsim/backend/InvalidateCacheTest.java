package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_IOTLB_DEFAULT;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_VIOMMU_TYPE_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_hwpt_invalidate_selftest;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_hwpt_selftest;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_viommu_invalidate_selftest;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;

import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iommufd_backend_invalidate_cache} sends an array of driver entries to a nested HWPT
 * or a vIOMMU, always writes back how many the kernel handled, traces errno (not the raw
 * return), and reports the total and processed counts when the kernel stops early.
 */
class InvalidateCacheTest {
  @RegisterExtension final SimQemu sim = new SimQemu();
  private SimQemu.Dev dev;
  private int parent;
  private int nested;

  @BeforeEach
  void setUp() {
    sim.connect();
    int ioas = sim.allocIoas();
    dev = sim.bind("dev0");
    IntRef p = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 0, 0, 0, p, Errp.abort())).isTrue();
    parent = p.value;
    long data = sim.libc.gMalloc0(iommu_hwpt_selftest.size());
    UStruct.at(sim.libc.memory(), iommu_hwpt_selftest, data)
        .set("iotlb", IOMMU_TEST_IOTLB_DEFAULT);
    IntRef n = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), parent, 0,
        (int) IOMMU_HWPT_DATA_SELFTEST, iommu_hwpt_selftest.size(), data, 0, n, Errp.abort()))
        .isTrue();
    nested = n.value;
  }

  @Test
  void invalidateCache_nestedHwpt_allEntriesHandled() {
    long entries = hwptEntries(0, 1);
    sim.mark();
    IntRef num = new IntRef(2);

    assertThat(sim.be.iommufdBackendInvalidateCache(nested,
        (int) IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 8, num, entries, Errp.abort())).isTrue();

    assertThat(num.value).isEqualTo(2);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_HWPT_INVALIDATE, {size=0x20, "
        + "hwpt_id=4, data_uptr=0x" + Long.toHexString(entries) + ", data_type=IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, "
        + "entry_len=8, entry_num=2, __reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_invalidate_cache  iommufd=3 id=4 "
        + "data_type=3735928559 entry_len=8 entry_num=2 done_num=2 data_ptr=0x"
        + Long.toHexString(entries) + " (0)");
  }

  @Test
  void invalidateCache_kernelStopsAtABadEntry_reportsTotalAndProcessed() {
    long entries = hwptEntries(1, 4);
    sim.mark();
    IntRef num = new IntRef(2);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendInvalidateCache(nested,
        (int) IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 8, num, entries, errp)).isFalse();

    assertThat(num.value).isEqualTo(1);
    assertThat(errp.pretty()).isEqualTo(
        "IOMMU_HWPT_INVALIDATE failed: total 2 entries, processed 1 entries: Invalid argument");
    assertThat(sim.traced().getFirst()).contains(" entry_num=2 done_num=1 ").endsWith(" (22)");
  }

  @Test
  void invalidateCache_pagingHwpt_isEinvalWithNothingProcessed() {
    IntRef num = new IntRef(1);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendInvalidateCache(parent,
        (int) IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 8, num, hwptEntries(0), errp)).isFalse();

    assertThat(num.value).isZero();
    assertThat(errp.pretty()).isEqualTo(
        "IOMMU_HWPT_INVALIDATE failed: total 1 entries, processed 0 entries: Invalid argument");
  }

  @Test
  void invalidateCache_viommu_handlesVdeviceEntries() {
    assertThat(sim.attach(dev, 0, parent)).isZero();
    IntRef viommu = new IntRef();
    assertThat(sim.be.iommufdBackendAllocViommu(dev.devid(), (int) IOMMU_VIOMMU_TYPE_SELFTEST,
        parent, viommu, Errp.abort())).isTrue();
    assertThat(sim.be.iommufdBackendAllocVdev(dev.devid(), viommu.value, 0x99, new IntRef(),
        Errp.abort())).isTrue();
    long entry = sim.libc.gMalloc0(iommu_viommu_invalidate_selftest.size());
    UStruct.at(sim.libc.memory(), iommu_viommu_invalidate_selftest, entry)
        .set("vdev_id", 0x99).set("cache_id", 1);
    sim.mark();
    IntRef num = new IntRef(1);

    assertThat(sim.be.iommufdBackendInvalidateCache(viommu.value,
        (int) IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, iommu_viommu_invalidate_selftest.size(),
        num, entry, Errp.abort())).isTrue();

    assertThat(num.value).isEqualTo(1);
    assertThat(sim.traced().getFirst()).contains(" id=5 ", " entry_num=1 done_num=1 ")
        .endsWith(" (0)");
  }

  /** {@code struct iommu_hwpt_invalidate_selftest[]}, one per iotlb id. */
  private long hwptEntries(int... iotlbIds) {
    int size = iommu_hwpt_invalidate_selftest.size();
    long base = sim.libc.gMalloc0((long) size * iotlbIds.length);
    for (int i = 0; i < iotlbIds.length; i++) {
      UStruct.at(sim.libc.memory(), iommu_hwpt_invalidate_selftest, base + (long) i * size)
          .set("iotlb_id", iotlbIds[i]);
    }
    return base;
  }
}
