package org.iommufdsim.sim.kernel.decide;

import java.util.Arrays;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The checks one system call ran, in order: parallel arrays, no text, so recording costs a few
 * stores. Consecutive passes of the same check (a loop over array entries) fold into one entry
 * with a count; the log holds at most {@link #CAPACITY} entries, later passes past that are
 * only counted, while a refusal always takes the last slot, so the deciding check is never
 * lost.
 */
public final class DecisionLog {
  public static final int CAPACITY = 256;
  private static final long NO_VALUE = Long.MIN_VALUE + 0x5eed;

  private Check[] checks = new Check[8];
  private boolean[] refused = new boolean[8];
  private int[] times = new int[8];
  private long[] values = new long[8];
  private String[] notes = new String[8];
  private Errno[] errnos = new Errno[8];
  private int size;
  private int elided;
  private Event[] events = new Event[4];
  private int[] eventAt = new int[4];
  private Object[] eventA = new Object[4];
  private Object[] eventB = new Object[4];
  private long[] eventX = new long[4];
  private long[] eventY = new long[4];
  private int eventCount;
  private int eventsElided;
  private Errno resultErrno;
  private String resultReason = "";
  private boolean ended;

  void clear() {
    Arrays.fill(eventA, 0, eventCount, null);
    Arrays.fill(eventB, 0, eventCount, null);
    eventCount = 0;
    eventsElided = 0;
    Arrays.fill(notes, 0, size, null);
    Arrays.fill(errnos, 0, size, null);
    size = 0;
    elided = 0;
    resultErrno = null;
    resultReason = "";
    ended = false;
  }

  void record(Check c, boolean refuses) {
    record(c, refuses, NO_VALUE);
  }

  void record(Check c, boolean refuses, long value) {
    if (!refuses && size > 0 && checks[size - 1] == c && !refused[size - 1]) {
      times[size - 1]++;
      values[size - 1] = value;
      return;
    }
    int at = slot(refuses);
    if (at < 0) {
      return;
    }
    checks[at] = c;
    refused[at] = refuses;
    times[at] = 1;
    values[at] = value;
    notes[at] = null;
    errnos[at] = null;
  }

  void recordChosen(Check c, Errno errno, String reason) {
    int at = slot(true);
    checks[at] = c;
    refused[at] = true;
    times[at] = 1;
    values[at] = NO_VALUE;
    notes[at] = reason;
    errnos[at] = errno;
  }

  void recordFailNth(String point) {
    int at = slot(true);
    checks[at] = SysCheck.FAIL_NTH;
    refused[at] = true;
    times[at] = 1;
    values[at] = NO_VALUE;
    notes[at] = point;
    errnos[at] = null;
  }

  /**
   * Records that {@code e} happened now, after the checks logged so far, with the objects and
   * numbers it concerns (kept as they are; worded only when the path is read). At most
   * {@link #CAPACITY} events are kept.
   */
  void event(Event e, Object a, Object b, long x, long y) {
    if (eventCount == CAPACITY) {
      eventsElided++;
      return;
    }
    if (eventCount == events.length) {
      int n = eventCount * 2;
      events = Arrays.copyOf(events, n);
      eventAt = Arrays.copyOf(eventAt, n);
      eventA = Arrays.copyOf(eventA, n);
      eventB = Arrays.copyOf(eventB, n);
      eventX = Arrays.copyOf(eventX, n);
      eventY = Arrays.copyOf(eventY, n);
    }
    events[eventCount] = e;
    eventAt[eventCount] = size;
    eventA[eventCount] = a;
    eventB[eventCount] = b;
    eventX[eventCount] = x;
    eventY[eventCount] = y;
    eventCount++;
  }

  public int eventCount() {
    return eventCount;
  }

  /** Events not kept because {@link #CAPACITY} were already. */
  public int eventsElided() {
    return eventsElided;
  }

  public Event event(int i) {
    return events[i];
  }

  /** How many log entries (checks) came before event {@code i}. */
  public int eventAt(int i) {
    return eventAt[i];
  }

  public Object eventA(int i) {
    return eventA[i];
  }

  public Object eventB(int i) {
    return eventB[i];
  }

  public long eventX(int i) {
    return eventX[i];
  }

  public long eventY(int i) {
    return eventY[i];
  }

  private int slot(boolean refuses) {
    if (size == CAPACITY) {
      if (!refuses) {
        elided++;
        return -1;
      }
      elided++;
      return size - 1;
    }
    if (size == checks.length) {
      int n = Math.min(CAPACITY, size * 2);
      checks = Arrays.copyOf(checks, n);
      refused = Arrays.copyOf(refused, n);
      times = Arrays.copyOf(times, n);
      values = Arrays.copyOf(values, n);
      notes = Arrays.copyOf(notes, n);
      errnos = Arrays.copyOf(errnos, n);
    }
    return size++;
  }

  /** The call returned: remembers its errno (null for success) and reason. */
  public void end(Errno errno, String reason) {
    resultErrno = errno;
    resultReason = reason;
    ended = true;
  }

  public int size() {
    return size;
  }

  public Check check(int i) {
    return checks[i];
  }

  public boolean refused(int i) {
    return refused[i];
  }

  public int times(int i) {
    return times[i];
  }

  public boolean hasValue(int i) {
    return values[i] != NO_VALUE;
  }

  public long value(int i) {
    return values[i];
  }

  /**
   * The fallible point of a {@link SysCheck#FAIL_NTH} entry, the callee's reason of a refusal
   * whose errno the callee chose, else null.
   */
  public String note(int i) {
    return notes[i];
  }

  /** The errno a callee chose for this refusal (a driver op), else null. */
  public Errno chosenErrno(int i) {
    return errnos[i];
  }

  /** Passed checks not kept because the log was full. */
  public int elided() {
    return elided;
  }

  public boolean ended() {
    return ended;
  }

  public Errno resultErrno() {
    return resultErrno;
  }

  public String resultReason() {
    return resultReason;
  }
}
