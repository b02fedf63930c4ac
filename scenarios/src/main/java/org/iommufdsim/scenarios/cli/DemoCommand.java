package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code demo}: the first teaching scenario as a guided transcript. */
@Command(name = "demo", description = "Walk through a short guided scenario: an IOAS is "
    + "created, mapped, copied and unmapped.")
final class DemoCommand implements Callable<Integer> {
  static final String FILE = "scenarios/teaching/01-ioas-basics.scn";
  static final String RESOURCE = "/teaching/01-ioas-basics.scn";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Source src = Source.resource(FILE, RESOURCE);
    if (!(src instanceof Source.Loaded l)) {
      spec.commandLine().getErr().println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    String title = l.scenario().title().orElse("IOAS basics");
    out.println("iommufd-sim demo: " + title);
    out.println("=".repeat(("iommufd-sim demo: " + title).length()));
    out.println();
    out.println("A process on the simulated host opens /dev/iommu and makes these calls,");
    out.println("exactly as a C program would; after each one is the simulated kernel's answer.");
    out.println();
    RunReport report = Runner.run(l.scenario(), false);
    Transcript t = new Transcript(out, FILE, true);
    t.print(l.scenario(), report.steps());
    out.println();
    t.end(report);
    out.println();
    out.println("Run it yourself:");
    out.println("  ./iommufd-sim run " + FILE);
    return switch (report) {
      case RunReport.Finished f -> f.passed() ? Main.PASSED : Main.FAILED;
      case RunReport.Aborted a -> Main.BAD_INPUT;
    };
  }
}
