package org.iommufdsim.properties.suites.guests;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine;

/** Small builders for the suites' action types and actions. */
final class Acts {
  private Acts() {}

  static <S> StateMachine.ActionType<S> type(String name, int weight, Predicate<S> enabled,
      BiFunction<S, Choices, StateMachine.Action<S>> generate) {
    return new StateMachine.ActionType<>() {
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
      public StateMachine.Action<S> generate(S state, Choices choices) {
        return generate.apply(state, choices);
      }
    };
  }

  static <S> StateMachine.Action<S> action(String description, Function<S, String> run) {
    return new StateMachine.Action<>() {
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
}
