package org.iommufdsim.properties.suites.raw;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.iommufdsim.properties.suites.Suites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Proves that random raw syscalls keep the simulator's invariants and its agreement with the
 * independent reference model, that a run replays byte for byte, and that a wrong model is
 * caught and shrunk to a short program.
 */
class RawSyscallsPropertyTest {
  @Test
  void rawSyscalls_holdAgainstTheReferenceModel() {
    PropertyCheck.Result r = Verify.holds(new RawSyscalls(),
        Suites.named("raw-syscalls").orElseThrow().testConfig());
    System.out.print(PropertyCheck.report(r));
    assertThat(r.coverage().get("map")).containsKey("ok");
    assertThat(r.coverage().get("unmap")).containsKeys("ok", "ENOENT");
    assertThat(r.coverage().get("mock_domain")).containsKey("ok");
    assertThat(r.coverage().get("attach")).containsKey("ok");
    assertThat(r.coverage().get("hwpt_alloc")).containsKey("ok");
    assertThat(r.coverage().get("fail_nth")).containsKey("injected ENOMEM");
  }

  /**
   * The long campaign (at least 100,000 actions), run on demand only:
   * {@code -Diommufdsim.campaign=true -Dtest=RawSyscallsPropertyTest}.
   */
  @Test
  @EnabledIfSystemProperty(named = "iommufdsim.campaign", matches = "true")
  void campaign_100kActions() {
    PropertyCheck.Result r = Verify.holds(new RawSyscalls(),
        new PropertyCheck.Config(2_000, 60, 3_000));
    System.out.print(PropertyCheck.report(r));
    assertThat(r.steps()).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void sameSeed_sameTranscriptAndHostTrace() {
    RawSyscalls m = new RawSyscalls();
    String[] a = runTwice(m, 42);
    String[] b = runTwice(m, 42);
    assertThat(a[0]).isEqualTo(b[0]);
    assertThat(a[1]).isEqualTo(b[1]).contains("IOMMU_IOAS_MAP");
  }

  private static String[] runTwice(RawSyscalls m, long seed) {
    Program.Run run = Program.run(m, seed, Choices.fresh(seed), 200, true);
    return new String[] {run.transcript(), String.join("\n", m.last.host.trace())};
  }

  @Test
  void aModelThatSplitsAreasOnUnmap_isCaught_andShrunk() {
    PropertyCheck.Result r = PropertyCheck.check(
        new RawSyscalls(RawSyscalls.Plant.UNMAP_SPLITS_AREAS), 7,
        new PropertyCheck.Config(200, 60, 3_000));
    assertThat(r.passed()).isFalse();
    Program.Run shrunk = r.counterexample().shrunk().run();
    String report = PropertyCheck.report(r);
    System.out.print(report);
    assertThat(shrunk.steps().size()).isLessThanOrEqualTo(4);
    assertThat(shrunk.steps().getLast().description()).startsWith("IOMMU_IOAS_UNMAP");
    assertThat(shrunk.steps()).extracting(Program.Step::action).contains("ioas_alloc", "map");
  }
}
