package org.iommufdsim.scenarios.ast;

/** One argument of a step: a positional value or a {@code field=value} pair. */
public sealed interface Arg permits Arg.Positional, FieldArg {
  Pos pos();

  /** A value given without a field name: {@code "PATH"}, or {@code STRUCT{...}} for write. */
  record Positional(Value value) implements Arg {
    @Override
    public Pos pos() {
      return value.pos();
    }
  }
}
