package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.Program;
import org.junit.jupiter.api.Test;

/**
 * Proves that the strict variant of the {@code smmu-accel} property (one known QEMU finding no
 * longer tolerated) finds that finding from a fixed seed range within a bounded number of
 * tries, under the finding's label, and shrinks it to a small program.
 */
class SmmuAccelFindingsTest {
  static Program.Run findsIt(Finding f, int maxTries, int maxShrunkSteps) {
    return GuestFindings.findsIt("smmu-accel",
        tolerated -> new SmmuAccelMachine("smmu-accel-strict-" + f.name(), tolerated), f, maxTries, maxShrunkSteps);
  }

  @Test
  void viommuTrace_swapsDevIdAndType() {
    Program.Run s = findsIt(Finding.VIOMMU_TRACE_SWAPPED_LABELS, 5, 1);
    assertThat(s.steps()).extracting(Program.Step::action).containsExactly("plug");
  }

  @Test
  void unplug_goesOnAfterAFailedReattach() {
    Program.Run s = findsIt(Finding.UNSET_AFTER_FAILED_REATTACH, 300, 4);
    assertThat(s.steps().getLast().description()).contains("fail-nth");
  }

  @Test
  void viommu_pinsTheFirstDevicesS2_acrossContainers() {
    Program.Run s = findsIt(Finding.VIOMMU_PINS_FIRST_DEVICES_S2, 300, 5);
    assertThat(s.steps()).extracting(Program.Step::action).contains("fail-nth-flow");
  }

  @Test
  void attachUndoneAfterCopyBackFault_leavesTheDeviceDetached_whileQemuKeepsTheOldHwpt() {
    Program.Run s = findsIt(Finding.ATTACH_UNDONE_LEAVES_DETACHED, 1500, 6);
    assertThat(s.steps()).extracting(Program.Step::action)
        .anyMatch(a -> a.startsWith("fail-nth"));
  }
}
