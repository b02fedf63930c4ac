package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_DATA_NONE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;

import java.util.List;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iommufd_backend_alloc_hwpt} (with the PRQ series' {@code fault_id}) sends
 * {@code IOMMU_HWPT_FAULT_ID_VALID} exactly when a non-zero fault id is passed, traces every
 * attempt with what the kernel left in {@code out_hwpt_id}, and on failure reports "Failed to
 * allocate hwpt" with the errno while leaving {@code out_hwpt} untouched.
 */
class HwptTest {
  @RegisterExtension final SimQemu sim = new SimQemu();
  private int ioas;
  private SimQemu.Dev dev;

  @BeforeEach
  void setUp() {
    sim.connect();
    ioas = sim.allocIoas();
    dev = sim.bind("dev0");
  }

  @Test
  void allocHwpt_pagingOnIoas_withoutFaultQueue() {
    sim.mark();
    IntRef hwpt = new IntRef();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, 0, (int) IOMMU_HWPT_DATA_NONE,
        0, 0, 0, hwpt, Errp.abort())).isTrue();

    assertThat(hwpt.value).isEqualTo(3);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_HWPT_ALLOC, {size=0x30, flags=0, "
        + "dev_id=2, pt_id=1, out_hwpt_id=0, __reserved=0, data_type=IOMMU_HWPT_DATA_NONE, data_len=0, "
        + "data_uptr=0, fault_id=0, __reserved2=0}) => {out_hwpt_id=3} = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_hwpt  iommufd=3 dev_id=2 "
        + "pt_id=1 flags=0x0 hwpt_type=0 len=0 data_ptr=0x0 fault_id=0 out_hwpt=3 (0)");
    assertThat(sim.host.stateDump()).contains("id 3 HWPT_PAGING");
  }

  @Test
  void allocHwpt_withFaultQueue_setsFaultIdValidAndTheId() {
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    assertThat(sim.be.iommufdBackendAllocFaultq(faultId, faultFd, Errp.abort())).isTrue();
    sim.mark();
    IntRef hwpt = new IntRef();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, 0, 0, 0, 0, faultId.value,
        hwpt, Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_HWPT_ALLOC, {size=0x30, flags=IOMMU_HWPT_FAULT_ID_VALID, "
        + "dev_id=2, pt_id=1, out_hwpt_id=0, __reserved=0, data_type=IOMMU_HWPT_DATA_NONE, data_len=0, "
        + "data_uptr=0, fault_id=3, __reserved2=0}) => {out_hwpt_id=4} = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_hwpt  iommufd=3 dev_id=2 "
        + "pt_id=1 flags=0x4 hwpt_type=0 len=0 data_ptr=0x0 fault_id=3 out_hwpt=4 (0)");
    assertThat(sim.host.stateDump()).contains("id 3 FAULT users=3", "id 4 HWPT_PAGING");

    closeAndFree(faultFd.value, faultId.value, hwpt.value);
  }

  @Test
  void allocHwpt_faultIdOfMissingFault_isEnoentAndLeavesOutHwpt() {
    sim.mark();
    IntRef hwpt = new IntRef(-7);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, 0, 0, 0, 0, 99, hwpt, errp))
        .isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate hwpt: No such file or directory");
    assertThat(errp.get().orElseThrow().osErrno()).isEqualTo(2);
    assertThat(hwpt.value).isEqualTo(-7);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_HWPT_ALLOC, {size=0x30, flags=IOMMU_HWPT_FAULT_ID_VALID, "
        + "dev_id=2, pt_id=1, out_hwpt_id=0, __reserved=0, data_type=IOMMU_HWPT_DATA_NONE, data_len=0, "
        + "data_uptr=0, fault_id=0x63, __reserved2=0}) = -1 ENOENT");
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_hwpt  iommufd=3 dev_id=2 "
        + "pt_id=1 flags=0x4 hwpt_type=0 len=0 data_ptr=0x0 fault_id=99 out_hwpt=0 (-1)");
    assertThat(sim.host.stateDump()).doesNotContain("HWPT");
  }

  @Test
  void allocHwpt_faultIdOfAnotherObjectType_isEnoent() {
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, 0, 0, 0, 0, ioas,
        new IntRef(), errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate hwpt: No such file or directory");
  }

  @Test
  void allocHwpt_faultIdWithNestParent_isEopnotsupp() {
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    assertThat(sim.be.iommufdBackendAllocFaultq(faultId, faultFd, Errp.abort())).isTrue();
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 0, 0, faultId.value, new IntRef(), errp))
        .isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate hwpt: Operation not supported");
    closeAndFree(faultFd.value, faultId.value);
  }

  /** Reference §8: FAULT_ID_VALID is set in what the kernel receives ⇔ fault_id != 0. */
  @Test
  void allocHwpt_faultIdValidIsSentExactlyWhenFaultIdIsNonZero() {
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    assertThat(sim.be.iommufdBackendAllocFaultq(faultId, faultFd, Errp.abort())).isTrue();
    List<Long> flagSets = List.of(0L, IOMMU_HWPT_ALLOC_NEST_PARENT,
        IOMMU_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_ALLOC_PASID,
        IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID);
    for (long flags : flagSets) {
      for (int fid : new int[] {0, faultId.value, 1234}) {
        sim.mark();
        IntRef hwpt = new IntRef();
        boolean ok = sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas, (int) flags, 0, 0, 0,
            fid, hwpt, Errp.none());
        String call = sim.calls().getFirst();
        long sent = 0;  // the trace spells the flags with the header's names, strace style
        for (String bit : call.replaceFirst(".*\\{size=0x30, flags=([^,]+),.*", "$1").split("\\|")) {
          sent |= Character.isDigit(bit.charAt(0)) ? Long.decode(bit)
              : org.iommufdsim.sim.uapi.Uapi.constant(bit).orElseThrow().value();
        }
        assertThat((sent & IOMMU_HWPT_FAULT_ID_VALID) != 0).as(call).isEqualTo(fid != 0);
        assertThat(sent & ~IOMMU_HWPT_FAULT_ID_VALID).as(call).isEqualTo(flags);
        if (ok) {
          sim.be.iommufdBackendFreeId(hwpt.value);
        }
      }
    }
    closeAndFree(faultFd.value, faultId.value);
  }

  @Test
  void allocHwpt_nestedOnNestParent_passesTheDriverData() {
    IntRef parent = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 0, 0, 0, parent, Errp.abort())).isTrue();
    long data = selftestHwptData();
    sim.mark();
    IntRef nested = new IntRef();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), parent.value, 0,
        (int) IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST, 8, data, 0, nested, Errp.abort()))
        .isTrue();

    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_hwpt  iommufd=3 dev_id=2 "
        + "pt_id=3 flags=0x0 hwpt_type=57005 len=8 data_ptr=0x" + Long.toHexString(data)
        + " fault_id=0 out_hwpt=4 (0)");
    assertThat(sim.host.stateDump()).contains("id 4 HWPT_NESTED");
    sim.be.iommufdBackendFreeId(nested.value);
    sim.be.iommufdBackendFreeId(parent.value);
  }

  @Test
  void allocHwpt_pastIdMissing_isEinval() {
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), 77, 0, 0, 0, 0, 0, new IntRef(),
        errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate hwpt: Invalid argument");
  }

  /** {@code struct iommu_hwpt_selftest {.iotlb = IOMMU_TEST_IOTLB_DEFAULT}} on the heap. */
  private long selftestHwptData() {
    long data = sim.libc.gMalloc0(IommufdTestUapi.iommu_hwpt_selftest.size());
    UStruct.at(sim.libc.memory(), IommufdTestUapi.iommu_hwpt_selftest, data)
        .set("iotlb", IommufdTestUapi.IOMMU_TEST_IOTLB_DEFAULT);
    return data;
  }

  /** Teardown in the order QEMU must use: HWPTs, then close the fault fd, then the fault. */
  private void closeAndFree(int faultFd, int faultId, int... hwpts) {
    for (int h : hwpts) {
      sim.be.iommufdBackendFreeId(h);
    }
    assertThat(sim.libc.close(faultFd)).isZero();
    sim.be.iommufdBackendFreeId(faultId);
    assertThat(sim.stderr()).isEmpty();
  }
}
