package org.iommufdsim.scenarios.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_IOTLB_DEFAULT;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_hwpt_invalidate_selftest;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_hwpt_selftest;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.Process;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.LinuxUapi;
import org.iommufdsim.sim.uapi.VfioUapi;
import org.junit.jupiter.api.Test;

/**
 * The QEMU backend port, driven over a {@link RecordingSyscalls}, leaves a transcript that
 * {@code check} passes on a fresh host, ending in the same kernel state: QEMU's heap and stack
 * (where it builds its structs) stay out of it, guest RAM is a {@code $map} variable, driver
 * data and invalidation entries are given by value, and the fault queue's fd is a variable.
 */
class QemuTranscriptTest {

  @Test
  void backendSession_transcriptReplaysToTheSameState() {
    Host host = Host.create(HostConfig.defaults()
        .withDevices(List.of(DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")))));
    Process proc = host.spawn();
    RecordingSyscalls rec = new RecordingSyscalls(proc);
    drive(rec);
    proc.exit();

    String text = ScnTranscript.render("a QEMU backend session", host.config(), rec);

    Scenario s = Scn.parse(text);
    assertThat(Formatter.format(s)).isEqualTo(text);
    List<Host> replay = new ArrayList<>();
    RunReport r = Runner.run(s, true, UnaryOperator.identity(), replay::add);
    assertThat(r).as(text).isInstanceOfSatisfying(RunReport.Finished.class,
        f -> assertThat(f.passed()).as(f + "\n" + text).isTrue());
    assertThat(replay.getFirst().stateDump()).isEqualTo(host.stateDump());
    assertThat(RoundTrip.normalized(replay.getFirst().trace()))
        .isEqualTo(RoundTrip.normalized(host.trace()));

    assertThat(text).startsWith("@title \"a QEMU backend session\"\n"
        + "@device dev0 driver=mock pasid_bits=20\n\n");
    assertThat(text.lines().filter(l -> l.startsWith("mmap ")))
        .as("only guest RAM: QEMU's heap and stack hold structs only").hasSize(1);
    assertThat(text).contains("IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=4 out_fault_fd=$fd5",
        "data={iotlb=0x" + Long.toHexString(IOMMU_TEST_IOTLB_DEFAULT) + "}",
        "data=[{} {iotlb_id=1}]", "user_va=$map1 ", "$fd5: read count=64 -> ",
        "$fd3: IOMMU_HWPT_ALLOC flags=4 dev_id=2 pt_id=3 fault_id=77 -> EOPNOTSUPP");
  }

  /** What QEMU's VFIO code and the backend do for one device with a nested, faultable HWPT. */
  private static void drive(RecordingSyscalls sys) {
    Qemu qemu = new Qemu(sys);
    Libc libc = qemu.libc();
    IOMMUFDBackend be = new IOMMUFDBackend(qemu, "iommufd0");
    assertThat(be.iommufdBackendConnect(Errp.abort())).isTrue();
    IntRef ioas = new IntRef();
    assertThat(be.iommufdBackendAllocIoas(ioas, Errp.abort())).isTrue();
    int devFd = libc.open("/dev/vfio/devices/dev0");
    int devid;
    try (Frame f = libc.frame()) {
      UStruct bind = f.local(VfioUapi.vfio_device_bind_iommufd);
      bind.set("argsz", bind.size());
      bind.set("iommufd", be.fd());
      assertThat(libc.ioctl(devFd, VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, bind)).isZero();
      devid = bind.u32("out_devid");
    }
    SysResult ram = sys.mmap(0, 0x10000, (int) (LinuxUapi.PROT_READ | LinuxUapi.PROT_WRITE),
        (int) (LinuxUapi.MAP_PRIVATE | LinuxUapi.MAP_ANONYMOUS), -1, 0);
    assertThat(be.iommufdBackendMapDma(ioas.value, 0x1000000, 0x10000, ram.value(), false))
        .isZero();
    IntRef parent = new IntRef();
    assertThat(be.iommufdBackendAllocHwpt(devid, ioas.value, (int) IOMMU_HWPT_ALLOC_NEST_PARENT,
        0, 0, 0, 0, parent, Errp.abort())).isTrue();
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    assertThat(be.iommufdBackendAllocFaultq(faultId, faultFd, Errp.abort())).isTrue();
    long data = libc.gMalloc0(iommu_hwpt_selftest.size());
    UStruct.at(libc.memory(), iommu_hwpt_selftest, data).set("iotlb", IOMMU_TEST_IOTLB_DEFAULT);
    IntRef nested = new IntRef();
    assertThat(be.iommufdBackendAllocHwpt(devid, parent.value, 0, (int) IOMMU_HWPT_DATA_SELFTEST,
        iommu_hwpt_selftest.size(), data, faultId.value, nested, Errp.abort())).isTrue();
    int entry = iommu_hwpt_invalidate_selftest.size();
    long entries = libc.gMalloc0(2L * entry);
    UStruct.at(libc.memory(), iommu_hwpt_invalidate_selftest, entries + entry)
        .set("iotlb_id", 1);
    IntRef num = new IntRef(2);
    assertThat(be.iommufdBackendInvalidateCache(nested.value,
        (int) IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, entry, num, entries, Errp.abort())).isTrue();
    long buf = libc.gMalloc0(64);
    assertThat(libc.read(faultFd.value, buf, 64)).as("an empty fault queue").isEqualTo(-1L);
    Errp busy = Errp.local();
    assertThat(be.iommufdBackendAllocHwpt(devid, parent.value, 0, 0, 0, 0, 77, new IntRef(),
        busy)).isFalse();
    be.iommufdBackendFreeId(faultId.value);
    be.iommufdBackendFreeId(nested.value);
    assertThat(be.iommufdBackendUnmapDma(ioas.value, 0x1000000, 0x10000)).isZero();
    assertThat(libc.close(faultFd.value)).isZero();
    be.iommufdBackendFreeId(faultId.value);
    be.iommufdBackendFreeId(parent.value);
  }
}
