package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.ObjectGraph;

/**
 * The object graph of a scenario's host between steps: after one step ({@code graph --at N})
 * or after every step (the HTML stepper). Taking a graph only reads the host, so the run is
 * the one {@code run} and {@code check} see.
 */
public final class GraphSnapshots {
  private GraphSnapshots() {}

  /** The graph after step {@code number} (1 = the first), or why it could not be taken. */
  public sealed interface At {}

  /** Step {@code number} ran; {@code graph} is what the kernel held right after it. */
  public record Taken(int number, Step step, ObjectGraph graph) implements At {}

  /** The file has a mistake found while running, at or before the step asked for. */
  public record Aborted(ScnError error) implements At {}

  /** The file has fewer steps than asked for (or {@code number} is below 1). */
  public record NoSuchStep(int number, int steps) implements At {}

  /**
   * Runs the scenario up to and including step {@code number} (later steps do not run, so a
   * mistake after it does not matter) and takes the graph right after it, before the process
   * exits.
   */
  public static At at(Scenario s, int number) {
    List<Step> steps = s.steps();
    if (number < 1 || number > steps.size()) {
      return new NoSuchStep(number, steps.size());
    }
    Step last = steps.get(number - 1);
    List<Item> items = s.items();
    Scenario upTo = new Scenario(items.subList(0, items.indexOf(last) + 1));
    Host[] host = new Host[1];
    ObjectGraph[] graph = new ObjectGraph[1];
    RunReport r = Runner.run(upTo, false, UnaryOperator.identity(), h -> host[0] = h,
        (n, run) -> {
          if (n == number) {
            graph[0] = host[0].objectGraph();
          }
        });
    if (r instanceof RunReport.Aborted a) {
      return new Aborted(a.error());
    }
    return new Taken(number, last, graph[0]);
  }

  /**
   * The run of the whole scenario with the graph after each step that ran: {@code graphs.get(i)}
   * is the graph after {@code report.steps().get(i)}.
   */
  public record Run(RunReport report, List<ObjectGraph> graphs) {
    public Run {
      graphs = List.copyOf(graphs);
    }
  }

  /** Runs every step (as {@code run} does) and takes the graph after each. */
  public static Run afterEachStep(Scenario s) {
    Host[] host = new Host[1];
    List<ObjectGraph> graphs = new ArrayList<>();
    RunReport r = Runner.run(s, false, UnaryOperator.identity(), h -> host[0] = h,
        (n, run) -> graphs.add(host[0].objectGraph()));
    return new Run(r, graphs);
  }
}
