package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.explain.ExplainText;
import org.iommufdsim.scenarios.explain.Explanation;
import org.iommufdsim.scenarios.explain.GraphFormat;
import org.iommufdsim.scenarios.explain.TextGraph;
import org.iommufdsim.scenarios.run.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain FILE}: every step with the kernel's path through each system call it made
 * (the checks that ran, recorded by the simulator's own deciding code, ending at the one that
 * decided) and what changed in the kernel. {@code --at STEP} explains one step;
 * {@code --graph text} adds the object graph after each step explained, and
 * {@code --graph dot|mermaid|svg} prints only the graph after step {@code --at} (default: the
 * last). Plain text, wrapped to {@code --width} (default: {@code $COLUMNS}, else 80), never
 * coloured. Exit 0 when every outcome held, 1 when one did not, 2 on a bad file or option.
 */
@Command(name = "explain", description = {
    "Explain a scenario: for each step, the checks the kernel ran and which one decided,",
    "then what changed; optionally the object graph after it."})
final class ExplainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "a .scn file")
  String file;

  @Option(names = "--at", paramLabel = "STEP", description = "only this step (1 = the first)")
  Integer at;

  @Option(names = "--graph", paramLabel = "FORMAT",
      description = "also the object graph: text (after each step explained), or dot, mermaid"
          + " or svg (only the graph after --at, default the last step)")
  String graph;

  @Option(names = "--html", paramLabel = "OUT.html",
      description = "write one self-contained page that steps through the explanation and"
          + " the graph after each step (arrow keys or buttons)")
  java.nio.file.Path html;

  @Option(names = "--width", paramLabel = "N",
      description = "line width, at least " + TextGraph.MIN_WIDTH + " (default: $COLUMNS, else 80)")
  Integer width;

  @Override
  public Integer call() {
    int w = width != null ? width : columns();
    if (w < TextGraph.MIN_WIDTH) {
      throw usage("--width must be at least " + TextGraph.MIN_WIDTH + ", not " + w);
    }
    GraphFormat g = graph == null ? null : GraphFormat.named(graph).orElseThrow(() ->
        usage("--graph must be text, dot, mermaid or svg, not '" + graph + "'"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (file.endsWith(".log")) {
      return explainLog(out, err, w);
    }
    Source src = Source.file(file);
    if (!(src instanceof Source.Loaded l)) {
      err.println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    int steps = l.scenario().steps().size();
    if (at != null && (at < 1 || at > steps)) {
      err.println(file + ": there is no step " + at + ": the file has " + steps
          + (steps == 1 ? " step" : " steps"));
      return Main.BAD_INPUT;
    }
    Explanation e = Explanation.of(l.scenario());
    List<Explanation.Step> explained = e.steps();
    if (html != null) {
      String title = l.scenario().title().orElse(file);
      try {
        java.nio.file.Files.writeString(html,
            org.iommufdsim.scenarios.explain.HtmlPage.render(title, e, w),
            java.nio.charset.StandardCharsets.UTF_8);
      } catch (java.io.IOException ex) {
        err.println(html + ": cannot write the page: " + ex.getMessage());
        return Main.BAD_INPUT;
      }
      out.println("wrote " + html + " (" + explained.size() + " steps)");
      return switch (e.report()) {
        case RunReport.Aborted a -> aborted(e, err);
        case RunReport.Finished f -> f.passed() ? Main.PASSED : Main.FAILED;
      };
    }
    if (g != null && g != GraphFormat.TEXT) {
      int n = at != null ? at : explained.size();
      if (n < 1 || n > explained.size()) {
        return aborted(e, err);
      }
      out.print(g.render(explained.get(n - 1).after(), w));
      return e.report() instanceof RunReport.Aborted ? Main.BAD_INPUT : Main.PASSED;
    }
    if (at == null) {
      l.scenario().title().ifPresent(t -> out.println("== " + t + " =="));
    }
    for (Explanation.Step s : explained) {
      if (at != null && s.number() != at) {
        continue;
      }
      out.print(ExplainText.step(s, file, w));
      if (g == GraphFormat.TEXT) {
        out.println("  the objects after step " + s.number() + ":");
        out.print(TextGraph.render(s.after(), Math.max(TextGraph.MIN_WIDTH, w - 4)).lines().map(x -> "    " + x)
            .reduce("", (a, b) -> a + b + "\n"));
      }
      out.println();
    }
    return switch (e.report()) {
      case RunReport.Aborted a -> aborted(e, err);
      case RunReport.Finished f -> {
        if (at == null) {
          f.violations().forEach(v -> out.println("!! invariant broken after exit: " + v));
          if (f.violations().isEmpty()) {
            out.println("exit: every fd closed; the simulator's invariants hold");
          }
        }
        yield f.passed() ? Main.PASSED : Main.FAILED;
      }
    };
  }

  /**
   * A QEMU trace log, through the replayer (as {@code qemu-replay} runs it, with mock devices):
   * every line the port replayed, with the system calls it made and their decision paths.
   */
  private int explainLog(PrintWriter out, PrintWriter err, int w) {
    if (at != null || graph != null || html != null) {
      throw usage("a QEMU log is explained line by line: --at, --graph and --html take a .scn");
    }
    java.util.List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    org.iommufdsim.scenarios.replay.QemuReplay.Result r =
        org.iommufdsim.scenarios.replay.QemuReplay.replay(file, lines, java.util.List.of(),
            (n, text, calls, before, after, reports) -> {
              out.print(ExplainText.logLine(n, text, calls, before, after, reports, w));
              out.println();
            });
    out.println(r.summary());
    return r.exitCode();
  }

  private int aborted(Explanation e, PrintWriter err) {
    if (e.report() instanceof RunReport.Aborted a) {
      err.println(a.error().render(file));
    }
    return Main.BAD_INPUT;
  }

  private static int columns() {
    String c = System.getenv("COLUMNS");
    if (c != null && c.matches("[0-9]{2,4}")) {
      return Integer.parseInt(c);
    }
    return 80;
  }

  private CommandLine.ParameterException usage(String why) {
    return new CommandLine.ParameterException(spec.commandLine(), why);
  }
}
