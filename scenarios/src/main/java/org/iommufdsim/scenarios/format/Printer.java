package org.iommufdsim.scenarios.format;

import java.util.stream.Collectors;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Value;

/** Prints values and {@code field=value} pairs in their canonical spelling. */
public final class Printer {
  private Printer() {}

  public static String value(Value v) {
    return switch (v) {
      case Value.Str s -> quote(s.text());
      case Value.StructLit s -> s.type().orElse("")
          + s.fields().stream().map(Printer::field).collect(Collectors.joining(" ", "{", "}"));
      case Value.ListLit l ->
          l.elements().stream().map(Printer::value).collect(Collectors.joining(" ", "[", "]"));
      case Value.Num n -> n.text();
      case Value.Neg n -> "-" + n.digits();
      case Value.Name n -> n.name();
      case Value.Var var -> "$" + var.name();
      case Value.Binary b -> value(b.left()) + b.op() + value(b.right());
      case Value.Group g -> "(" + value(g.inner()) + ")";
    };
  }

  public static String field(FieldArg f) {
    return f.path() + "=" + value(f.value());
  }

  public static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
