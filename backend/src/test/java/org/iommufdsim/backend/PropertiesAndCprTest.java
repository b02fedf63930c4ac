package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.Migration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code fd} property, {@code complete} and the CPR helpers behave as in
 * {@code backends/iommufd.c}: a number or a monitor fd name makes the backend non-owning (and
 * a bad one prefixes "Could not parse remote object fd"), a passed-in fd is saved for CPR or
 * restored from it, and {@code IOMMU_IOAS_CHANGE_PROCESS} is probed silently or issued with a
 * trace and an error.
 */
class PropertiesAndCprTest {
  @RegisterExtension final SimQemu sim = new SimQemu();

  @Test
  void setFd_number_makesTheBackendNonOwning() {
    sim.be.iommufdBackendSetFd("5", Errp.abort());

    assertThat(sim.be.fd()).isEqualTo(5);
    assertThat(sim.be.owned()).isFalse();
    assertThat(sim.traced()).containsExactly("iommu_backend_set_fd pre-opened /dev/iommu fd=5");
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void setFd_notANumberAtCommandLineTime_isPrefixedError() {
    Errp errp = Errp.local();

    sim.be.iommufdBackendSetFd("abc", errp);

    assertThat(errp.pretty())
        .isEqualTo("Could not parse remote object fd abc:Invalid file descriptor number 'abc'");
    assertThat(sim.be.owned()).isTrue();
    assertThat(sim.be.fd()).isEqualTo(-1);
    assertThat(sim.traced()).isEmpty();
  }

  @Test
  void setFd_monitorName_takesTheNamedFdOnce() {
    int fd = sim.libc.open("/dev/iommu");
    sim.qemu.monitor().setCurrent(true);
    sim.qemu.monitor().getfd("iommufd-fd", fd);

    sim.be.iommufdBackendSetFd("iommufd-fd", Errp.abort());
    assertThat(sim.be.fd()).isEqualTo(fd);

    IOMMUFDBackend other = new IOMMUFDBackend(sim.qemu, "iommufd1");
    Errp errp = Errp.local();
    other.iommufdBackendSetFd("iommufd-fd", errp);
    assertThat(errp.pretty()).isEqualTo("Could not parse remote object fd iommufd-fd:"
        + "File descriptor named 'iommufd-fd' has not been found");
  }

  @Test
  void complete_passedInFd_isSavedForCpr() {
    sim.be.iommufdBackendSetFd("7", Errp.abort());

    sim.be.iommufdBackendComplete(Errp.abort());

    assertThat(sim.qemu.cpr().cprFindFd("iommufd0", 0)).isEqualTo(7);
  }

  @Test
  void complete_cprIncoming_takesTheSavedFd() {
    sim.qemu.cpr().cprSaveFd("iommufd0", 0, 9);
    sim.qemu.cpr().setIncoming(true);
    sim.be.iommufdBackendSetFd("7", Errp.abort());

    sim.be.iommufdBackendComplete(Errp.abort());

    assertThat(sim.be.fd()).isEqualTo(9);
  }

  @Test
  void complete_ownedBackend_doesNothing() {
    sim.be.iommufdBackendComplete(Errp.abort());

    assertThat(sim.qemu.cpr().fds()).isEmpty();
    assertThat(sim.be.fd()).isEqualTo(-1);
  }

  @Test
  void changeProcess_nothingMapped_succeedsWithTrace() {
    sim.connect();
    sim.mark();

    assertThat(sim.be.iommufdChangeProcess(Errp.abort())).isTrue();

    assertThat(sim.calls()).containsExactly(
        "ioctl(3, IOMMU_IOAS_CHANGE_PROCESS, {size=8, __reserved=0}) = 0");
    assertThat(sim.traced()).containsExactly("iommufd_change_process fd=3 (1)");
  }

  @Test
  void changeProcess_userVaMapping_failsNamingTheFd() {
    sim.connect();
    int ioas = sim.allocIoas();
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, sim.ram(0x1000), false))
        .isZero();
    sim.mark();
    Errp errp = Errp.local();

    assertThat(sim.be.iommufdChangeProcessCapable()).isFalse();
    assertThat(sim.be.iommufdChangeProcess(errp)).isFalse();

    assertThat(errp.pretty())
        .isEqualTo("IOMMU_IOAS_CHANGE_PROCESS fd 3 failed: Invalid argument");
    assertThat(sim.traced()).containsExactly("iommufd_change_process fd=3 (0)");
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void cprVmstateHooks_preSaveReportsUnsupportedMemory_postLoadChangesProcess() {
    sim.connect();
    Migration.Vmstate vmstate = sim.qemu.migration().vmstates().getFirst();
    sim.mark();

    assertThat(vmstate.postLoad().getAsInt()).isZero();
    assertThat(sim.traced()).containsExactly("iommufd_change_process fd=3 (1)");

    int ioas = sim.allocIoas();
    assertThat(sim.be.iommufdBackendMapDma(ioas, 0x100000, 0x1000, sim.ram(0x1000), false))
        .isZero();
    sim.mark();
    assertThat(vmstate.preSave().getAsInt()).isEqualTo(-1);
    assertThat(sim.stderr())
        .containsExactly("some memory regions do not support IOMMU_IOAS_CHANGE_PROCESS");
    assertThat(vmstate.postLoad().getAsInt()).isEqualTo(-1);
    assertThat(sim.stderr()).endsWith("IOMMU_IOAS_CHANGE_PROCESS fd 3 failed: Invalid argument");
  }

  @Test
  void mapFileDma_isChangeProcessCapable() {
    sim.connect();
    int ioas = sim.allocIoas();
    int mfd = sim.memfd(0x1000);
    assertThat(sim.be.iommufdBackendMapFileDma(ioas, 0x100000, 0x1000, mfd, 0, false)).isZero();

    assertThat(sim.be.iommufdChangeProcessCapable()).isTrue();
  }
}
