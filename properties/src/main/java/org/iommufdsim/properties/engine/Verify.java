package org.iommufdsim.properties.engine;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A property check as a test suite runs it: a fresh first seed every run (printed, so a failure
 * can be replayed), or the fixed one of the system property {@code iommufdsim.seed}; a failure
 * writes its shrunk scenario under {@code target/property-failures/} (or the directory of
 * {@code iommufdsim.failures}) and throws an {@link AssertionError} carrying the whole report.
 */
public final class Verify {
  /** The system property that fixes the first seed, to replay a failure. */
  public static final String SEED_PROPERTY = "iommufdsim.seed";

  /**
   * The system property that overrides every check's number of tries (mutation testing runs
   * each test once per mutant and asks for fewer; a long local run can ask for more).
   */
  public static final String TRIES_PROPERTY = "iommufdsim.tries";

  private Verify() {}

  /** Runs {@code machine} under {@code config}; returns the result when it passed. */
  public static PropertyCheck.Result holds(StateMachine<?> machine, PropertyCheck.Config given) {
    String tries = System.getProperty(TRIES_PROPERTY);
    PropertyCheck.Config config = tries == null || tries.isBlank() ? given
        : new PropertyCheck.Config(Integer.parseInt(tries.strip()), given.maxSteps(),
            given.shrinkBudget(), given.shrinkSeconds());
    String fixed = System.getProperty(SEED_PROPERTY);
    long first = fixed != null && !fixed.isBlank()
        ? Long.parseUnsignedLong(fixed.strip())
        : new SecureRandom().nextLong() >>> 1;
    System.out.println("[property " + machine.name() + "] first seed " + first + ", "
        + config.tries() + " tries (" + (fixed != null ? "fixed by -D" + SEED_PROPERTY
        : "fresh; replay with -D" + SEED_PROPERTY + "=" + first) + ")");
    PropertyCheck.Result r = PropertyCheck.check(machine, first, config);
    if (r.passed()) {
      return r;
    }
    Path dir = Path.of(System.getProperty("iommufdsim.failures", "target/property-failures"));
    Path scn = Failures.write(r, dir);
    throw new AssertionError(PropertyCheck.report(r) + Failures.replayHint(r, scn));
  }
}
