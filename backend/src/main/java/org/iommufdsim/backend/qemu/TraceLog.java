package org.iommufdsim.backend.qemu;

import java.util.ArrayList;
import java.util.List;

/**
 * Where QEMU's {@code log} trace backend writes ({@code -trace enable=...} with
 * {@code -D logfile}): one line per emitted event, in order, without timestamps. Deterministic:
 * the same calls give the same lines.
 */
public final class TraceLog {
  private final List<String> lines = new ArrayList<>();
  private boolean enabled = true;

  /** Appends one rendered event. */
  public void log(String line) {
    if (enabled) {
      lines.add(line);
    }
  }

  public void setEnabled(boolean on) {
    enabled = on;
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public void clear() {
    lines.clear();
  }
}
