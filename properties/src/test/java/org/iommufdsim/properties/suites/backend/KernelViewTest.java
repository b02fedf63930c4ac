package org.iommufdsim.properties.suites.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.StateMachine;
import org.junit.jupiter.api.Test;

/** The kernel's trace read by hand agrees with the patterns that define its shape. */
class KernelViewTest {
  @Test
  void everyIoctlLineTheSuitesSee_readsTheSameByHandAsByPattern() {
    List<String> lines = new ArrayList<>(List.of(
        "ioctl(3, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) => {out_ioas_id=1} = 0",
        "ioctl(3, IOMMU_DESTROY, {size=0x8, id=7}) = -1 ENOENT (no object 7)",
        "ioctl(4, IOMMU_HWPT_ALLOC, {size=0x30, flags=IOMMU_HWPT_ALLOC_NEST_PARENT|"
            + "IOMMU_HWPT_FAULT_ID_VALID, dev_id=2}) = -1 EOPNOTSUPP (a {brace} in a reason)",
        "ioctl(-1, IOMMU_DESTROY, {size=0x8, id=1}) = -1 EBADF (fd -1 is not open)",
        "ioctl(3, VFIO_CHECK_EXTENSION, 0x3) = 1",
        "ioctl(3, IOMMU_IOAS_MAP, {size=0x28, iova=0x1000}) => {iova=0x2000} = 7"));
    // and every ioctl of 30 backend-flows and 30 backend-fail-nth programs
    for (BackendFlows machine : List.of(BackendFlows.flows(), BackendFlows.failNth())) {
      for (long seed = 1; seed <= 30; seed++) {
        World[] world = new World[1];
        StateMachine<World> watched = new StateMachine<World>() {
          @Override
          public String name() {
            return machine.name();
          }

          @Override
          public World init(long s) {
            world[0] = machine.init(s);
            return world[0];
          }

          @Override
          public List<ActionType<World>> actions() {
            return machine.actions();
          }

          @Override
          public List<Invariant<World>> invariants() {
            return machine.invariants();
          }
        };
        Program.run(watched, seed, Choices.fresh(seed), 40);
        lines.addAll(world[0].host.trace());
      }
    }
    int compared = 0;
    for (String raw : lines) {
      String l = raw.replaceFirst("^pid \\d+: ", "");
      KernelView.Call quick = KernelView.ioctlLine(l, false);
      KernelView.Call pattern = KernelView.ioctlByPattern(l, false);
      if (quick != null) {
        assertThat(quick).as(l).isEqualTo(pattern);
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }
}
