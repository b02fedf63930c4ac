package org.iommufdsim.properties.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.StateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered property owes the rest of the project: a unique name the command line
 * can spell, a summary, and determinism: the same seed gives the same steps, outcomes and
 * system-call transcript, byte for byte.
 */
class SuitesTest {
  static Stream<Suite> suites() {
    return Suites.all().stream();
  }

  @Test
  void namesAreUniqueAndSpellable() {
    assertThat(Suites.all()).extracting(Suite::name).doesNotHaveDuplicates()
        .allMatch(n -> n.matches("[a-z][a-z0-9-]*"));
    assertThat(Suites.all()).allMatch(s -> !s.summary().isBlank());
    Suites.all().forEach(s -> assertThat(Suites.named(s.name())).contains(s));
  }

  @ParameterizedTest
  @MethodSource("suites")
  void theSameSeedGivesByteIdenticalRuns(Suite suite) {
    for (long seed : new long[] {1, 77, 0x5eed}) {
      Program.Run a = run(suite.machine().get(), seed);
      Program.Run b = run(suite.machine().get(), seed);
      assertThat(b.steps()).as(suite.name() + " seed " + seed).isEqualTo(a.steps());
      assertThat(b.choices()).isEqualTo(a.choices());
      assertThat(b.transcript()).as(suite.name() + " transcript, seed " + seed)
          .isEqualTo(a.transcript());
      assertThat(a.transcript()).as("a transcript").isNotNull();
    }
  }

  private static <S> Program.Run run(StateMachine<S> m, long seed) {
    return Program.run(m, seed, Choices.fresh(seed), 60, true);
  }
}
