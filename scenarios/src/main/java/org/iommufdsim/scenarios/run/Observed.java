package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one step's outcome may name, in the order the recorder prints it. */
public final class Observed {
  private final Map<String, Observation> byName = new LinkedHashMap<>();
  private final Map<String, String> aliases = new LinkedHashMap<>();

  void add(Observation o) {
    byName.put(o.name(), o);
  }

  /** {@code alias} names the same value as {@code name} (bare test-op member fields). */
  void alias(String alias, String name) {
    aliases.putIfAbsent(alias, name);
  }

  public Optional<Observation> find(String name) {
    Observation o = byName.get(name);
    if (o == null && aliases.containsKey(name)) {
      o = byName.get(aliases.get(name));
    }
    return Optional.ofNullable(o);
  }

  public List<Observation> all() {
    return List.copyOf(byName.values());
  }

  public List<Observation> outputs() {
    List<Observation> out = new ArrayList<>();
    for (Observation o : byName.values()) {
      if (o.output()) {
        out.add(o);
      }
    }
    return out;
  }

  /** A few names, for "no such outcome field" messages. */
  String someNames() {
    List<String> names = new ArrayList<>();
    for (Observation o : byName.values()) {
      if (names.size() == 8) {
        names.add("...");
        break;
      }
      names.add(o.display());
    }
    return String.join(", ", names);
  }
}
