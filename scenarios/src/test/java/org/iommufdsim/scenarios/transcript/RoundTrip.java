package org.iommufdsim.scenarios.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.parse.ParseResult;
import org.iommufdsim.scenarios.parse.Parser;
import org.iommufdsim.scenarios.run.Mismatch;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.scenarios.run.StepRun;
import org.iommufdsim.sim.host.Host;

/**
 * One scenario run with its process surface wrapped in a {@link RecordingSyscalls}, the
 * transcript rendered, and the transcript checked on a fresh host: why it did not round-trip,
 * or null when it did.
 */
final class RoundTrip {
  /** What one round trip produced. */
  record Result(String transcript, String problem, Host original, Host replay) {}

  private RoundTrip() {}

  static Result of(Scenario source, String fallbackTitle) {
    List<Host> hosts = new ArrayList<>();
    List<RecordingSyscalls> recs = new ArrayList<>();
    UnaryOperator<org.iommufdsim.sim.host.Syscalls> wrap = sys -> {
      RecordingSyscalls r = new RecordingSyscalls(sys);
      recs.add(r);
      return r;
    };
    RunReport first = Runner.run(source, false, wrap, hosts::add);
    if (!(first instanceof RunReport.Finished f) || recs.isEmpty()) {
      return new Result("", "the original run did not finish: " + first, null, null);
    }
    String title = source.directives().stream().filter(Directive.Title.class::isInstance)
        .map(d -> ((Directive.Title) d).text()).findFirst().orElse(fallbackTitle);
    String text = ScnTranscript.render(title, hosts.getFirst().config(), recs.getFirst());
    Scenario again = switch (Parser.parse(text)) {
      case ParseResult.Parsed p -> p.scenario();
      case ParseResult.Failed bad -> null;
    };
    if (again == null) {
      return new Result(text, "the transcript does not parse: "
          + ((ParseResult.Failed) Parser.parse(text)).error().render("transcript"), null, null);
    }
    if (!Formatter.format(again).equals(text)) {
      return new Result(text, "the transcript is not in canonical form:\n"
          + Formatter.format(again), null, null);
    }
    List<Host> replayHosts = new ArrayList<>();
    RunReport second = Runner.run(again, true, UnaryOperator.identity(), replayHosts::add);
    String problem = switch (second) {
      case RunReport.Aborted a -> "the replay aborted: " + a.error().render("transcript");
      case RunReport.Finished g when !g.passed() -> "the replay failed: " + describe(g)
          + (System.getProperty("transcript.dump") == null ? ""
              : "\n" + firstDifference(hosts.getFirst().trace(), replayHosts.getFirst().trace()));
      case RunReport.Finished g -> null;
    };
    return new Result(text, problem, hosts.getFirst(), replayHosts.getFirst());
  }

  /**
   * The kernel trace without the lines for anonymous mappings (the transcript leaves out those
   * no step names) and with user addresses masked (they move with the runner's own memory).
   */
  static List<String> normalized(List<String> trace) {
    return trace.stream()
        .filter(l -> !l.matches(".*mmap\\(0x0, 0x[0-9a-f]+, [A-Zx0-9_|]+, (?:(?:MAP_SHARED|MAP_PRIVATE)\\|)?MAP_ANONYMOUS, -1,.*"))
        .map(l -> l.replaceAll("0x[0-9a-f]{9,}", "ADDR").replaceAll("\\b[0-9]{11,}\\b", "ADDR"))
        .toList();
  }

  static String firstDifference(List<String> a0, List<String> b0) {
    List<String> a = normalized(a0);
    List<String> b = normalized(b0);
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return "trace " + i + ":\n  " + String.join("\n  ", a.subList(Math.max(0, i - 3),
            Math.min(a.size(), i + 3))) + "\nreplay:\n  " + String.join("\n  ",
            b.subList(Math.max(0, i - 3), Math.min(b.size(), i + 3)));
      }
    }
    return "traces agree for " + Math.min(a.size(), b.size()) + " lines";
  }

  private static String describe(RunReport.Finished g) {
    for (StepRun r : g.steps()) {
      for (Mismatch m : r.mismatches()) {
        return m.render("transcript");
      }
    }
    return "invariants: " + g.violations();
  }
}
