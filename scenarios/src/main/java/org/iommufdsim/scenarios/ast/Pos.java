package org.iommufdsim.scenarios.ast;

/**
 * Where something starts in a {@code .scn} file: 1-based line and column. Columns count UTF-16
 * code units of the physical line (a tab is one column).
 */
public record Pos(int line, int col) {
  /** A position for things the file does not spell (the implicit {@code $iommufd} open). */
  public static final Pos NONE = new Pos(0, 0);

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
