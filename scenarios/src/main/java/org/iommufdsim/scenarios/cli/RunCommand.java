package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code run FILE}: every step and what the kernel answered, expected or not. */
@Command(name = "run",
    description = "Run a scenario and print what the kernel answered to each step.")
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "a .scn file")
  String file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Source src = Source.file(file);
    if (!(src instanceof Source.Loaded l)) {
      spec.commandLine().getErr().println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    l.scenario().title().ifPresent(t -> out.println("== " + t + " =="));
    RunReport report = Runner.run(l.scenario(), false);
    Transcript t = new Transcript(out, file, false);
    t.print(l.scenario(), report.steps());
    t.end(report);
    return switch (report) {
      case RunReport.Finished f -> f.passed() ? Main.PASSED : Main.FAILED;
      case RunReport.Aborted a -> Main.BAD_INPUT;
    };
  }
}
