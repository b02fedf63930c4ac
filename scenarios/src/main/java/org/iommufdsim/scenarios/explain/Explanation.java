package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.scenarios.run.StepRun;
import org.iommufdsim.sim.host.CallPath;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.ObjectGraph;

/**
 * A scenario run with, for every step, the system calls it made and each one's path through the
 * kernel (recorded by the simulator's deciding code as it ran), and the object graph before and
 * after it. Explaining only reads the host: the run is the one {@code run} and {@code check} see.
 */
public final class Explanation {
  /** One step: what ran, the calls it made with their decisions, the graph around it. */
  public record Step(int number, StepRun run, List<CallPath> calls, ObjectGraph before,
      ObjectGraph after) {
    public Step {
      calls = List.copyOf(calls);
    }
  }

  private final RunReport report;
  private final List<Step> steps;

  private Explanation(RunReport report, List<Step> steps) {
    this.report = report;
    this.steps = List.copyOf(steps);
  }

  public RunReport report() {
    return report;
  }

  public List<Step> steps() {
    return steps;
  }

  /** Runs {@code s}, recording every step's calls, decisions and graphs. */
  public static Explanation of(Scenario s) {
    Host[] host = new Host[1];
    List<CallPath> pending = new ArrayList<>();
    ObjectGraph[] last = new ObjectGraph[1];
    List<Step> steps = new ArrayList<>();
    Runner.StepWatcher watcher = new Runner.StepWatcher() {
      @Override
      public void beforeStep(int number) {
        if (last[0] == null) {
          last[0] = host[0].objectGraph();
        }
        pending.clear(); // the runner's own set-up is not the step's
      }

      @Override
      public void afterStep(int number, StepRun run) {
        ObjectGraph after = host[0].objectGraph();
        steps.add(new Step(number, run, pending, last[0], after));
        pending.clear();
        last[0] = after;
      }
    };
    RunReport r = Runner.run(s, false, UnaryOperator.identity(), h -> {
      host[0] = h;
      h.onDecisions(pending::add);
    }, watcher);
    return new Explanation(r, steps);
  }
}
