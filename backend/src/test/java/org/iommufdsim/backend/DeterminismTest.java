package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.Syscalls;
import org.junit.jupiter.api.Test;

/**
 * The port is deterministic: the same backend calls on two fresh hosts give byte-identical
 * syscall traces, QEMU trace logs, stderr and kernel states.
 */
class DeterminismTest {
  @Test
  void sameCalls_sameTracesAndState() {
    assertThat(run()).isEqualTo(run());
  }

  private static List<Object> run() {
    Host host = Host.create(HostConfig.defaults()
        .withDevices(List.of(DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")))));
    Syscalls proc = host.spawn();
    Qemu qemu = new Qemu(proc);
    IOMMUFDBackend be = new IOMMUFDBackend(qemu, "iommufd0");
    be.iommufdBackendConnect(Errp.abort());
    IntRef ioas = new IntRef();
    be.iommufdBackendAllocIoas(ioas, Errp.abort());
    long ram = proc.mmap(0, 0x4000, 3, 0x22, -1, 0).value();
    be.iommufdBackendMapDma(ioas.value, 0x100000, 0x4000, ram, false);
    be.iommufdBackendUnmapDma(ioas.value, 0x200000, 0x1000);
    be.iommufdBackendAllocHwpt(1, ioas.value, (int) IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, 0, 0,
        5, new IntRef(), Errp.local());
    be.iommufdBackendFreeId(9);
    List<Object> out = new ArrayList<>();
    out.add(host.trace());
    out.add(qemu.trace().lines());
    out.add(qemu.stderr().lines());
    out.add(host.stateDump());
    return out;
  }
}
