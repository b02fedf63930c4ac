package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.run.Mismatch;
import org.iommufdsim.sim.host.CallPath;
import org.iommufdsim.sim.host.Decision;
import org.iommufdsim.sim.host.PathEvent;

/**
 * An explanation as plain text for a terminal, wrapped to a width, without colour. For each
 * step: the step as written, each system call it made with the kernel's path through it (one
 * line per check: the kernel function, what it looked at, and whether it passed; the deciding
 * refusal is marked; what the kernel did besides checking, such as routing a fault or a release
 * pass destroying an object, on {@code ->} lines where it happened), the answer, and what
 * changed in the kernel.
 */
public final class ExplainText {
  private ExplainText() {}

  /** The text of one step; {@code file} names the scenario in mismatch lines. */
  public static String step(Explanation.Step s, String file, int width) {
    StringBuilder sb = new StringBuilder();
    StringBuilder src = new StringBuilder();
    for (String l : Formatter.lines(s.run().step())) {
      src.append(' ').append(l.strip().replaceAll("\\\\$", ""));
    }
    TextGraph.wrap(sb, words("step " + s.number() + ", line " + s.run().step().pos().line()
        + ":" + src), 0, 4, width);
    calls(sb, s.calls(), width);
    TextGraph.wrap(sb, words("answer: " + answer(s)), 2, 6, width);
    for (Mismatch m : s.run().mismatches()) {
      TextGraph.wrap(sb, words("!! " + m.render(file)), 2, 6, width);
    }
    changes(sb, s.before(), s.after(), width);
    return sb.toString();
  }

  /**
   * One QEMU log line as the replayer ran it: the line, the system calls the port made for it
   * with their decision paths, what the replay reported, and what changed.
   */
  public static String logLine(int lineNo, String text, List<CallPath> calls,
      org.iommufdsim.sim.host.ObjectGraph before, org.iommufdsim.sim.host.ObjectGraph after,
      List<String> reports, int width) {
    StringBuilder sb = new StringBuilder();
    TextGraph.wrap(sb, words("log line " + lineNo + ": " + text.strip()), 0, 4, width);
    calls(sb, calls, width);
    for (String r : reports) {
      TextGraph.wrap(sb, words("!! " + r), 2, 6, width);
    }
    changes(sb, before, after, width);
    return sb.toString();
  }

  /** The calls with their paths, each check on its own line, the deciding refusal marked. */
  static void calls(StringBuilder sb, List<CallPath> calls, int width) {
    if (calls.isEmpty()) {
      TextGraph.wrap(sb, words("(no system call reached the kernel)"), 2, 4, width);
    }
    for (CallPath c : calls) {
      TextGraph.wrap(sb, words(c.call() + " = " + (c.errno() == null ? "ok" : "-1 " + c.errno())),
          2, 6, width);
      Decision decider = c.decidingCheck();
      List<PathEvent> events = c.events();
      int next = 0;
      for (int i = 0; i <= c.decisions().size(); i++) {
        while (next < events.size() && events.get(next).after() == i) {
          PathEvent e = events.get(next++);
          TextGraph.wrap(sb, words("-> " + e.function() + ": " + e.text()), 6, 10, width);
        }
        if (i == c.decisions().size()) {
          break;
        }
        Decision d = c.decisions().get(i);
        String times = d.times() > 1 ? " (x" + d.times() + ")" : "";
        String text = d == decider && d.refused()
            ? "DECIDED " + d.errno() + ": " + d.function() + ": " + d.subject() + " - "
                + d.detail()
            : d.refused()
                ? "refused " + d.errno() + ", not final: " + d.function() + ": " + d.subject()
                    + " - " + d.detail()
                : "ok: " + d.function() + ": " + d.subject() + times + value(d.detail());
        TextGraph.wrap(sb, words(text), 6, 10, width);
      }
    }
  }

  static void changes(StringBuilder sb, org.iommufdsim.sim.host.ObjectGraph before,
      org.iommufdsim.sim.host.ObjectGraph after, int width) {
    List<String> changes = GraphDiff.lines(before, after);
    if (!changes.isEmpty()) {
      TextGraph.wrap(sb, words("changed:"), 2, 6, width);
      for (String ch : changes) {
        TextGraph.wrap(sb, words(ch), 4, 8, width);
      }
    }
  }

  static String answer(Explanation.Step s) {
    return org.iommufdsim.scenarios.run.Recorder.describe(s.run());
  }

  /**
   * The value a passed check looked at, when its detail kept one (the detail's trailing
   * parenthesis); the rest of the detail explains a refusal, so it is shown only for refusals.
   */
  private static String value(String detail) {
    int open = detail.lastIndexOf(" (");
    if (open < 0 || !detail.endsWith(")")) {
      return "";
    }
    String v = detail.substring(open);
    return v.startsWith(" (value ") || v.contains(" = ") ? v : "";
  }

  private static List<String> words(String text) {
    List<String> w = new ArrayList<>();
    for (String part : text.split(" ")) {
      if (!part.isEmpty()) {
        w.add(part);
      }
    }
    return w;
  }
}
