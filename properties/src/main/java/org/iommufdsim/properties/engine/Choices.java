package org.iommufdsim.properties.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The record of every random decision a program's generation made, and the means to make them
 * again. Generation draws only through this class; a run is either <em>fresh</em> (draws come from
 * a seeded {@link SplitMix64} and are recorded) or a <em>replay</em> of a recorded sequence, which
 * the shrinker edits: deleting a span of draws deletes the actions they made, and lowering a draw
 * simplifies the value it chose. In a replay a draw larger than its bound is clamped to the
 * bound's largest value, and draws past the end of the sequence are 0, the simplest choice (for
 * the "one more action?" draw, 0 ends the program).
 *
 * <p>Every draw answers in {@code [0, bound)} with 0 the simplest; generators map small draws to
 * simple values (small sizes, the first live ID, the first action type).
 */
public final class Choices {
  private final SplitMix64 rng;
  private final long[] replay;
  private long[] values = new long[64];
  private int size;
  private final List<int[]> actionSpans = new ArrayList<>();
  private int spanStart = -1;

  private Choices(SplitMix64 rng, long[] replay) {
    this.rng = rng;
    this.replay = replay;
  }

  /** Fresh draws from the stream {@code "program"} of {@code seed}. */
  public static Choices fresh(long seed) {
    return new Choices(SplitMix64.stream(seed, "program"), null);
  }

  /** Replays {@code recorded} (a copy is taken). */
  public static Choices replay(long[] recorded) {
    return new Choices(null, recorded.clone());
  }

  /** A value in {@code [0, bound)}, {@code bound} unsigned and non-zero. */
  public long below(long bound) {
    if (bound == 0) {
      throw new IllegalArgumentException("bound 0");
    }
    long v;
    if (replay == null) {
      v = rng.nextBelow(bound);
    } else {
      v = size < replay.length ? replay[size] : 0;
      if (Long.compareUnsigned(v, bound) >= 0) {
        v = bound - 1;
      }
    }
    record(v);
    return v;
  }

  /** A value in {@code [lo, hi]} (signed, {@code lo <= hi}); draws 0 give {@code lo}. */
  public long between(long lo, long hi) {
    if (lo > hi) {
      throw new IllegalArgumentException(lo + " > " + hi);
    }
    long span = hi - lo + 1; // 0 when the range is all of long: below(0) is refused, so split
    if (span == 0) {
      return lo + below(Long.MIN_VALUE) * 2 + below(2);
    }
    return lo + below(span);
  }

  public int intBetween(int lo, int hi) {
    return (int) between(lo, hi);
  }

  /** True with probability {@code percent}/100 in a fresh run; false is the simpler answer. */
  public boolean percent(int percent) {
    return below(100) >= 100 - percent;
  }

  /** One element of a non-empty list; the first is the simplest. */
  public <T> T pick(List<T> options) {
    return options.get((int) below(options.size()));
  }

  /**
   * Index of a weighted choice among {@code weights} (each non-negative, at least one positive);
   * the lowest draws pick the first positive weight.
   */
  public int weighted(int[] weights) {
    long total = 0;
    for (int w : weights) {
      total += w;
    }
    long r = below(total);
    for (int i = 0; i < weights.length; i++) {
      if (r < weights[i]) {
        return i;
      }
      r -= weights[i];
    }
    throw new AssertionError("unreachable");
  }

  /**
   * The draw that decides whether the program goes on: never when {@code more} is false (no
   * action possible, or the step limit reached); otherwise yes in a fresh run, and in a replay
   * whatever was recorded, no once the record runs out. Recorded as 1 or 0; a yes opens the
   * span of the action it admits.
   */
  boolean another(boolean more) {
    int at = size;
    long v;
    if (!more) {
      v = 0;
    } else if (replay == null) {
      v = 1;
    } else {
      v = size < replay.length && replay[size] != 0 ? 1 : 0;
    }
    record(v);
    if (v != 0) {
      spanStart = at;
    }
    return v != 0;
  }

  /** Closes the span opened by the last {@link #another(boolean)} that answered true. */
  void endAction() {
    actionSpans.add(new int[] {spanStart, size});
    spanStart = -1;
  }

  private void record(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  /** Every draw made so far, in order. */
  public long[] recorded() {
    return Arrays.copyOf(values, size);
  }

  /** {@code [from, to)} index ranges of the draws that made each action, in order. */
  List<int[]> actionSpans() {
    return List.copyOf(actionSpans);
  }
}
