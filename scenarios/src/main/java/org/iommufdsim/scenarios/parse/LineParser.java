package org.iommufdsim.scenarios.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Outcome;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.uapi.Errno;

/** Parses one logical line: a directive ({@code @...}) or a step. */
final class LineParser {
  private final LogicalLine line;
  private final Cursor c;
  private final ValueParser values;

  LineParser(LogicalLine line) {
    this.line = line;
    this.c = new Cursor(line);
    this.values = new ValueParser(c);
  }

  Item parse() {
    c.skipBlanks();
    return c.peek() == '@' ? directive() : step();
  }

  // ---- directives

  private Directive directive() {
    Pos at = c.pos();
    c.skip(1);
    String name = c.ident("a directive name after '@'");
    Directive d = switch (name) {
      case "title" -> title(at);
      case "page_size" -> pageSize(at);
      case "device" -> device(at);
      default -> throw new ScnFailure(new ScnError.Unknown(at,
          "unknown directive @" + name + " (known: @title, @device, @page_size)"));
    };
    c.skipBlanks();
    if (!c.atEnd()) {
      throw c.error("unexpected " + c.describe() + " after @" + name);
    }
    return d;
  }

  private Directive.Title title(Pos at) {
    requireBlank("@title");
    Value.Str text = values.string();
    return new Directive.Title(at, line.lastLine(), text.text(), line.comment());
  }

  private Directive.PageSize pageSize(Pos at) {
    requireBlank("@page_size");
    Value.Expr size = values.expr();
    return new Directive.PageSize(at, line.lastLine(), size, line.comment());
  }

  private Directive.Device device(Pos at) {
    requireBlank("@device");
    Directive.Word name = word("a device name");
    List<Directive.Option> options = new ArrayList<>();
    Directive.Word driver = null;
    while (c.skipBlanks() && !c.atEnd()) {
      Directive.Word key = word("an option name");
      c.expect('=', "'=' after " + key.text());
      Directive.Word value = word("a value for " + key.text());
      boolean twice = key.text().equals("driver")
          ? driver != null
          : options.stream().anyMatch(o -> o.key().text().equals(key.text()));
      if (twice) {
        throw Cursor.errorAt(key.pos(), "option " + key.text() + " is given twice");
      }
      if (key.text().equals("driver")) {
        driver = value;
      } else {
        options.add(new Directive.Option(key, value));
      }
    }
    c.endOfUnit("");
    if (driver == null) {
      throw Cursor.errorAt(at, "@device " + name.text() + " needs driver=DRIVER");
    }
    return new Directive.Device(at, line.lastLine(), name, driver, options, line.comment());
  }

  private Directive.Word word(String what) {
    Pos at = c.pos();
    StringBuilder sb = new StringBuilder();
    while (!c.atEnd() && isWordChar(c.peek())) {
      sb.append(c.next());
    }
    if (sb.isEmpty()) {
      throw c.error("expected " + what + ", found " + c.describe());
    }
    return new Directive.Word(at, sb.toString());
  }

  private static boolean isWordChar(char ch) {
    return Cursor.isIdentPart(ch) || ch == '.' || ch == ':' || ch == '-';
  }

  private void requireBlank(String after) {
    if (!c.skipBlanks() || c.atEnd()) {
      throw c.error("expected a space and a value after " + after + ", found " + c.describe());
    }
  }

  // ---- steps

  private Step step() {
    Pos at = c.pos();
    Optional<Step.Name> target = Optional.empty();
    if (c.peek() == '$') {
      target = Optional.of(target());
    }
    Pos callAt = c.pos();
    Step.Name call = new Step.Name(callAt, c.ident("a call name (an ioctl, IOMMU_TEST_OP_*, "
        + "open, close, read, write, poll, mmap, munmap, memfd_create, fail_nth, ioctl)"));
    c.endOfUnit("");
    List<Arg> args = new ArrayList<>();
    Optional<Outcome> outcome = Optional.empty();
    while (c.skipBlanks() && !c.atEnd()) {
      if (c.startsWith("->")) {
        outcome = Optional.of(outcome());
        break;
      }
      args.add(arg());
      c.endOfUnit("");
    }
    return new Step(at, line.lastLine(), target, call, args, outcome, line.comment());
  }

  private Step.Name target() {
    Pos at = c.pos();
    c.skip(1);
    String name = c.ident("a variable name after '$'");
    if (c.peek() != ':') {
      throw c.error("expected ':' after the target $" + name
          + " (a step starts with a call, or with a target: $fd: CALL)");
    }
    c.skip(1);
    if (!c.skipBlanks()) {
      throw c.error("expected a space after the target $" + name + ":");
    }
    return new Step.Name(at, name);
  }

  private Arg arg() {
    char ch = c.peek();
    if (ch == '"' || ch == '{' || ch == '[') {
      return new Arg.Positional(values.value());
    }
    if (Cursor.isIdentStart(ch)) {
      int k = 0;
      while (Cursor.isIdentPart(c.peek(k))) {
        k++;
      }
      if (k > 0 && c.peek(k) == '{') {
        return new Arg.Positional(values.value());
      }
      return values.fieldArg();
    }
    throw c.error("expected field=value, found " + c.describe());
  }

  private Outcome outcome() {
    Pos at = c.pos();
    c.skip(2);
    if (!c.skipBlanks() || c.atEnd()) {
      throw c.error("expected a space and then ok or an errno after '->'");
    }
    Pos resultAt = c.pos();
    String result = c.ident("ok or an errno name");
    c.endOfUnit("");
    Optional<Errno> errno = Optional.empty();
    if (!result.equals("ok")) {
      errno = Optional.of(Errno.byName(result).orElseThrow(() -> new ScnFailure(
          new ScnError.Unknown(resultAt, "unknown outcome " + result
              + " (expected ok or an errno name such as EINVAL)"))));
    }
    List<FieldArg> pairs = new ArrayList<>();
    while (c.skipBlanks() && !c.atEnd()) {
      if (!Cursor.isIdentStart(c.peek()) && c.peek() != '[') {
        throw c.error("expected field=value in the outcome, found " + c.describe());
      }
      pairs.add(values.fieldArg());
      c.endOfUnit("");
    }
    return new Outcome(at, errno, pairs);
  }
}
