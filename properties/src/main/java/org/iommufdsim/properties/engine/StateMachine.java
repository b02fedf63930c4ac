package org.iommufdsim.properties.engine;

import java.util.List;

/**
 * A property, stated as a state machine: a fresh system, the actions a program may take on it,
 * and the invariants that must hold after every step. The engine generates programs of actions
 * from a seed, runs them, checks the invariants after each action, and shrinks a failing program.
 *
 * @param <S> the system under test plus whatever model the property keeps of it
 */
public interface StateMachine<S> {
  /** The property's name, as reports and the command line spell it. */
  String name();

  /**
   * A fresh system for the try with this seed. Anything random in it must come from
   * {@link SplitMix64#stream(long, String)} of this seed, never from the program's stream.
   */
  S init(long seed);

  /** Every kind of action, in a fixed order (the first is the one shrinking prefers). */
  List<ActionType<S>> actions();

  /** Checked after every step, in order; the first that fails ends the try. */
  List<Invariant<S>> invariants();

  /** Checked once after the last step (in addition to the invariants). */
  default List<Invariant<S>> finalChecks() {
    return List.of();
  }

  /**
   * The system calls the try made, as a {@code .scn} scenario that {@code iommufd-sim check}
   * replays, or null when the property cannot say. Called once, after the last step of the
   * shrunk program (and of any run the caller asks a transcript for).
   */
  default String transcript(S state) {
    return null;
  }

  /** One kind of action: its name, its weight, when it is possible and how to make one. */
  interface ActionType<S> {
    String name();

    int weight();

    default boolean enabled(S state) {
      return true;
    }

    /** Makes one action; every random decision goes through {@code choices}. */
    Action<S> generate(S state, Choices choices);
  }

  /** One generated action, ready to run. */
  interface Action<S> {
    /** A one-line description with every chosen value, for reports. */
    String describe();

    /**
     * Runs the action and answers the outcome label that statistics count ("ok", an errno
     * name...). A postcondition that does not hold throws {@link AssertionError}.
     */
    String run(S state);
  }

  /** An action type from its parts: {@code generate} makes an action from the state. */
  static <S> ActionType<S> action(String name, int weight,
      java.util.function.Predicate<S> enabled,
      java.util.function.BiFunction<S, Choices, Action<S>> generate) {
    return new ActionType<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int weight() {
        return weight;
      }

      @Override
      public boolean enabled(S state) {
        return enabled.test(state);
      }

      @Override
      public Action<S> generate(S state, Choices choices) {
        return generate.apply(state, choices);
      }
    };
  }

  /** An action from its description and what it does (answering the outcome label). */
  static <S> Action<S> step(String description, java.util.function.Function<S, String> run) {
    return new Action<>() {
      @Override
      public String describe() {
        return description;
      }

      @Override
      public String run(S state) {
        return run.apply(state);
      }
    };
  }

  /** A named check; {@code check} answers null when it holds, else what is wrong. */
  record Invariant<S>(String label, java.util.function.Function<S, String> check) {}
}
