package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;

/** The arguments of a builtin call, checked against what the call takes. */
final class Args {
  private final Step step;
  private final Map<String, FieldArg> fields = new LinkedHashMap<>();
  private final List<Value> positional = new ArrayList<>();

  private Args(Step step) {
    this.step = step;
  }

  /**
   * @param usage the call's synopsis, e.g. {@code mmap length=N [fd=$memfd offset=N]}
   * @param names the field names it takes
   */
  static Args of(Step st, String usage, List<String> names) {
    Args a = new Args(st);
    for (Arg arg : st.args()) {
      switch (arg) {
        case Arg.Positional p -> a.positional.add(p.value());
        case FieldArg f -> {
          if (!names.contains(f.path())) {
            throw Env.unknown(f.pos(), st.call().text() + " takes no field " + f.path()
                + " (usage: " + usage + ")");
          }
          if (a.fields.putIfAbsent(f.path(), f) != null) {
            throw Env.bad(f.pos(), f.path() + " is given twice");
          }
        }
      }
    }
    return a;
  }

  Optional<FieldArg> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  long require(String name, Env env, String usage) {
    FieldArg f = field(name).orElseThrow(() -> Env.bad(step.call().pos(),
        step.call().text() + " needs " + name + "= (usage: " + usage + ")"));
    return env.evalInt(f.value(), name);
  }

  long orElse(String name, Env env, long fallback) {
    return field(name).map(f -> env.evalInt(f.value(), name)).orElse(fallback);
  }

  List<Value> positional() {
    return positional;
  }

  /** The single string argument ({@code open "PATH"}). */
  String string(String usage) {
    if (positional.size() != 1 || !(positional.getFirst() instanceof Value.Str s)) {
      throw Env.bad(step.call().pos(), "usage: " + usage);
    }
    return s.text();
  }

  void noPositional(String usage) {
    if (!positional.isEmpty()) {
      throw Env.bad(positional.getFirst().pos(), "unexpected value (usage: " + usage + ")");
    }
  }
}
