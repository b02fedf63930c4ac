package org.iommufdsim.scenarios.parse;

import java.util.ArrayList;
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

  /** Accumulates the physical lines of one logical line. */
  private static final class Joiner {
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> lines = new ArrayList<>();
    private final List<Integer> cols = new ArrayList<>();
    private Pos continuation;

    void append(Physical p) {
      if (continuation != null && p.blankCode()) {
        Pos at = p.comment() != null ? new Pos(p.number(), p.commentCol()) : continuation;
        throw syntax(at, p.comment() != null
            ? "a comment cannot sit inside a continued step; put it on a line before the step"
            : "a line ending in '\\' must be followed by the rest of the step");
      }
      if (continuation != null) {
        add(' ', continuation);
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
        add(code.charAt(i), new Pos(p.number(), i + 1));
      }
    }

    private void add(char c, Pos at) {
      text.append(c);
      lines.add(at.line());
      cols.add(at.col());
    }

    Pos continuationPos() {
      return continuation;
    }

    LogicalLine finish(Physical last) {
      int[] l = lines.stream().mapToInt(Integer::intValue).toArray();
      int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
      return new LogicalLine(text.toString(), l, c, last.number(),
          Optional.ofNullable(last.comment()));
    }
  }

  static ScnFailure syntax(Pos pos, String reason) {
    return new ScnFailure(new ScnError.Syntax(pos, reason));
  }
}
