package org.iommufdsim.properties.engine;

import java.util.Arrays;
import java.util.List;

/**
 * Shrinks a failing run to a smaller one that fails the same way (same failure label), by
 * editing its recorded draws and replaying them on a fresh system: first deleting runs of whole
 * actions (halving the chunk size down to one action), then lowering each draw towards 0 (to 0,
 * then by binary search), repeated until a full round changes nothing. Every attempt reruns the
 * deterministic system, so the result depends only on the input; the number of reruns is bounded
 * by {@code budget} (a count, not a clock, so that a shrink is reproducible). A wall-clock limit
 * can be added for long campaigns; a shrink it stops is then the only thing in a report that
 * depends on the machine's speed, and the report says so.
 */
public final class Shrinker {
  private Shrinker() {}

  /** Why shrinking stopped. */
  public enum Stop {
    /** A full round of edits changed nothing: the run is as small as these edits make it. */
    DONE,
    /** The rerun budget was used up. */
    BUDGET,
    /** The wall-clock limit passed. */
    TIME
  }

  /** The shrunk run, how many reruns it took, and why it stopped. */
  public record Result(Program.Run run, int attempts, Stop stop) {}

  public static <S> Result shrink(StateMachine<S> machine, long seed, Program.Run failing,
      int maxSteps, int budget) {
    return shrink(machine, seed, failing, maxSteps, budget, 0);
  }

  /** Same, also stopping {@code seconds} after it started ({@code 0}: no time limit). */
  public static <S> Result shrink(StateMachine<S> machine, long seed, Program.Run failing,
      int maxSteps, int budget, int seconds) {
    if (!failing.failed()) {
      throw new IllegalArgumentException("nothing to shrink: the run did not fail");
    }
    Attempts<S> a = new Attempts<>(machine, seed, failing, maxSteps, budget,
        seconds <= 0 ? 0 : System.nanoTime() + seconds * 1_000_000_000L);
    boolean changed = true;
    while (changed && a.left()) {
      changed = a.deleteActions() | a.lowerDraws();
    }
    Stop stop = a.outOfTime ? Stop.TIME : a.used >= budget ? Stop.BUDGET : Stop.DONE;
    return new Result(a.best, a.used, stop);
  }

  private static final class Attempts<S> {
    final StateMachine<S> machine;
    final long seed;
    final String label;
    final int maxSteps;
    final int budget;
    Program.Run best;
    int used;
    final long deadline;
    boolean outOfTime;

    Attempts(StateMachine<S> machine, long seed, Program.Run failing, int maxSteps, int budget,
        long deadline) {
      this.deadline = deadline;
      this.machine = machine;
      this.seed = seed;
      this.label = failing.failure().label();
      this.maxSteps = maxSteps;
      this.budget = budget;
      this.best = failing;
    }

    boolean left() {
      if (deadline != 0 && !outOfTime && System.nanoTime() - deadline >= 0) {
        outOfTime = true;
      }
      return used < budget && !outOfTime;
    }

    /** Replays {@code draws}; keeps the run if it fails the same way and is simpler. */
    boolean tryDraws(long[] draws) {
      if (!left()) {
        return false;
      }
      used++;
      Program.Run r = Program.run(machine, seed, Choices.replay(draws), maxSteps);
      if (r.failed() && r.failure().label().equals(label) && simpler(r, best)) {
        best = r;
        return true;
      }
      return false;
    }

    /** Fewer steps, then fewer draws, then lexicographically smaller draws. */
    static boolean simpler(Program.Run a, Program.Run b) {
      if (a.steps().size() != b.steps().size()) {
        return a.steps().size() < b.steps().size();
      }
      if (a.choices().length != b.choices().length) {
        return a.choices().length < b.choices().length;
      }
      return Arrays.compareUnsigned(a.choices(), b.choices()) < 0;
    }

    boolean deleteActions() {
      boolean any = false;
      for (int chunk = Math.max(1, best.actionSpans().size() / 2); chunk >= 1; chunk /= 2) {
        // from the end: later actions depend on earlier ones more often than the reverse
        for (int i = best.actionSpans().size() - chunk; i >= 0 && left(); i--) {
          List<int[]> spans = best.actionSpans();
          if (i + chunk > spans.size()) {
            continue;
          }
          int from = spans.get(i)[0];
          int to = spans.get(i + chunk - 1)[1];
          long[] d = best.choices();
          long[] cut = new long[d.length - (to - from)];
          System.arraycopy(d, 0, cut, 0, from);
          System.arraycopy(d, to, cut, from, d.length - to);
          if (tryDraws(cut)) {
            any = true;
          }
        }
        if (chunk == 1) {
          break;
        }
      }
      return any;
    }

    boolean lowerDraws() {
      boolean any = false;
      for (int i = 0; i < best.choices().length && left(); i++) {
        long v = best.choices()[i];
        if (v == 0 || isContinueDraw(i)) {
          continue;
        }
        if (tryWith(i, 0)) {
          any = true;
          continue;
        }
        // binary search for the smallest value that still fails: lo fails to fail, hi fails
        long lo = 0;
        long hi = v;
        while (Long.compareUnsigned(hi - lo, 1) > 0 && left()) {
          long mid = lo + ((hi - lo) >>> 1);
          if (tryWith(i, mid)) {
            hi = mid;
            any = true;
          } else {
            lo = mid;
          }
        }
      }
      return any;
    }

    private boolean isContinueDraw(int index) {
      for (int[] s : best.actionSpans()) {
        if (s[0] == index) {
          return true;
        }
      }
      return false;
    }

    private boolean tryWith(int index, long value) {
      long[] d = best.choices().clone();
      if (index >= d.length) {
        return false;
      }
      d[index] = value;
      return tryDraws(d);
    }
  }
}
