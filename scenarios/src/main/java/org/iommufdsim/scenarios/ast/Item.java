package org.iommufdsim.scenarios.ast;

/** One thing on the file's lines: a directive, a step, a comment line or a blank line. */
public sealed interface Item permits Directive, Step, Item.Comment, Item.Blank {
  Pos pos();

  /** The last physical line the item occupies (a continued step spans several). */
  int lastLine();

  /** A whole-line comment; {@code text} starts with {@code #}, trailing blanks removed. */
  record Comment(Pos pos, String text) implements Item {
    @Override
    public int lastLine() {
      return pos.line();
    }
  }

  /** One or more blank lines in a row. */
  record Blank(Pos pos) implements Item {
    @Override
    public int lastLine() {
      return pos.line();
    }
  }
}
