package org.iommufdsim.scenarios.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.ScnError;

/**
 * Splits a file into its line structure: comment lines, blank lines and logical code lines.
 * A comment runs from {@code #} (outside a string) to the end of the line. A code line whose
 * last character is {@code \} continues on the next line; a continued step holds no comment
 * except after its last part, so comments always stay on a line of their own or at the end of
 * a whole step.
 */
final class Lines {
  /** One unit of the line structure. */
  sealed interface Unit {
    record CommentLine(Pos pos, String text) implements Unit {}

    record BlankLine(Pos pos) implements Unit {}

    record Code(LogicalLine line) implements Unit {}
  }

  /**
   * A physical line split into code (trailing blanks removed) and comment; it continues when
   * its code ends in a {@code \} outside a string.
   */
  private record Physical(
      int number, String code, int commentCol, String comment, boolean continues) {

    boolean blankCode() {
      return code.isBlank();
    }
  }

  private Lines() {}

  static List<Unit> split(String text) {
    String[] raw = text.split("\n", -1);
    int count = raw.length;
    if (count > 0 && raw[count - 1].isEmpty()) {
      count--;
    }
    List<Unit> out = new ArrayList<>();
    Joiner joiner = null;
    for (int n = 0; n < count; n++) {
      Physical p = physical(n + 1, stripCr(raw[n]));
      if (joiner == null) {
        joiner = startUnit(p, out);
      } else {
        joiner.append(p);
      }
      if (joiner != null && !p.continues()) {
        out.add(new Unit.Code(joiner.finish(p)));
        joiner = null;
      }
    }
    if (joiner != null) {
      throw syntax(joiner.continuationPos(), "the file ends right after a line continuation '\\'");
    }
    return out;
  }

  private static Joiner startUnit(Physical p, List<Unit> out) {
    if (!p.blankCode()) {
      Joiner j = new Joiner();
      j.append(p);
      return j;
    }
    if (p.comment() != null) {
      out.add(new Unit.CommentLine(new Pos(p.number(), p.commentCol()), p.comment()));
    } else if (out.isEmpty() || !(out.getLast() instanceof Unit.BlankLine)) {
      out.add(new Unit.BlankLine(new Pos(p.number(), 1)));
    }
    return null;
  }

  private static String stripCr(String s) {
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static Physical physical(int number, String s) {
    boolean inString = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString && c == '\\') {
        i++;
      } else if (c == '"') {
        inString = !inString;
      } else if (c == '#' && !inString) {
        String code = s.substring(0, i).stripTrailing();
        return new Physical(number, code, i + 1, s.substring(i).stripTrailing(),
            code.endsWith("\\"));
      }
    }
    String code = s.stripTrailing();
    return new Physical(number, code, 0, null, !inString && code.endsWith("\\"));
  }

  /**
   * Accumulates the physical lines of one logical line, with each character's line and column
   * kept in plain int arrays (this runs once per character of every file).
   */
  private static final class Joiner {
    private final StringBuilder text = new StringBuilder();
    private int[] lines = new int[128];
    private int[] cols = new int[128];
    private Pos continuation;

    void append(Physical p) {
      if (continuation != null && p.blankCode()) {
        Pos at = p.comment() != null ? new Pos(p.number(), p.commentCol()) : continuation;
        throw syntax(at, p.comment() != null
            ? "a comment cannot sit inside a continued step; put it on a line before the step"
            : "a line ending in '\\' must be followed by the rest of the step");
      }
      if (continuation != null) {
        add(' ', continuation.line(), continuation.col());
      }
      String code = p.code();
      if (p.continues()) {
        if (p.comment() != null) {
          throw syntax(new Pos(p.number(), p.commentCol()),
              "a comment cannot follow a line continuation '\\'; put it on a line before the step");
        }
        code = code.substring(0, code.length() - 1);
        continuation = new Pos(p.number(), code.length() + 1);
      }
      for (int i = 0; i < code.length(); i++) {
        add(code.charAt(i), p.number(), i + 1);
      }
    }

    private void add(char c, int line, int col) {
      int at = text.length();
      if (at == lines.length) {
        lines = Arrays.copyOf(lines, at * 2);
        cols = Arrays.copyOf(cols, at * 2);
      }
      text.append(c);
      lines[at] = line;
      cols[at] = col;
    }

    Pos continuationPos() {
      return continuation;
    }

    LogicalLine finish(Physical last) {
      int n = text.length();
      return new LogicalLine(text.toString(), Arrays.copyOf(lines, n), Arrays.copyOf(cols, n),
          last.number(), Optional.ofNullable(last.comment()));
    }
  }

  static ScnFailure syntax(Pos pos, String reason) {
    return new ScnFailure(new ScnError.Syntax(pos, reason));
  }
}
