package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.run.Mismatch;
import org.iommufdsim.scenarios.run.Recorder;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.StepRun;

/**
 * Prints a run for people: each step as written and what the kernel answered; with narration,
 * the scenario's comments too (the demo's guided tour).
 */
final class Transcript {
  private final PrintWriter out;
  private final String file;
  private final boolean narrate;

  Transcript(PrintWriter out, String file, boolean narrate) {
    this.out = out;
    this.file = file;
    this.narrate = narrate;
  }

  void print(Scenario s, List<StepRun> runs) {
    int next = 0;
    boolean atBlank = true;
    for (Item item : s.items()) {
      switch (item) {
        case Item.Comment c -> {
          if (narrate) {
            out.println(c.text().replaceFirst("^# ?", ""));
            atBlank = false;
          }
        }
        case Item.Blank b -> {
          if (narrate && !atBlank) {
            out.println();
            atBlank = true;
          }
        }
        case Directive d -> { }
        case Step st -> {
          if (next < runs.size()) {
            step(runs.get(next++));
            atBlank = false;
          }
        }
      }
    }
  }

  private void step(StepRun run) {
    String prompt = narrate ? "  $ " : "";
    List<String> lines = Formatter.lines(run.step());
    for (int i = 0; i < lines.size(); i++) {
      out.println((i == 0 ? prompt : " ".repeat(prompt.length())) + lines.get(i));
    }
    String indent = "    ";
    out.println(indent + (narrate ? "kernel: " : "=> ") + answer(run));
    for (Mismatch m : run.mismatches()) {
      out.println(indent + "!! " + m.render(file));
    }
  }

  /** The kernel's answer: ok or the errno, the outcome's fields and the outputs, the reason. */
  static String answer(StepRun run) {
    return Recorder.describe(run);
  }

  /** The closing lines: invariants, or the file error that stopped the run. */
  void end(RunReport report) {
    switch (report) {
      case RunReport.Finished f -> {
        if (f.violations().isEmpty()) {
          out.println(narrate
              ? "The process exited; every fd was closed and the simulator's invariants hold."
              : "exit: invariants hold");
        }
        f.violations().forEach(v -> out.println("!! invariant broken after exit: " + v));
        long bad = f.steps().stream().filter(r -> !r.matched()).count();
        if (!narrate) {
          out.println(f.steps().size() + " steps, " + bad + " unexpected");
        }
      }
      case RunReport.Aborted a -> out.println("!! " + a.error().render(file));
    }
  }
}
