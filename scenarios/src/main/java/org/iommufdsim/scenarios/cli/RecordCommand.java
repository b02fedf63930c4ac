package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.scenarios.run.Recorder;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code record FILE}: the canonical transcript with the outcomes that actually happened. */
@Command(name = "record",
    description = "Run a scenario and print it with the outcomes that actually happened.")
final class RecordCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "a .scn file")
  String file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Source src = Source.file(file);
    if (!(src instanceof Source.Loaded l)) {
      err.println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    return switch (Runner.run(l.scenario(), false)) {
      case RunReport.Aborted a -> {
        err.println(a.error().render(file));
        yield Main.BAD_INPUT;
      }
      case RunReport.Finished f -> {
        out.print(Formatter.format(Recorder.record(l.scenario(), f.steps())));
        f.violations().forEach(v -> err.println(file + ": invariant broken after exit: " + v));
        yield f.violations().isEmpty() ? Main.PASSED : Main.FAILED;
      }
    };
  }
}
