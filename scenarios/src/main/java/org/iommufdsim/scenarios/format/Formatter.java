package org.iommufdsim.scenarios.format;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Outcome;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.Step;

/**
 * The canonical form of a {@code .scn} file, printed by {@code iommufd-sim fmt} and by the
 * recorder. Formatting its own output changes nothing. The rules:
 *
 * <ul>
 *   <li>Items stay in file order; comments stay where they were: a comment line on its own
 *       line at column 1, a comment after a directive or step at the end of its last line,
 *       after two spaces. Comment text is kept as written (trailing blanks dropped).
 *   <li>Blank lines: none at the start or end of the file, a run of them becomes one, and
 *       exactly one separates the last directive from whatever follows it.
 *   <li>Directives: {@code @title "text"}, {@code @page_size N}, {@code @device NAME
 *       driver=DRIVER option=value ...} with {@code driver} first, then the options in file
 *       order.
 *   <li>Steps: {@code [$target: ]CALL arg ... [-> outcome]}, one space between items, arguments
 *       and outcome pairs in file order. A bare {@code -> ok} is omitted (a step without
 *       {@code ->} must succeed); {@code -> ok} with pairs is kept. Errno aliases print as
 *       their canonical name ({@code ENOTSUP} as {@code EOPNOTSUPP}).
 *   <li>Values as written, except: hex literals are lower case with a {@code 0x} prefix,
 *       decimal literals lose leading zeros, array indexes are plain decimal, struct literals
 *       print as {@code {a=1 b=2}}, lists as {@code [x y]}, with no blank after the opening or
 *       before the closing bracket.
 *   <li>Width: a line holds at most {@value #WIDTH} characters where it can. A longer step or
 *       directive breaks between items (never inside a value, never between {@code ->} and
 *       its {@code ok} or errno), filling each line greedily; every line but the last ends
 *       in {@code " \"}, and continuation lines are indented by four spaces. An item longer
 *       than the width gets a line of its own. Trailing comments do not count.
 *   <li>The file ends with one newline (an empty scenario prints as nothing).
 * </ul>
 */
public final class Formatter {
  public static final int WIDTH = 100;
  public static final String INDENT = "    ";

  private Formatter() {}

  public static String format(Scenario s) {
    List<String> out = new ArrayList<>();
    boolean pendingBlank = false;
    boolean afterDirective = false;
    for (Item item : s.items()) {
      if (item instanceof Item.Blank) {
        pendingBlank = !out.isEmpty();
        continue;
      }
      if (pendingBlank || (afterDirective && !(item instanceof Directive))) {
        out.add("");
      }
      pendingBlank = false;
      afterDirective = item instanceof Directive;
      out.addAll(lines(item));
    }
    return out.isEmpty() ? "" : String.join("\n", out) + "\n";
  }

  /** The lines of one item in canonical form. */
  public static List<String> lines(Item item) {
    return switch (item) {
      case Item.Comment c -> List.of(c.text());
      case Item.Blank b -> List.of("");
      case Directive d -> withComment(wrap(directiveUnits(d)), d.comment().orElse(null));
      case Step st -> withComment(wrap(stepUnits(st)), st.comment().orElse(null));
    };
  }

  private static List<String> directiveUnits(Directive d) {
    List<String> units = new ArrayList<>();
    switch (d) {
      case Directive.Title t -> units.add("@title " + Printer.quote(t.text()));
      case Directive.PageSize p -> units.add("@page_size " + Printer.value(p.size()));
      case Directive.Device dev -> {
        units.add("@device " + dev.name().text());
        units.add("driver=" + dev.driver().text());
        dev.options().forEach(o -> units.add(o.key().text() + "=" + o.value().text()));
      }
    }
    return units;
  }

  private static List<String> stepUnits(Step st) {
    List<String> units = new ArrayList<>();
    units.add(st.target().map(t -> "$" + t.text() + ": ").orElse("") + st.call().text());
    for (Arg a : st.args()) {
      units.add(switch (a) {
        case Arg.Positional p -> Printer.value(p.value());
        case FieldArg f -> Printer.field(f);
      });
    }
    st.outcome().filter(o -> !o.isBareOk()).ifPresent(o -> addOutcome(o, units));
    return units;
  }

  private static void addOutcome(Outcome o, List<String> units) {
    units.add("-> " + o.errno().map(Enum::name).orElse("ok"));
    o.pairs().forEach(p -> units.add(Printer.field(p)));
  }

  private static List<String> wrap(List<String> units) {
    List<String> lines = new ArrayList<>();
    StringBuilder cur = new StringBuilder(units.getFirst());
    for (int k = 1; k < units.size(); k++) {
      String u = units.get(k);
      int reserve = k == units.size() - 1 ? 0 : 2;
      if (cur.length() + 1 + u.length() + reserve <= WIDTH) {
        cur.append(' ').append(u);
      } else {
        lines.add(cur + " \\");
        cur = new StringBuilder(INDENT).append(u);
      }
    }
    lines.add(cur.toString());
    return lines;
  }

  private static List<String> withComment(List<String> lines, String comment) {
    if (comment == null) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines);
    out.set(out.size() - 1, out.getLast() + "  " + comment);
    return out;
  }
}
