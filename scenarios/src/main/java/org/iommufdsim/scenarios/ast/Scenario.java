package org.iommufdsim.scenarios.ast;

import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code .scn} file: its items in file order (comments and blank lines included, so
 * the formatter can keep them where they were).
 */
public record Scenario(List<Item> items) {
  public Scenario {
    items = List.copyOf(items);
  }

  public List<Directive> directives() {
    return items.stream()
        .filter(Directive.class::isInstance)
        .map(Directive.class::cast)
        .toList();
  }

  public List<Step> steps() {
    return items.stream().filter(Step.class::isInstance).map(Step.class::cast).toList();
  }

  public Optional<String> title() {
    return directives().stream()
        .filter(Directive.Title.class::isInstance)
        .map(d -> ((Directive.Title) d).text())
        .findFirst();
  }

  /** The last line the file uses (0 for an empty file). */
  public int lastLine() {
    return items.stream().mapToInt(Item::lastLine).max().orElse(0);
  }
}
