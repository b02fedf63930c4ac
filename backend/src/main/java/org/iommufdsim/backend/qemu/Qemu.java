package org.iommufdsim.backend.qemu;

import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.sim.host.Syscalls;

/**
 * The QEMU process as the ported code sees it: its C library over one simulated process, and
 * the process-wide state that is a global in QEMU (the trace log, stderr, CPR state, migration
 * blockers and vmstate, the monitor). One instance per simulated QEMU; nothing is static, so
 * tests can run many side by side.
 */
public final class Qemu {
  private final Libc libc;
  private final TraceLog trace = new TraceLog();
  private final ErrorReports stderr = new ErrorReports();
  private final Cpr cpr;
  private final Migration migration = new Migration();
  private final Monitor monitor = new Monitor();

  /** Starts QEMU in {@code process}: maps its stack and heap (one {@code mmap}). */
  public Qemu(Syscalls process) {
    this.libc = new Libc(process);
    this.cpr = new Cpr(libc);
  }

  public Libc libc() {
    return libc;
  }

  /** The {@code log} trace backend's output. */
  public TraceLog trace() {
    return trace;
  }

  /** What {@code error_report()} and friends printed. */
  public ErrorReports stderr() {
    return stderr;
  }

  public Cpr cpr() {
    return cpr;
  }

  public Migration migration() {
    return migration;
  }

  public Monitor monitor() {
    return monitor;
  }
}
