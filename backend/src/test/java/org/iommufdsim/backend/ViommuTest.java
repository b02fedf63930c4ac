package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_VEVENTQ_TYPE_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_VIOMMU_TYPE_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vIOMMU family ({@code alloc_viommu}, {@code alloc_vdev}, {@code alloc_veventq}) and the
 * PRQ series' {@code alloc_faultq} create their objects on the mock driver, trace each attempt
 * (the vIOMMU line with QEMU's swapped labels), report QEMU's messages on failure, and can be
 * torn down without a single EBUSY in the order QEMU's callers use.
 */
class ViommuTest {
  @RegisterExtension final SimQemu sim = new SimQemu();
  private SimQemu.Dev dev;
  private int parent;

  @BeforeEach
  void setUp() {
    sim.connect();
    int ioas = sim.allocIoas();
    dev = sim.bind("dev0");
    IntRef h = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), ioas,
        (int) IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 0, 0, 0, h, Errp.abort())).isTrue();
    parent = h.value;
    assertThat(sim.attach(dev, 0, parent)).isZero();
  }

  @Test
  void allocViommu_onNestParent_tracesDevIdUnderTheTypeLabel() {
    sim.mark();
    IntRef viommu = new IntRef();

    assertThat(sim.be.iommufdBackendAllocViommu(dev.devid(), (int) IOMMU_VIOMMU_TYPE_SELFTEST,
        parent, viommu, Errp.abort())).isTrue();

    assertThat(viommu.value).isEqualTo(4);
    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_VIOMMU_ALLOC, {size=0x28, flags=0, "
        + "type=IOMMU_VIOMMU_TYPE_SELFTEST, dev_id=2, hwpt_id=3, out_viommu_id=0, data_len=0, __reserved=0, "
        + "data_uptr=0}) => {out_viommu_id=4} = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_viommu  iommufd=3 type=2 "
        + "dev_id=3735928559 hwpt_id=3 viommu_id=4 (0)");
    assertThat(sim.host.stateDump()).contains("id 4 VIOMMU");
  }

  @Test
  void allocViommu_notANestParent_isEinval() {
    IntRef plain = new IntRef();
    assertThat(sim.be.iommufdBackendAllocHwpt(dev.devid(), 1, 0, 0, 0, 0, 0, plain,
        Errp.abort())).isTrue();
    sim.mark();
    IntRef viommu = new IntRef(-7);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocViommu(dev.devid(), (int) IOMMU_VIOMMU_TYPE_SELFTEST,
        plain.value, viommu, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("IOMMU_VIOMMU_ALLOC failed: Invalid argument");
    assertThat(viommu.value).isEqualTo(-7);
    assertThat(sim.traced()).containsExactly("iommufd_backend_alloc_viommu  iommufd=3 type=2 "
        + "dev_id=3735928559 hwpt_id=4 viommu_id=0 (-1)");
    sim.be.iommufdBackendFreeId(plain.value);
  }

  @Test
  void allocVdev_thenASecondOneForTheSameDevice_isEexist() {
    int viommu = allocViommu();
    sim.mark();
    IntRef vdev = new IntRef();

    assertThat(sim.be.iommufdBackendAllocVdev(dev.devid(), viommu, 0x1234, vdev, Errp.abort()))
        .isTrue();
    Errp errp = Errp.local();
    IntRef second = new IntRef(-7);
    assertThat(sim.be.iommufdBackendAllocVdev(dev.devid(), viommu, 0x99, second, errp))
        .isFalse();

    assertThat(vdev.value).isEqualTo(5);
    assertThat(second.value).isEqualTo(-7);
    assertThat(errp.pretty()).isEqualTo("IOMMU_VDEVICE_ALLOC failed: File exists");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_alloc_vdev  iommufd=3 dev_id=2 viommu_id=4 virt_id=0x1234 vdev_id=5 (0)",
        "iommufd_backend_alloc_vdev  iommufd=3 dev_id=2 viommu_id=4 virt_id=0x99 vdev_id=0 (-1)");
    assertThat(sim.host.stateDump()).contains("id 5 VDEVICE");
  }

  @Test
  void allocVeventq_returnsAnFdTheCallerCloses() {
    int viommu = allocViommu();
    sim.mark();
    IntRef id = new IntRef();
    IntRef fd = new IntRef();

    assertThat(sim.be.iommufdBackendAllocVeventq(viommu, (int) IOMMU_VEVENTQ_TYPE_SELFTEST, 64,
        id, fd, Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_VEVENTQ_ALLOC, {size=0x20, flags=0, "
        + "viommu_id=4, type=IOMMU_VEVENTQ_TYPE_SELFTEST, veventq_depth=0x40, out_veventq_id=0, "
        + "out_veventq_fd=0, __reserved=0}) => {out_veventq_id=5, out_veventq_fd=5} = 0");
    assertThat(sim.traced()).containsExactly("iommufd_viommu_alloc_eventq  iommufd=3 "
        + "viommu_id=4 type=3203383023 veventq_id=5 veventq_fd=5 (0)");
    assertThat(sim.host.stateDump()).contains("id 5 VEVENTQ", "5=anon_inode:[iommufd-viommu-event]");

    Errp errp = Errp.local();
    assertThat(sim.be.iommufdBackendAllocVeventq(viommu, (int) IOMMU_VEVENTQ_TYPE_SELFTEST, 64,
        new IntRef(), new IntRef(), errp)).isFalse();
    assertThat(errp.pretty()).isEqualTo("IOMMU_VEVENTQ_ALLOC failed: File exists");

    assertThat(sim.libc.close(fd.value)).isZero();
    sim.be.iommufdBackendFreeId(id.value);
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void allocFaultq_returnsIdAndFd() {
    sim.mark();
    IntRef id = new IntRef();
    IntRef fd = new IntRef();

    assertThat(sim.be.iommufdBackendAllocFaultq(id, fd, Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly("ioctl(3, IOMMU_FAULT_QUEUE_ALLOC, {size=0x10, "
        + "flags=0, out_fault_id=0, out_fault_fd=0}) => {out_fault_id=4, out_fault_fd=5} = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_alloc_faultq  iommufd=3 fault_id=4 fault_fd=5 (0)");
    assertThat(sim.host.stateDump()).contains("id 4 FAULT", "5=anon_inode:[iommufd-pgfault]");
  }

  @Test
  void allocFaultq_kernelFails_reportsAndLeavesOutputs() {
    sim.proc.failNth(1);
    sim.mark();
    IntRef id = new IntRef(-7);
    IntRef fd = new IntRef(-7);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendAllocFaultq(id, fd, errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("IOMMU_FAULT_QUEUE_ALLOC failed: Cannot allocate memory");
    assertThat(id.value).isEqualTo(-7);
    assertThat(fd.value).isEqualTo(-7);
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_alloc_faultq  iommufd=3 fault_id=0 fault_fd=0 (-1)");
    assertThat(sim.host.stateDump()).doesNotContain("FAULT");
  }

  /** SMMUv3-style teardown: vEVENTQ (fd first), vDEVICE, vIOMMU, then the parent. */
  @Test
  void teardown_inQemuOrder_freesEverythingWithoutErrors() {
    int viommu = allocViommu();
    IntRef vdev = new IntRef();
    IntRef veventq = new IntRef();
    IntRef veventqFd = new IntRef();
    assertThat(sim.be.iommufdBackendAllocVdev(dev.devid(), viommu, 1, vdev, Errp.abort()))
        .isTrue();
    assertThat(sim.be.iommufdBackendAllocVeventq(viommu, (int) IOMMU_VEVENTQ_TYPE_SELFTEST, 8,
        veventq, veventqFd, Errp.abort())).isTrue();
    sim.mark();

    assertThat(sim.libc.close(veventqFd.value)).isZero();
    sim.be.iommufdBackendFreeId(veventq.value);
    sim.be.iommufdBackendFreeId(vdev.value);
    sim.be.iommufdBackendFreeId(viommu);
    assertThat(sim.detach(dev, 0)).isZero();
    sim.be.iommufdBackendFreeId(parent);

    assertThat(sim.stderr()).isEmpty();
    assertThat(sim.traced()).allMatch(l -> l.endsWith(" (0)"));
    assertThat(sim.host.stateDump()).doesNotContain("VIOMMU", "VDEVICE", "VEVENTQ", "HWPT");
  }

  @Test
  void freeId_viommuStillUsed_isOnlyLoggedAsEbusy() {
    int viommu = allocViommu();
    IntRef vdev = new IntRef();
    assertThat(sim.be.iommufdBackendAllocVdev(dev.devid(), viommu, 1, vdev, Errp.abort()))
        .isTrue();
    sim.mark();

    sim.be.iommufdBackendFreeId(viommu);

    assertThat(sim.stderr()).containsExactly("Failed to free id: 4 Device or resource busy");
    assertThat(sim.host.stateDump()).contains("id 4 VIOMMU");
  }

  private int allocViommu() {
    IntRef viommu = new IntRef();
    assertThat(sim.be.iommufdBackendAllocViommu(dev.devid(), (int) IOMMU_VIOMMU_TYPE_SELFTEST,
        parent, viommu, Errp.abort())).isTrue();
    return viommu.value;
  }
}
