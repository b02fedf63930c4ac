package org.iommufdsim.sim.host;

import java.util.List;
import org.iommufdsim.sim.kernel.Invariants;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.StateDump;
import org.iommufdsim.sim.kernel.iommufd.GraphBuilder;

/**
 * The simulated host: one kernel, its devices, and the processes that make system calls to
 * it. Everything is deterministic: the same calls give the same answers and the same trace.
 */
public final class Host {
  private final Kernel kernel;

  private Host(HostConfig config) {
    this.kernel = new Kernel(config);
    if (kernel.deviceError() != null) {
      throw new IllegalArgumentException(kernel.deviceError());
    }
  }

  /**
   * A host with the configured devices.
   *
   * @throws IllegalArgumentException if a device names a driver or option the simulator does
   *     not model (the scenario runner reports that as an error in the file)
   */
  public static Host create(HostConfig config) {
    return new Host(config);
  }

  public static Host create() {
    return create(HostConfig.defaults());
  }

  public HostConfig config() {
    return kernel.config();
  }

  /** Starts a new process (pids count from 1). */
  public Process spawn() {
    Process p = new Process(kernel, kernel.spawn());
    kernel.stateChanged();
    return p;
  }

  /**
   * A number that moves on whenever the kernel's state may have changed: after every system
   * call of any process (failed ones too) and when a process is spawned. Equal numbers mean an
   * equal {@link #stateDump()}, so a reader may keep what it derived from the dump.
   */
  public long stateVersion() {
    return kernel.stateVersion();
  }

  /** The trace so far: one line per system call, in order. */
  public List<String> trace() {
    return kernel.tracer().lines();
  }

  /** How many lines the trace holds: a mark for {@link #traceSince}. */
  public int traceSize() {
    return kernel.tracer().size();
  }

  /** The trace lines written since {@code mark} (a {@link #traceSize()} taken earlier). */
  public List<String> traceSince(int mark) {
    return kernel.tracer().since(mark);
  }

  public void setTracing(boolean on) {
    kernel.tracer().setEnabled(on);
  }

  public void clearTrace() {
    kernel.tracer().clear();
  }

  /**
   * Calls {@code listener} after every system call of every process with the call's decision
   * path (null stops). For tools that watch calls they do not make themselves (the QEMU
   * replay, a library-wide coverage count); a caller of its own process can read
   * {@link Process#lastDecisions()} instead.
   */
  public void onDecisions(java.util.function.Consumer<CallPath> listener) {
    kernel.setCallListener(listener == null ? null : (t, call) -> {
      List<Decision> path = Decisions.of(t.decisions());
      listener.accept(new CallPath(t.pid(), call, path, t.decisions().resultErrno(),
          Decisions.events(t.decisions(), path)));
    });
  }

  /**
   * A deterministic text rendering of the whole kernel state (object tables, IOAS areas and
   * reservations, fds, pin counts): equal dumps mean equal states.
   */
  public String stateDump() {
    return StateDump.dump(kernel);
  }

  /**
   * The object graph of what the kernel holds right now: every live object of every iommufd
   * context, the fds that reach them, and the references between them (see {@link
   * ObjectGraph}). Reading it changes nothing.
   */
  public ObjectGraph objectGraph() {
    return GraphBuilder.build(kernel);
  }

  /**
   * Checks every invariant of the kernel model (object table, reference counts, IOAS areas,
   * reservations, pin counts); returns one line per violation, empty when all hold.
   */
  public List<String> checkInvariants() {
    return Invariants.check(kernel);
  }
}
