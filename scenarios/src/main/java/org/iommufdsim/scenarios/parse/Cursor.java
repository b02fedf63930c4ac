package org.iommufdsim.scenarios.parse;

import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.ScnError;

/** A read position in one logical line, with the character classes of the language. */
final class Cursor {
  private final LogicalLine line;
  private final String s;
  private int i;

  Cursor(LogicalLine line) {
    this.line = line;
    this.s = line.text();
  }

  LogicalLine line() {
    return line;
  }

  Pos pos() {
    return line.pos(i);
  }

  boolean atEnd() {
    return i >= s.length();
  }

  char peek() {
    return atEnd() ? '\0' : s.charAt(i);
  }

  char peek(int ahead) {
    return i + ahead < s.length() ? s.charAt(i + ahead) : '\0';
  }

  char next() {
    return s.charAt(i++);
  }

  boolean startsWith(String prefix) {
    return s.startsWith(prefix, i);
  }

  void skip(int n) {
    i += n;
  }

  /** Skips blanks; true if there were any. */
  boolean skipBlanks() {
    int from = i;
    while (!atEnd() && isBlank(peek())) {
      i++;
    }
    return i > from;
  }

  void expect(char c, String what) {
    if (peek() != c) {
      throw error("expected " + what + ", found " + describe());
    }
    i++;
  }

  /** After a unit of a step: the line ends, or a blank (or one of {@code closers}) follows. */
  void endOfUnit(String closers) {
    if (!atEnd() && !isBlank(peek()) && closers.indexOf(peek()) < 0) {
      throw error("unexpected " + describe()
          + "; separate items with spaces (no spaces inside a value)");
    }
  }

  String ident(String what) {
    if (!isIdentStart(peek())) {
      throw error("expected " + what + ", found " + describe());
    }
    int from = i;
    while (!atEnd() && isIdentPart(peek())) {
      i++;
    }
    return s.substring(from, i);
  }

  String describe() {
    if (atEnd()) {
      return "the end of the line";
    }
    char c = peek();
    return isBlank(c) ? "a space" : "'" + c + "'";
  }

  ScnFailure error(String reason) {
    return errorAt(pos(), reason);
  }

  static ScnFailure errorAt(Pos pos, String reason) {
    return new ScnFailure(new ScnError.Syntax(pos, reason));
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  static boolean isIdentStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
