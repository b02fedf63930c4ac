package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.vfio.CprIommufd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend's user count and fd ownership follow {@code iommufd_backend_connect} /
 * {@code _disconnect} / {@code _finalize}: an owned fd is opened once per 0→1 transition and
 * closed at 1→0, a passed-in fd is never closed, and a failed connect leaves everything as it
 * was.
 */
class ConnectTest {
  @RegisterExtension final SimQemu sim = new SimQemu();

  @Test
  void connect_firstUser_opensDevIommuAndProbesChangeProcess() {
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendConnect(errp)).isTrue();

    assertThat(errp.isSet()).isFalse();
    assertThat(sim.calls()).containsExactly(
        "open(\"/dev/iommu\") = 3",
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_backend_connect fd=3 owned=1 users=1");
    assertThat(sim.be.fd()).isEqualTo(3);
    assertThat(sim.be.users()).isEqualTo(1);
    assertThat(sim.be.cprBlocker()).isNull();
    assertThat(sim.qemu.migration().vmstates()).extracting(v -> v.name())
        .containsExactly(CprIommufd.VMSTATE_NAME);
    assertThat(sim.qemu.cpr().fds()).extracting(f -> f.name() + "/" + f.id() + "=" + f.fd())
        .containsExactly("iommufd0/0=3");
    assertThat(sim.host.stateDump()).contains("3=/dev/iommu");
  }

  @Test
  void connect_secondUser_onlyCounts() {
    sim.connect();
    sim.mark();

    assertThat(sim.be.iommufdBackendConnect(Errp.abort())).isTrue();

    assertThat(sim.calls()).isEmpty();
    assertThat(sim.traced()).containsExactly("iommufd_backend_connect fd=3 owned=1 users=2");
    assertThat(sim.be.users()).isEqualTo(2);
  }

  @Test
  void disconnect_lastUser_closesOwnedFdAndUnregisters() {
    sim.connect();
    sim.connect();
    sim.mark();

    sim.be.iommufdBackendDisconnect();
    assertThat(sim.calls()).isEmpty();
    sim.be.iommufdBackendDisconnect();

    assertThat(sim.calls()).containsExactly("close(3) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_disconnect fd=3 users=1",
        "iommufd_backend_disconnect fd=-1 users=0");
    assertThat(sim.be.fd()).isEqualTo(-1);
    assertThat(sim.qemu.migration().vmstates()).isEmpty();
    assertThat(sim.qemu.cpr().fds()).isEmpty();
    assertThat(sim.host.stateDump()).doesNotContain("/dev/iommu");
  }

  @Test
  void disconnect_withoutUsers_onlyTraces() {
    sim.be.iommufdBackendDisconnect();

    assertThat(sim.calls()).isEmpty();
    assertThat(sim.traced()).containsExactly("iommufd_backend_disconnect fd=-1 users=0");
    assertThat(sim.be.users()).isZero();
  }

  @Test
  void reconnect_afterLastDisconnect_opensAgain() {
    sim.connect();
    sim.be.iommufdBackendDisconnect();
    sim.mark();

    sim.connect();

    assertThat(sim.calls()).containsExactly(
        "open(\"/dev/iommu\") = 3",
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = 0");
  }

  @Test
  void connect_openFails_reportsAndLeavesStateUnchanged() {
    sim.proc.failNth(1);
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendConnect(errp)).isFalse();

    assertThat(errp.pretty())
        .isEqualTo("Could not open '/dev/iommu': Cannot allocate memory");
    assertThat(sim.calls()).containsExactly(
        "write(/proc/self/task/1/fail-nth, \"1\") = 0",
        "open(\"/dev/iommu\") = -1 ENOMEM");
    assertThat(sim.traced()).isEmpty();
    assertThat(sim.be.users()).isZero();
    assertThat(sim.be.fd()).isEqualTo(-1);
    assertThat(sim.qemu.cpr().fds()).isEmpty();
  }

  @Test
  void passedInFd_isUsedAndNeverClosed() {
    int fd = sim.libc.open("/dev/iommu");
    sim.be.iommufdBackendSetFd(Integer.toString(fd), Errp.abort());
    sim.be.iommufdBackendComplete(Errp.abort());
    sim.mark();

    sim.connect();
    sim.be.iommufdBackendDisconnect();
    sim.be.iommufdBackendFinalize();

    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly(
        "iommufd_backend_connect fd=3 owned=0 users=1",
        "iommufd_backend_disconnect fd=3 users=0");
    assertThat(sim.be.fd()).isEqualTo(3);
    assertThat(sim.host.stateDump()).contains("3=/dev/iommu");
  }

  @Test
  void finalize_ownedFd_isClosedEvenWhenNotOpen() {
    sim.be.iommufdBackendFinalize();

    assertThat(sim.calls()).containsExactly("close(-1) = -1 EBADF");
    assertThat(sim.be.fd()).isEqualTo(-1);
  }

  @Test
  void canBeDeleted_onlyWithoutUsers() {
    assertThat(sim.be.iommufdBackendCanBeDeleted()).isTrue();
    sim.connect();
    assertThat(sim.be.iommufdBackendCanBeDeleted()).isFalse();
    sim.be.iommufdBackendDisconnect();
    assertThat(sim.be.iommufdBackendCanBeDeleted()).isTrue();
  }

  @Test
  void connect_changeProcessUnsupported_installsCprBlocker() {
    int fd = passInFdWithUserVaMapping();
    sim.mark();

    assertThat(sim.be.iommufdBackendConnect(Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly(
        "ioctl(" + fd + ", IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = -1 EINVAL");
    assertThat(sim.be.cprBlocker().pretty())
        .isEqualTo("vfio iommufd backend does not support IOMMU_IOAS_CHANGE_PROCESS");
    assertThat(sim.qemu.migration().blockers()).containsExactly(sim.be.cprBlocker());
    assertThat(sim.qemu.migration().vmstates()).isEmpty();

    sim.be.iommufdBackendDisconnect();
    assertThat(sim.qemu.migration().blockers()).isEmpty();
    assertThat(sim.be.cprBlocker()).isNull();
  }

  @Test
  void connect_blockerRefused_failsWithoutUsersAndKeepsPassedInFd() {
    int fd = passInFdWithUserVaMapping();
    sim.qemu.migration().setOnlyMigratable(true);
    sim.mark();
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdBackendConnect(errp)).isFalse();

    assertThat(errp.pretty()).isEqualTo("disallowing migration blocker (--only-migratable) for: "
        + "vfio iommufd backend does not support IOMMU_IOAS_CHANGE_PROCESS");
    assertThat(sim.be.users()).isZero();
    assertThat(sim.be.fd()).isEqualTo(fd);
    assertThat(sim.be.cprBlocker()).isNull();
    assertThat(sim.traced()).isEmpty();
  }

  /**
   * QEMU bug reproduced (reference §7, "connect ... no cpr_delete_fd"): when CPR registration
   * fails for an owned backend, connect closes the fd but leaves it in the CPR fd list, so the
   * next connect's {@code cpr_open_fd} "finds" the closed fd number instead of opening
   * {@code /dev/iommu}, and the backend then works on a dead descriptor.
   */
  @Test
  void connect_failedCprRegistration_leavesStaleCprFd_qemuBug() {
    int mgmtFd = openWithUserVaMapping();
    sim.qemu.cpr().cprSaveFd("iommufd0", 0, mgmtFd);
    sim.qemu.migration().setOnlyMigratable(true);
    sim.mark();

    assertThat(sim.be.iommufdBackendConnect(Errp.local())).isFalse();
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = -1 EINVAL",
        "close(3) = 0");
    assertThat(sim.be.fd()).isEqualTo(-1);
    assertThat(sim.qemu.cpr().cprFindFd("iommufd0", 0)).isEqualTo(mgmtFd);

    sim.qemu.migration().setOnlyMigratable(false);
    sim.mark();
    assertThat(sim.be.iommufdBackendConnect(Errp.abort())).isTrue();
    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = -1 EBADF");
    Errp errp = Errp.local();
    assertThat(sim.be.iommufdBackendAllocIoas(new IntRef(), errp)).isFalse();
    assertThat(errp.pretty()).isEqualTo("Failed to allocate ioas: Bad file descriptor");
  }

  /** An iommufd with a user-VA area, which IOMMU_IOAS_CHANGE_PROCESS refuses (EINVAL). */
  private int openWithUserVaMapping() {
    int fd = sim.libc.open("/dev/iommu");
    IOMMUFDBackend mgmt = new IOMMUFDBackend(sim.qemu, "mgmt");
    mgmt.iommufdBackendSetFd(Integer.toString(fd), Errp.abort());
    IntRef ioas = new IntRef();
    assertThat(mgmt.iommufdBackendAllocIoas(ioas, Errp.abort())).isTrue();
    assertThat(mgmt.iommufdBackendMapDma(ioas.value, 0x100000, 0x1000, sim.ram(0x1000), false))
        .isZero();
    return fd;
  }

  private int passInFdWithUserVaMapping() {
    int fd = openWithUserVaMapping();
    sim.be.iommufdBackendSetFd(Integer.toString(fd), Errp.abort());
    return fd;
  }
}
