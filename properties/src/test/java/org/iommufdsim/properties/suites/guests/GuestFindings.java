package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Locale;
import java.util.function.Function;
import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.suites.FindingFiles;

/** What the guest suites' findings tests share: run the strict variant and check what it finds. */
final class GuestFindings {
  private GuestFindings() {}

  /**
   * Runs {@code suite}'s property with every known finding tolerated but {@code f}, from seed
   * 1_000, and asserts that it fails within {@code maxTries} under {@code f}'s label, shrinks to
   * at most {@code maxShrunkSteps} steps, and that the transcript is the kept
   * {@code SUITE.FINDING.scn}. Returns the shrunk run.
   */
  static Program.Run findsIt(String suite,
      Function<EnumSet<Finding>, ? extends StateMachine<?>> strictMachine, Finding f,
      int maxTries, int maxShrunkSteps) {
    EnumSet<Finding> tolerated = EnumSet.allOf(Finding.class);
    tolerated.remove(f);
    PropertyCheck.Result r = PropertyCheck.check(strictMachine.apply(tolerated), 1_000,
        new PropertyCheck.Config(maxTries, 40, 1_500));
    assertThat(r.passed()).as("%s found within %d tries", f, maxTries).isFalse();
    Program.Run shrunk = r.counterexample().shrunk().run();
    System.out.println(PropertyCheck.report(r));
    FindingFiles.matches(suite + "." + f.name().toLowerCase(Locale.ROOT),
        r.counterexample().transcript());
    assertThat(shrunk.failure().label()).isEqualTo(f.label());
    assertThat(shrunk.failure().message()).startsWith(f.name() + ": ");
    assertThat(shrunk.steps().size()).isLessThanOrEqualTo(maxShrunkSteps);
    return shrunk;
  }
}
