package org.iommufdsim.properties.suites.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.junit.jupiter.api.Test;

/**
 * Proves that each known QEMU finding the backend suites tolerate is really met: with its
 * tolerance off, the property finds it from a fixed seed within a bounded number of tries, under
 * the expected invariant, and shrinks it to a small program.
 */
class BackendFindingsTest {
  private static Program.Run finds(boolean failNth, Finding f, int tries, String label,
      int maxSteps) {
    BackendFlows m = new BackendFlows("strict-" + f, BackendFlows.Mode.strict(failNth, f));
    PropertyCheck.Result r = PropertyCheck.check(m, 1, new PropertyCheck.Config(tries, 40, 5_000));
    assertThat(r.passed()).as(f + " found within " + tries + " tries").isFalse();
    Program.Run shrunk = r.counterexample().shrunk().run();
    System.out.println(PropertyCheck.report(r));
    // the shrunk run's system calls as a scenario (properties/findings/ keeps a copy of each)
    assertThat(r.counterexample().transcript()).startsWith("@title \"strict-" + f + "\"");
    org.iommufdsim.properties.suites.FindingFiles.matches(
        "backend." + f.name().toLowerCase(java.util.Locale.ROOT), r.counterexample().transcript());
    assertThat(shrunk.failure().label()).isEqualTo(label);
    assertThat(shrunk.steps()).hasSizeLessThanOrEqualTo(maxSteps);
    return shrunk;
  }

  @Test
  void unmapCuttingAnArea_qemuBelievesItGone() {
    Program.Run s = finds(false, Finding.UNMAP_ENOENT_IS_SUCCESS, 20,
        BackendInvariants.MAPPINGS, 3);
    assertThat(s.steps().getLast().description()).startsWith("unmap ");
    assertThat(s.failure().message()).contains("the kernel maps").contains("QEMU believes");
  }

  @Test
  void answerCopyFailure_mapDoneButQemuBelievesItFailed() {
    Program.Run s = finds(true, Finding.ANSWER_COPY_FAILURE_AFTER_THE_WORK, 40,
        BackendInvariants.MAPPINGS, 3);
    assertThat(s.steps().getLast().outcome()).isEqualTo("fired:-EFAULT");
  }

  @Test
  void failedAttachToExistingContainer_buildsASecondContainer() {
    Program.Run s = finds(true, Finding.ATTACH_EXISTING_FAILURE_BUILDS_SECOND_CONTAINER, 200,
        BackendInvariants.ONE_CONTAINER, 3);
    assertThat(s.steps().getLast().description()).startsWith("attach ");
  }

  @Test
  void iovaRangesFailure_onlyWarns_andTheAttachGoesOn() {
    Program.Run s = finds(true, Finding.IOVA_RANGES_FAILURE_ONLY_WARNS, 200,
        BackendInvariants.POSTCONDITION, 3);
    assertThat(s.steps().getLast().description()).startsWith("attach ");
    assertThat(s.failure().message()).contains("IOVA_RANGES failed");
  }

  @Test
  void failedCprRegistration_leavesTheClosedFdInCpr() {
    Program.Run s = finds(false, Finding.CPR_STALE_FD_AFTER_FAILED_REGISTRATION, 100,
        BackendInvariants.FDS, 3);
    assertThat(s.steps()).extracting(Program.Step::description)
        .containsSubsequence("only_migratable true", "cpr_inherit_connect iommufd0");
    assertThat(s.failure().message()).contains("CPR still holds its fd");
  }
}
