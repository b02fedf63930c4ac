package org.iommufdsim.sim.kernel.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The deterministic trace: one line per system call (and a note for every injected fault), in
 * the order they happened. Lines are only formatted while tracing is on.
 */
public final class Tracer {
  private final List<String> lines = new ArrayList<>();
  private boolean enabled = true;

  public boolean enabled() {
    return enabled;
  }

  public void setEnabled(boolean on) {
    enabled = on;
  }

  public void line(Supplier<String> text) {
    if (enabled) {
      lines.add(text.get());
    }
  }

  public void note(String text) {
    if (enabled) {
      lines.add("  # " + text);
    }
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public int size() {
    return lines.size();
  }

  /** The lines from index {@code from} on (a copy). */
  public List<String> since(int from) {
    return List.copyOf(lines.subList(Math.min(Math.max(from, 0), lines.size()), lines.size()));
  }

  public void clear() {
    lines.clear();
  }
}
