package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.scenarios.parse.ScnFailure;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.Process;
import org.iommufdsim.sim.host.SegmentationFault;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;

/**
 * Runs a scenario on a fresh simulated host: builds the host from the directives, spawns one
 * process, maps the runner's scratch memory, opens {@code $iommufd} if the steps use it before
 * binding it (as if the file began with {@code open "/dev/iommu" -> ok fd=$iommufd}), runs the
 * steps through the process's system calls only, then exits the process (closing every fd it
 * still holds) and checks the simulator's invariants.
 */
public final class Runner {
  private Runner() {}

  /**
   * @param stopAtMismatch stop after the first step whose outcome did not hold ({@code check});
   *     otherwise run every step whatever happens ({@code run}, {@code record})
   */
  public static RunReport run(Scenario s, boolean stopAtMismatch) {
    // nobody can read this host's trace, so it is not kept: formatting every call's struct was
    // a third of the time of a long `check` (bench/README.md)
    return run(s, stopAtMismatch, UnaryOperator.identity(), host -> host.setTracing(false));
  }

  /**
   * The same run, watched: {@code wrap} is given the process's system-call surface and returns
   * the one the steps go through (a recorder, say: it must pass every call on), and
   * {@code onHost} is given the host once it is built (to read its trace or state dump after
   * the run).
   */
  public static RunReport run(Scenario s, boolean stopAtMismatch, UnaryOperator<Syscalls> wrap,
      Consumer<Host> onHost) {
    return run(s, stopAtMismatch, wrap, onHost, (n, r) -> { });
  }

  /** Told after each step, before the next one runs (and before the process exits). */
  @FunctionalInterface
  public interface StepWatcher {
    /**
     * @param number the step's number, 1 for the first step of the file
     * @param run what the step did
     */
    void afterStep(int number, StepRun run);

    /**
     * Called right before step {@code number} runs, after the runner's own set-up (its scratch
     * memory, the implicit open of {@code $iommufd} when the file relies on it).
     */
    default void beforeStep(int number) {}
  }

  /**
   * The same watched run, also told after each step: what {@code explain} and {@code graph}
   * use to see the host between steps (its object graph after step N, say).
   */
  public static RunReport run(Scenario s, boolean stopAtMismatch, UnaryOperator<Syscalls> wrap,
      Consumer<Host> onHost, StepWatcher watcher) {
    return run(s, stopAtMismatch, true, wrap, onHost, watcher);
  }

  /**
   * What {@code check} needs: the run stops at the first mismatch, and the report keeps only the
   * steps that did not match (so a scenario of millions of steps runs in memory for its text
   * alone, not for every step's answer as well).
   */
  public static RunReport check(Scenario s) {
    return run(s, true, false, UnaryOperator.identity(), host -> host.setTracing(false),
        (n, r) -> { });
  }

  private static RunReport run(Scenario s, boolean stopAtMismatch, boolean keepMatched,
      UnaryOperator<Syscalls> wrap, Consumer<Host> onHost, StepWatcher watcher) {
    List<StepRun> runs = new ArrayList<>();
    int number = 0;
    Step current = null;
    try {
      HostConfig config = HostSetup.config(s.directives());
      Host host = createHost(config, s);
      onHost.accept(host);
      Process p = host.spawn();
      Machine m = new Machine(wrap.apply(p), new Env(config.pageSize()));
      start(m, s);
      for (Step st : s.steps()) {
        current = st;
        number++;
        watcher.beforeStep(number);
        StepRun r = step(m, st);
        if (keepMatched || !r.matched()) {
          runs.add(r);
        }
        watcher.afterStep(number, r);
        if (stopAtMismatch && !r.matched()) {
          break;
        }
      }
      p.exit();
      return new RunReport.Finished(runs, host.checkInvariants());
    } catch (ScnFailure f) {
      return new RunReport.Aborted(runs, f.error());
    } catch (SegmentationFault e) {
      Pos at = current == null ? new Pos(1, 1) : current.pos();
      return new RunReport.Aborted(runs, new ScnError.BadValue(at,
          "the runner's own memory is gone (did the scenario unmap it?): " + e.getMessage()));
    }
  }

  private static Host createHost(HostConfig config, Scenario s) {
    try {
      return Host.create(config);
    } catch (IllegalArgumentException e) {
      Pos at = s.directives().stream().filter(Directive.Device.class::isInstance)
          .map(Directive::pos).findFirst().orElse(new Pos(1, 1));
      throw Env.bad(at, "the host refuses this configuration: " + e.getMessage());
    }
  }

  private static void start(Machine m, Scenario s) {
    SysResult r = m.scratch.start();
    if (!r.isOk()) {
      throw new IllegalStateException("the runner cannot map its scratch memory: " + r);
    }
    if (usesIommufdUnbound(s)) {
      SysResult open = m.sys.open("/dev/iommu");
      if (!open.isOk()) {
        throw new IllegalStateException("opening /dev/iommu failed: " + open);
      }
      m.env.bind(Env.IOMMUFD, open.value());
    }
  }

  static StepRun step(Machine m, Step st) {
    Answer a = switch (CallKind.of(st)) {
      case CallKind.Ioctl io -> new IoctlCall(m).exec(st, io.def(), io.op());
      case CallKind.Sys sys -> new SysCalls(m).exec(st, sys.builtin());
    };
    return OutcomeCheck.check(st, a, m.env);
  }

  /** Whether some step needs {@code $iommufd} before any outcome binds it. */
  static boolean usesIommufdUnbound(Scenario s) {
    for (Step st : s.steps()) {
      if (needsIommufd(st)) {
        return true;
      }
      boolean binds = st.outcome().stream().flatMap(o -> o.pairs().stream())
          .anyMatch(p -> p.value() instanceof Value.Var v && v.name().equals(Env.IOMMUFD));
      if (binds) {
        return false;
      }
    }
    return false;
  }

  private static boolean needsIommufd(Step st) {
    boolean actsOnFd = Builtin.named(st.call().text()).map(b -> b.actsOnFd).orElse(true);
    if (actsOnFd && st.target().map(t -> t.text().equals(Env.IOMMUFD)).orElse(true)) {
      return true;
    }
    for (Arg a : st.args()) {
      Value v = switch (a) {
        case Arg.Positional p -> p.value();
        case FieldArg f -> f.value();
      };
      if (mentionsIommufd(v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentionsIommufd(Value v) {
    return switch (v) {
      case Value.Var var -> var.name().equals(Env.IOMMUFD);
      case Value.Binary b -> mentionsIommufd(b.left()) || mentionsIommufd(b.right());
      case Value.Group g -> mentionsIommufd(g.inner());
      case Value.StructLit l -> l.fields().stream().anyMatch(f -> mentionsIommufd(f.value()));
      case Value.ListLit l -> l.elements().stream().anyMatch(Runner::mentionsIommufd);
      case Value.Num n -> false;
      case Value.Neg n -> false;
      case Value.Name n -> false;
      case Value.Str str -> false;
    };
  }
}
