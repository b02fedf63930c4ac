package org.iommufdsim.scenarios.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.Step;

/**
 * The {@code .scn} parser (language v1 of {@code SCENARIO-FORMAT.md}). Parsing is purely
 * syntactic: names are checked against the uAPI when the scenario runs, except errno names,
 * which the outcome grammar needs.
 */
public final class Parser {
  private Parser() {}

  public static ParseResult parse(String text) {
    try {
      return new ParseResult.Parsed(scenario(text.startsWith("\uFEFF") ? text.substring(1) : text));
    } catch (ScnFailure f) {
      return new ParseResult.Failed(f.error());
    }
  }

  private static Scenario scenario(String text) {
    List<Item> items = new ArrayList<>();
    boolean seenStep = false;
    for (Lines.Unit u : Lines.split(text)) {
      Item item = switch (u) {
        case Lines.Unit.CommentLine cl -> new Item.Comment(cl.pos(), cl.text());
        case Lines.Unit.BlankLine bl -> new Item.Blank(bl.pos());
        case Lines.Unit.Code code -> new LineParser(code.line()).parse();
      };
      if (item instanceof Directive d) {
        checkDirective(d, seenStep, items);
      }
      seenStep |= item instanceof Step;
      items.add(item);
    }
    return new Scenario(items);
  }

  private static void checkDirective(Directive d, boolean seenStep, List<Item> before) {
    if (seenStep) {
      throw Cursor.errorAt(d.pos(), "directives come before the first step");
    }
    for (Item earlier : before) {
      duplicate(d, earlier).ifPresent(reason -> {
        throw Cursor.errorAt(d.pos(), reason);
      });
    }
  }

  private static Optional<String> duplicate(Directive d, Item earlier) {
    return switch (d) {
      case Directive.Title t -> earlier instanceof Directive.Title
          ? Optional.of("@title is given twice")
          : Optional.empty();
      case Directive.PageSize p -> earlier instanceof Directive.PageSize
          ? Optional.of("@page_size is given twice")
          : Optional.empty();
      case Directive.Device dev ->
          earlier instanceof Directive.Device o && o.name().text().equals(dev.name().text())
              ? Optional.of("device " + dev.name().text() + " is declared twice")
              : Optional.empty();
    };
  }
}
