package org.iommufdsim.sim.kernel.decide;

/**
 * Where check sites record themselves: one per kernel, pointing at the decision log of the
 * system call in progress (the model is single threaded, so there is exactly one, like
 * {@code current}). Code that has no task at hand (the io page table, drivers) keeps a
 * reference to the kernel's decider.
 */
public final class Decider {
  /** Where checks run outside any system call record (kernel set-up): never read. */
  private final DecisionLog between = new DecisionLog();
  private DecisionLog current = between;

  /** Makes {@code log} the current call's log and empties it (a system call begins). */
  public void begin(DecisionLog log) {
    current = log;
    log.clear();
  }

  /** The system call returned: later checks no longer belong to its log. */
  public void end() {
    current = between;
    between.clear();
  }

  /** The log calls record into now. */
  public DecisionLog current() {
    return current;
  }

  /**
   * Records {@code check} as refused when {@code refuses} holds, as passed otherwise, and
   * returns {@code refuses}: {@code if (d.refuse(C, bad)) return err(...)}.
   */
  public boolean refuse(Check check, boolean refuses) {
    current.record(check, refuses);
    return refuses;
  }

  /** As {@link #refuse(Check, boolean)}, remembering the value the check looked at. */
  public boolean refuse(Check check, boolean refuses, long value) {
    current.record(check, refuses, value);
    return refuses;
  }

  /** Records {@code check} as passed (a check whose refusal is recorded elsewhere). */
  public void pass(Check check) {
    current.record(check, false);
  }

  /** Records {@code check} as refused and returns it, for sites that compute the errno. */
  public Check refused(Check check) {
    current.record(check, true);
    return check;
  }

  /**
   * A step whose errno a callee chose (a driver op, a helper that answers several errnos):
   * records {@code check} as refused with that errno and the callee's reason, or as passed
   * when {@code errno} is null; returns whether it refused.
   */
  public boolean refuseWith(Check check, org.iommufdsim.sim.uapi.Errno errno, String reason) {
    if (errno == null) {
      current.record(check, false);
      return false;
    }
    current.recordChosen(check, errno, reason);
    return true;
  }

  /** Records that {@code e} happened (see {@link Event}) to {@code a} and {@code b}. */
  public void event(Event e, Object a, Object b, long x, long y) {
    current.event(e, a, b, x, y);
  }

  /** An injected failure fired at {@code point} (fail-nth). */
  public void failNth(String point) {
    current.recordFailNth(point);
  }
}
