package org.iommufdsim.scenarios.parse;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Value;

/**
 * Values and field paths: integer expressions ({@code | + - * ( )}, C precedence, no blanks
 * inside), strings, struct literals and lists.
 */
final class ValueParser {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private final Cursor c;

  ValueParser(Cursor c) {
    this.c = c;
  }

  /** {@code path=value}. */
  FieldArg fieldArg() {
    Pos at = c.pos();
    String path = path();
    if (c.peek() != '=') {
      throw c.error("expected '=' after the field name " + path + ", found " + c.describe()
          + " (write field=value with no spaces)");
    }
    c.skip(1);
    return new FieldArg(at, path, value());
  }

  /** A field path: {@code name}, {@code a.b}, {@code a[1].b}, {@code [0].cookie}. */
  String path() {
    StringBuilder p = new StringBuilder();
    if (c.peek() == '[') {
      p.append(index());
    } else {
      p.append(c.ident("a field name"));
    }
    while (c.peek() == '.' || c.peek() == '[') {
      if (c.peek() == '.') {
        c.skip(1);
        p.append('.').append(c.ident("a field name after '.'"));
      } else {
        p.append(index());
      }
    }
    return p.toString();
  }

  private String index() {
    c.expect('[', "'['");
    Pos at = c.pos();
    StringBuilder digits = new StringBuilder();
    while (Cursor.isDigit(c.peek())) {
      digits.append(c.next());
    }
    if (digits.isEmpty()) {
      throw c.error("expected an index (decimal digits) inside [ ], found " + c.describe());
    }
    c.expect(']', "']'");
    BigInteger n = new BigInteger(digits.toString());
    if (n.bitLength() > 31) {
      throw Cursor.errorAt(at, "index " + digits + " is too large");
    }
    return "[" + n + "]";
  }

  Value value() {
    char ch = c.peek();
    if (ch == '"') {
      return string();
    }
    if (ch == '{') {
      return structLit(c.pos(), Optional.empty());
    }
    if (ch == '[') {
      return list();
    }
    if (Cursor.isIdentStart(ch) && identFollowedByBrace()) {
      Pos at = c.pos();
      String type = c.ident("a struct name");
      return structLit(at, Optional.of(type));
    }
    return expr();
  }

  private boolean identFollowedByBrace() {
    int k = 0;
    while (Cursor.isIdentPart(c.peek(k))) {
      k++;
    }
    return c.peek(k) == '{';
  }

  Value.Str string() {
    Pos at = c.pos();
    c.expect('"', "'\"'");
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (c.atEnd()) {
        throw unterminated(at);
      }
      char ch = c.next();
      if (ch == '\\' && c.atEnd()) {
        throw unterminated(at);
      }
      if (ch == '"') {
        return new Value.Str(at, sb.toString());
      }
      if (ch == '\\') {
        char e = c.peek();
        if (e != '"' && e != '\\') {
          throw c.error("unknown escape '\\" + e + "' in a string (only \\\" and \\\\)");
        }
        sb.append(c.next());
      } else {
        sb.append(ch);
      }
    }
  }

  private static ScnFailure unterminated(Pos at) {
    return Cursor.errorAt(at, "unterminated string (strings end on the line they start)");
  }

  Value.StructLit structLit(Pos at, Optional<String> type) {
    c.expect('{', "'{'");
    List<FieldArg> fields = new ArrayList<>();
    while (true) {
      c.skipBlanks();
      if (c.peek() == '}') {
        c.skip(1);
        return new Value.StructLit(at, type, fields);
      }
      if (c.atEnd()) {
        throw Cursor.errorAt(at, "unclosed '{': expected field=value or '}'");
      }
      fields.add(fieldArg());
      c.endOfUnit("}");
    }
  }

  private Value.ListLit list() {
    Pos at = c.pos();
    c.expect('[', "'['");
    List<Value> elements = new ArrayList<>();
    while (true) {
      c.skipBlanks();
      if (c.peek() == ']') {
        c.skip(1);
        return new Value.ListLit(at, elements);
      }
      if (c.atEnd()) {
        throw Cursor.errorAt(at, "unclosed '[': expected a value or ']'");
      }
      elements.add(value());
      c.endOfUnit("]");
    }
  }

  // ---- integer expressions, C precedence:
  // or := add ('|' add)*; add := mul (('+'|'-') mul)*; mul := atom ('*' atom)*

  Value.Expr expr() {
    Value.Expr left = add();
    while (c.peek() == '|') {
      c.skip(1);
      left = new Value.Binary(left.pos(), '|', left, add());
    }
    return left;
  }

  private Value.Expr add() {
    Value.Expr left = mul();
    while (c.peek() == '+' || c.peek() == '-') {
      char op = c.next();
      left = new Value.Binary(left.pos(), op, left, mul());
    }
    return left;
  }

  private Value.Expr mul() {
    Value.Expr left = atom();
    while (c.peek() == '*') {
      c.skip(1);
      left = new Value.Binary(left.pos(), '*', left, atom());
    }
    return left;
  }

  private Value.Expr atom() {
    Pos at = c.pos();
    char ch = c.peek();
    if (ch == '(') {
      c.skip(1);
      Value.Expr inner = expr();
      c.expect(')', "')'");
      return new Value.Group(at, inner);
    }
    if (Cursor.isDigit(ch)) {
      return number(at);
    }
    if (ch == '-' && Cursor.isDigit(c.peek(1))) {
      c.skip(1);
      Value.Num n = number(at);
      if (n.isHex()) {
        throw Cursor.errorAt(at, "only decimal literals can be negative");
      }
      return new Value.Neg(at, n.text());
    }
    if (ch == '$') {
      c.skip(1);
      return new Value.Var(at, c.ident("a variable name after '$'"));
    }
    if (Cursor.isIdentStart(ch)) {
      return new Value.Name(at, c.ident("a name"));
    }
    throw c.error("expected a value, found " + c.describe()
        + (Cursor.isBlank(ch) ? " (no spaces inside an expression)" : ""));
  }

  private Value.Num number(Pos at) {
    StringBuilder sb = new StringBuilder();
    boolean hex = c.peek() == '0' && (c.peek(1) == 'x' || c.peek(1) == 'X');
    if (hex) {
      c.skip(2);
      while (Cursor.isHexDigit(c.peek())) {
        sb.append(c.next());
      }
      if (sb.isEmpty()) {
        throw c.error("expected hex digits after 0x");
      }
    } else {
      while (Cursor.isDigit(c.peek())) {
        sb.append(c.next());
      }
    }
    if (Cursor.isIdentPart(c.peek())) {
      throw c.error("unexpected '" + c.peek() + "' in a number");
    }
    if (hex) {
      return new Value.Num(at, "0x" + sb.toString().toLowerCase(Locale.ROOT));
    }
    BigInteger n = new BigInteger(sb.toString());
    if (n.compareTo(U64_MAX) > 0) {
      throw Cursor.errorAt(at, sb + " does not fit in 64 bits");
    }
    return new Value.Num(at, n.toString());
  }
}
