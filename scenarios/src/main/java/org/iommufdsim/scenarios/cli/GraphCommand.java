package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.explain.GraphFormat;
import org.iommufdsim.scenarios.explain.GraphSnapshots;
import org.iommufdsim.scenarios.explain.TextGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graph FILE [--at STEP] [--format F] [--width N]}: runs the scenario up to a step and
 * prints the object graph as it stands right after it (what {@code explain --graph} will show).
 */
@Command(name = "graph",
    description = "Run a scenario up to a step and print the kernel's object graph after it.")
final class GraphCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "a .scn file")
  String file;

  @Option(names = "--at", paramLabel = "STEP",
      description = "the step after which to draw the graph (1 = the first; default: the last)")
  Integer at;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text, dot, mermaid or svg (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--width", paramLabel = "N", defaultValue = "80",
      description = "the text format's line width, at least " + TextGraph.MIN_WIDTH
          + " (default: ${DEFAULT-VALUE})")
  int width;

  @Override
  public Integer call() {
    GraphFormat f = GraphFormat.named(format).orElseThrow(() -> usage("--format must be text,"
        + " dot, mermaid or svg, not '" + format + "'"));
    if (width < TextGraph.MIN_WIDTH) {
      throw usage("--width must be at least " + TextGraph.MIN_WIDTH + ", not " + width);
    }
    PrintWriter err = spec.commandLine().getErr();
    Source src = Source.file(file);
    if (!(src instanceof Source.Loaded l)) {
      err.println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    int steps = l.scenario().steps().size();
    return switch (GraphSnapshots.at(l.scenario(), at == null ? steps : at)) {
      case GraphSnapshots.Taken t -> {
        spec.commandLine().getOut().print(f.render(t.graph(), width));
        yield Main.PASSED;
      }
      case GraphSnapshots.Aborted a -> {
        err.println(a.error().render(file));
        yield Main.BAD_INPUT;
      }
      case GraphSnapshots.NoSuchStep n -> {
        err.println(file + ": there is no step " + n.number() + ": the file has " + n.steps()
            + (n.steps() == 1 ? " step" : " steps"));
        yield Main.BAD_INPUT;
      }
    };
  }

  private CommandLine.ParameterException usage(String why) {
    return new CommandLine.ParameterException(spec.commandLine(), why);
  }
}
