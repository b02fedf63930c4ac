package org.iommufdsim.scenarios.run;

import org.iommufdsim.scenarios.ast.Pos;

/** An outcome that did not hold: {@code expected ..., got ...} at the place that said it. */
public record Mismatch(Pos pos, String expected, String got) {
  public String render(String file) {
    return file + ":" + pos.line() + ": expected " + expected + ", got " + got;
  }
}
