package org.iommufdsim.scenarios.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.scenarios.parse.ScnFailure;
import org.iommufdsim.sim.uapi.Constant;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * The scenario's variables and the evaluation of integer expressions: unsigned 64-bit,
 * wrapping; names are uAPI constants or {@code PAGE_SIZE}.
 */
final class Env {
  static final String IOMMUFD = "iommufd";

  private final Map<String, Long> vars = new LinkedHashMap<>();
  private final long pageSize;

  Env(long pageSize) {
    this.pageSize = pageSize;
  }

  Optional<Long> get(String name) {
    return Optional.ofNullable(vars.get(name));
  }

  boolean isBound(String name) {
    return vars.containsKey(name);
  }

  void bind(String name, long value) {
    vars.put(name, value);
  }

  long eval(Value.Expr e) {
    return switch (e) {
      case Value.Num n -> number(n);
      case Value.Neg n -> negative(n);
      case Value.Name n -> constant(n);
      case Value.Var v -> get(v.name()).orElseThrow(() -> unbound(v));
      case Value.Group g -> eval(g.inner());
      case Value.Binary b -> apply(b.op(), eval(b.left()), eval(b.right()));
    };
  }

  /** An integer value; anything else is an error naming {@code what} it was for. */
  long evalInt(Value v, String what) {
    if (v instanceof Value.Expr e) {
      return eval(e);
    }
    throw bad(v.pos(), what + " takes an integer, not " + kind(v));
  }

  /**
   * {@code v} as stored in a field of {@code width} bytes: a negative decimal literal becomes
   * its two's complement in that width; any other value must fit.
   */
  long fit(Value.Expr e, int width, boolean signed, String field) {
    long v = eval(e);
    if (width >= 8) {
      return v;
    }
    int bits = 8 * width;
    long mask = (1L << bits) - 1;
    boolean fits = (v >>> bits) == 0 || (signed && v >= -(1L << (bits - 1)) && v < 0);
    if (!fits && isNegativeLiteral(e) && v >= -(1L << (bits - 1))) {
      return v & mask;
    }
    if (!fits) {
      throw bad(e.pos(), "0x" + Long.toHexString(v) + " is too wide for " + field + " ("
          + width + (width == 1 ? " byte)" : " bytes)"));
    }
    return signed ? v : v & mask;
  }

  private static boolean isNegativeLiteral(Value.Expr e) {
    return switch (e) {
      case Value.Neg n -> true;
      case Value.Group g -> isNegativeLiteral(g.inner());
      case Value.Num n -> false;
      case Value.Name n -> false;
      case Value.Var v -> false;
      case Value.Binary b -> false;
    };
  }

  private static long apply(char op, long a, long b) {
    return switch (op) {
      case '|' -> a | b;
      case '+' -> a + b;
      case '-' -> a - b;
      case '*' -> a * b;
      default -> throw new IllegalStateException("operator " + op);
    };
  }

  private static long number(Value.Num n) {
    if (!n.isHex()) {
      return Long.parseUnsignedLong(n.text());
    }
    String text = n.text();
    int first = 2;
    while (first < text.length() - 1 && text.charAt(first) == '0') {
      first++; // leading zeros do not count towards the 16 digits (no regex: this is per value)
    }
    String digits = text.substring(first);
    if (digits.length() > 16) {
      throw bad(n.pos(), n.text() + " does not fit in 64 bits");
    }
    return Long.parseUnsignedLong(digits, 16);
  }

  private static long negative(Value.Neg n) {
    long magnitude = Long.parseUnsignedLong(n.digits());
    if (Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0) {
      throw bad(n.pos(), "-" + n.digits() + " does not fit in 64 bits");
    }
    return -magnitude;
  }

  private long constant(Value.Name n) {
    if (n.name().equals("PAGE_SIZE")) {
      if (pageSize == 0) {
        throw bad(n.pos(), "PAGE_SIZE is not known here");
      }
      return pageSize;
    }
    return Uapi.constant(n.name()).map(Constant::value).orElseThrow(() -> new ScnFailure(
        new ScnError.Unknown(n.pos(), "unknown constant " + n.name())));
  }

  private static ScnFailure unbound(Value.Var v) {
    return bad(v.pos(), "$" + v.name() + " is not bound yet (an outcome binds it: field=$"
        + v.name() + ")");
  }

  static String kind(Value v) {
    return switch (v) {
      case Value.Str s -> "a string";
      case Value.StructLit s -> "a struct literal";
      case Value.ListLit l -> "a list";
      case Value.Expr e -> "an integer";
    };
  }

  static ScnFailure bad(Pos pos, String reason) {
    return new ScnFailure(new ScnError.BadValue(pos, reason));
  }

  static ScnFailure unknown(Pos pos, String reason) {
    return new ScnFailure(new ScnError.Unknown(pos, reason));
  }
}
