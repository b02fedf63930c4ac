package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iommufd_backend_alloc_ioas} and {@code iommufd_backend_free_id} issue
 * {@code IOMMU_IOAS_ALLOC} and {@code IOMMU_DESTROY} as QEMU does: the IOAS is traced only on
 * success, and a failed destroy is only reported on stderr, never returned.
 */
class IoasAndFreeIdTest {
  @RegisterExtension final SimQemu sim = new SimQemu();

  @Test
  void allocIoas_success_tracesAndReturnsTheId() {
    sim.connect();
    sim.mark();
    IntRef ioas = new IntRef(-7);

    assertThat(sim.be.iommufdBackendAllocIoas(ioas, Errp.abort())).isTrue();

    assertThat(ioas.value).isEqualTo(1);
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) => {out_ioas_id=1} = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_ioas  iommufd=3 ioas=1");
    assertThat(sim.host.stateDump()).contains("id 1 IOAS users=1");
  }

  @Test
  void allocIoas_kernelFails_setsErrorWithoutTraceAndLeavesOutput() {
    sim.connect();
    sim.proc.failNth(1);
    sim.mark();
    IntRef ioas = new IntRef(-7);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocIoas(ioas, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate ioas: Cannot allocate memory");
    assertThat(errp.get().orElseThrow().osErrno()).isEqualTo(12);
    assertThat(ioas.value).isEqualTo(-7);
    assertThat(sim.calls()).endsWith(
        "ioctl(3, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) = -1 ENOMEM");
    assertThat(sim.traced()).isEmpty();
    assertThat(sim.host.stateDump()).doesNotContain("IOAS");
  }

  @Test
  void allocIoas_notConnected_isEbadf() {
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocIoas(new IntRef(), errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("Failed to allocate ioas: Bad file descriptor");
    assertThat(sim.calls()).containsExactly(
        "ioctl(-1, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) = -1 EBADF");
  }

  @Test
  void freeId_success_tracesZero() {
    sim.connect();
    int ioas = sim.allocIoas();
    sim.mark();

    sim.be.iommufdBackendFreeId(ioas);

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_DESTROY, {size=8, id=1}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_free_id  iommufd=3 id=1 (0)");
    assertThat(sim.stderr()).isEmpty();
    assertThat(sim.host.stateDump()).doesNotContain("IOAS");
  }

  @Test
  void freeId_missingObject_onlyReportsEnoent() {
    sim.connect();
    sim.mark();

    sim.be.iommufdBackendFreeId(42);

    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_DESTROY, {size=8, id=0x2a}) = -1 ENOENT");
    assertThat(sim.traced()).containsExactly("iommufd_backend_free_id  iommufd=3 id=42 (-1)");
    assertThat(sim.stderr()).containsExactly("Failed to free id: 42 No such file or directory");
  }

  @Test
  void freeId_objectInUse_onlyReportsEbusyAndObjectStays() {
    sim.connect();
    int ioas = sim.allocIoas();
    SimQemu.Dev dev = sim.bind("dev0");
    assertThat(sim.attach(dev, 0, ioas)).isZero();
    sim.mark();

    sim.be.iommufdBackendFreeId(ioas);

    assertThat(sim.traced()).containsExactly("iommufd_backend_free_id  iommufd=3 id=1 (-1)");
    assertThat(sim.stderr()).containsExactly("Failed to free id: 1 Device or resource busy");
    assertThat(sim.host.stateDump()).contains("id 1 IOAS");
  }

  @Test
  void freeId_idAboveInt32Max_printsSignedInTraceAndUnsignedInReport() {
    sim.connect();
    sim.mark();

    sim.be.iommufdBackendFreeId(0x80000001);

    assertThat(sim.traced())
        .containsExactly("iommufd_backend_free_id  iommufd=3 id=-2147483647 (-1)");
    assertThat(sim.stderr())
        .containsExactly("Failed to free id: 2147483649 No such file or directory");
  }
}
