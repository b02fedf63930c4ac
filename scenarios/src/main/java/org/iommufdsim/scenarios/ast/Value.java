package org.iommufdsim.scenarios.ast;

import java.util.List;
import java.util.Optional;

/** A value in a step: an integer expression, a string, a struct literal or a list. */
public sealed interface Value {
  Pos pos();

  /** {@code "..."}; {@code text} is unescaped. */
  record Str(Pos pos, String text) implements Value {}

  /** {@code {field=value ...}}, or {@code type{...}} naming its C struct. */
  record StructLit(Pos pos, Optional<String> type, List<FieldArg> fields) implements Value {
    public StructLit {
      fields = List.copyOf(fields);
    }
  }

  /** {@code [value ...]}. */
  record ListLit(Pos pos, List<Value> elements) implements Value {
    public ListLit {
      elements = List.copyOf(elements);
    }
  }

  /** An integer expression: unsigned 64-bit, wrapping, written without spaces. */
  sealed interface Expr extends Value {}

  /**
   * A non-negative integer literal as written ({@code 4096}, {@code 0x0001}); hex literals may
   * be longer than 64 bits (byte strings for {@code trailing=}), which only fails when used as
   * a number.
   */
  record Num(Pos pos, String text) implements Expr {
    public boolean isHex() {
      return text.length() > 1 && (text.charAt(1) == 'x' || text.charAt(1) == 'X');
    }
  }

  /** A negative decimal literal {@code -N}: stored as two's complement of the field's width. */
  record Neg(Pos pos, String digits) implements Expr {}

  /** A uAPI constant name, or {@code PAGE_SIZE}. */
  record Name(Pos pos, String name) implements Expr {}

  /** {@code $name} (the name is kept without {@code $}). */
  record Var(Pos pos, String name) implements Expr {}

  /** {@code left op right} with op one of {@code | + - *}. */
  record Binary(Pos pos, char op, Expr left, Expr right) implements Expr {}

  /** {@code (inner)}, kept so the formatter prints what was written. */
  record Group(Pos pos, Expr inner) implements Expr {}
}
