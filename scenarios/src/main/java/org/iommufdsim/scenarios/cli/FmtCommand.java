package org.iommufdsim.scenarios.cli;

import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.format.Formatter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fmt FILE}: the file in canonical form (see {@link Formatter}). */
@Command(name = "fmt", description = "Print a scenario in canonical form.")
final class FmtCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "a .scn file")
  String file;

  @Override
  public Integer call() {
    Source src = Source.file(file);
    if (!(src instanceof Source.Loaded l)) {
      spec.commandLine().getErr().println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    spec.commandLine().getOut().print(Formatter.format(l.scenario()));
    return Main.PASSED;
  }
}
