package org.iommufdsim.properties.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves that the engine finds a planted bug, shrinks it to the minimal program, reports the same
 * thing for the same seed, and turns exceptions and postconditions into labelled failures.
 */
class ShrinkerTest {
  /** A stack whose "bug" is that 777 may not sit in it once it holds three or more values. */
  static final class Stack {
    final List<Long> values = new ArrayList<>();
  }

  record Push(long v) implements StateMachine.Action<Stack> {
    public String describe() {
      return "push " + v;
    }

    public String run(Stack s) {
      s.values.add(v);
      return "ok";
    }
  }

  static final StateMachine.ActionType<Stack> PUSH = new StateMachine.ActionType<>() {
    public String name() {
      return "push";
    }

    public int weight() {
      return 5;
    }

    public StateMachine.Action<Stack> generate(Stack s, Choices c) {
      // often a small value, sometimes the planted one, sometimes anything up to 1000
      return new Push(c.percent(10) ? 777 : c.between(0, 1000));
    }
  };

  static final StateMachine.ActionType<Stack> POP = new StateMachine.ActionType<>() {
    public String name() {
      return "pop";
    }

    public int weight() {
      return 2;
    }

    public boolean enabled(Stack s) {
      return !s.values.isEmpty();
    }

    public StateMachine.Action<Stack> generate(Stack s, Choices c) {
      return new StateMachine.Action<>() {
        public String describe() {
          return "pop";
        }

        public String run(Stack st) {
          st.values.removeLast();
          return "ok";
        }
      };
    }
  };

  static StateMachine<Stack> machine(String name, boolean planted) {
    return new StateMachine<>() {
      public String name() {
        return name;
      }

      public Stack init(long seed) {
        return new Stack();
      }

      public List<ActionType<Stack>> actions() {
        return List.of(PUSH, POP);
      }

      public List<Invariant<Stack>> invariants() {
        return List.of(new Invariant<Stack>("no 777 in a deep stack",
            s -> planted && s.values.size() >= 3 && s.values.contains(777L)
                ? "stack " + s.values : null));
      }
    };
  }

  @Test
  void plantedBug_isFound_andShrunkToThreePushesWithOne777() {
    PropertyCheck.Result r = PropertyCheck.check(machine("stack", true), 1000,
        new PropertyCheck.Config(200, 40, 5_000));
    assertThat(r.passed()).isFalse();
    Program.Run shrunk = r.counterexample().shrunk().run();
    assertThat(shrunk.failure().label()).isEqualTo("no 777 in a deep stack");
    assertThat(shrunk.steps()).extracting(Program.Step::description)
        .containsExactly("push 0", "push 0", "push 777");
    assertThat(r.counterexample().original().steps().size())
        .isGreaterThanOrEqualTo(shrunk.steps().size());
  }

  @Test
  void theShrunkDraws_replayToTheSameFailure() {
    PropertyCheck.Result r = PropertyCheck.check(machine("stack", true), 1000,
        new PropertyCheck.Config(200, 40, 5_000));
    Program.Run shrunk = r.counterexample().shrunk().run();
    Program.Run again = Program.run(machine("stack", true), r.counterexample().seed(),
        Choices.replay(shrunk.choices()), 40);
    assertThat(again.steps()).isEqualTo(shrunk.steps());
    assertThat(again.failure()).isEqualTo(shrunk.failure());
  }

  @Test
  void sameSeed_sameReport_byteForByte() {
    String a = PropertyCheck.report(PropertyCheck.check(machine("stack", true), 5,
        new PropertyCheck.Config(200, 40, 5_000)));
    String b = PropertyCheck.report(PropertyCheck.check(machine("stack", true), 5,
        new PropertyCheck.Config(200, 40, 5_000)));
    // whatever order the pushes come in, the minimum is three of them: one 777 and two zeros
    assertThat(a).isEqualTo(b).contains("FAILED").contains("seed 5: no 777 in a deep stack")
        .contains("to 3 steps");
    assertThat(a.lines().filter(l -> l.matches("  \\d\\. push 777 -> ok"))).hasSize(1);
    assertThat(a.lines().filter(l -> l.matches("  \\d\\. push 0 -> ok"))).hasSize(2);
  }

  @Test
  void passingProperty_reportsTriesStepsAndCoverage() {
    PropertyCheck.Result r = PropertyCheck.check(machine("stack", false), 0,
        new PropertyCheck.Config(20, 30, 100));
    assertThat(r.passed()).isTrue();
    assertThat(r.tries()).isEqualTo(20);
    assertThat(r.steps()).isEqualTo(20 * 30); // push is always enabled: every program is full
    assertThat(r.coverage().get("push").get("ok")).isPositive();
    assertThat(r.coverage().get("pop").get("ok")).isPositive();
    assertThat(PropertyCheck.report(r)).startsWith("stack: passed, 20 tries from seed 0, 600 steps")
        .contains("coverage: 2 of 2 actions run, 2 distinct action outcomes\n  pop: ok=");
  }

  @Test
  void anExceptionInAnAction_isALabelledFailure_notAnEscape() {
    StateMachine<Stack> m = new StateMachine<>() {
      public String name() {
        return "throws";
      }

      public Stack init(long seed) {
        return new Stack();
      }

      public List<ActionType<Stack>> actions() {
        return List.of(PUSH, new ActionType<Stack>() {
          public String name() {
            return "peek";
          }

          public int weight() {
            return 1;
          }

          public StateMachine.Action<Stack> generate(Stack s, Choices c) {
            int at = c.intBetween(0, 3);
            return new StateMachine.Action<>() {
              public String describe() {
                return "peek " + at;
              }

              public String run(Stack st) {
                return String.valueOf(st.values.get(at)); // throws past the end
              }
            };
          }
        });
      }

      public List<Invariant<Stack>> invariants() {
        return List.of();
      }
    };
    PropertyCheck.Result r = PropertyCheck.check(m, 0, new PropertyCheck.Config(50, 20, 2_000));
    Program.Run shrunk = r.counterexample().shrunk().run();
    assertThat(shrunk.failure().label()).isEqualTo("exception");
    assertThat(shrunk.failure().message()).startsWith("java.lang.IndexOutOfBoundsException");
    // the simplest program that throws: peek at 0 on an empty stack
    assertThat(shrunk.steps()).extracting(Program.Step::description).containsExactly("peek 0");
  }

  @Test
  void replay_clampsOversizedDraws_andEndsWhenTheRecordRunsOut() {
    Choices c = Choices.replay(new long[] {99, 5});
    assertThat(c.below(10)).isEqualTo(9);
    assertThat(c.below(10)).isEqualTo(5);
    assertThat(c.below(10)).isZero();
    assertThat(c.another(true)).isFalse();
    assertThat(c.recorded()).containsExactly(9, 5, 0, 0);
    // the step limit and "no action possible" end a replay even where the record goes on
    Choices d = Choices.replay(new long[] {1, 1});
    assertThat(d.another(false)).isFalse();
    assertThat(d.another(true)).isTrue();
  }

  @Test
  void shrinking_isBoundedByItsBudgetOfReruns() {
    PropertyCheck.Result r = PropertyCheck.check(machine("stack", true), 1000,
        new PropertyCheck.Config(200, 40, 3));
    assertThat(r.counterexample().shrunk().attempts()).isEqualTo(3);
    assertThat(r.counterexample().shrunk().stop()).isEqualTo(Shrinker.Stop.BUDGET);
    assertThat(r.counterexample().shrunk().run().failure().label())
        .isEqualTo("no 777 in a deep stack");
    assertThat(PropertyCheck.report(r))
        .contains("reruns (the rerun budget ran out: it may shrink further):");
  }

  @Test
  void aShrinkThatRunsToTheEnd_saysItIsDone() {
    PropertyCheck.Result r = PropertyCheck.check(machine("stack", true), 1000,
        new PropertyCheck.Config(200, 40, 100_000));
    assertThat(r.counterexample().shrunk().stop()).isEqualTo(Shrinker.Stop.DONE);
    assertThat(r.counterexample().shrunk().attempts()).isLessThan(100_000);
  }
}
