package org.iommufdsim.sim.kernel.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RunCounts agrees with a plain per-point array on random updates, and handles the u64 top. */
class RunCountsTest {

  @Test
  void randomUpdates_matchPerPointModel() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int round = 0; round < 200; round++) {
      RunCounts rc = new RunCounts();
      long[] model = new long[64];
      for (int step = 0; step < 40; step++) {
        int a = rnd.nextInt(64);
        int b = rnd.nextInt(64);
        int first = Math.min(a, b);
        int last = Math.max(a, b);
        boolean canDec = true;
        for (int i = first; i <= last; i++) {
          canDec &= model[i] > 0;
        }
        long delta = canDec && rnd.nextBoolean() ? -1 : 1;
        rc.add(first, last, delta);
        for (int i = first; i <= last; i++) {
          model[i] += delta;
        }
        for (int i = 0; i < 64; i++) {
          assertThat(rc.count(i)).as("point %d after step %d", i, step).isEqualTo(model[i]);
        }
        int q1 = rnd.nextInt(64);
        int q2 = rnd.nextInt(64);
        int qs = Math.min(q1, q2);
        int ql = Math.max(q1, q2);
        boolean any = false;
        for (int i = qs; i <= ql; i++) {
          any |= model[i] != 0;
        }
        assertThat(rc.intersects(qs, ql)).isEqualTo(any);
        assertMaximalRuns(rc);
      }
    }
  }

  @Test
  void rangeEndingAtU64Max_isOneRunAndRemovable() {
    RunCounts rc = new RunCounts();
    rc.add(6, U64.MAX, 1);
    assertThat(rc.runCount()).isEqualTo(1);
    assertThat(rc.count(U64.MAX)).isEqualTo(1);
    assertThat(rc.count(5)).isZero();
    assertThat(rc.intersects(0, 5)).isFalse();
    assertThat(rc.intersects(0, 6)).isTrue();
    rc.add(0, U64.MAX, 1);
    assertThat(rc.count(0)).isEqualTo(1);
    assertThat(rc.count(-2L)).isEqualTo(2);
    assertThat(rc.coveredFrom(0)).containsExactly(0, U64.MAX);
    rc.add(6, U64.MAX, -1);
    rc.add(0, U64.MAX, -1);
    assertThat(rc.isEmpty()).isTrue();
  }

  @Test
  void coveredFrom_mergesTouchingRunsOfDifferentCounts() {
    RunCounts rc = new RunCounts();
    rc.add(10, 19, 1);
    rc.add(15, 29, 1);
    rc.add(40, 49, 1);
    assertThat(rc.coveredFrom(0)).containsExactly(10, 29);
    assertThat(rc.coveredFrom(12)).containsExactly(10, 29);
    assertThat(rc.coveredFrom(30)).containsExactly(40, 49);
    assertThat(rc.coveredFrom(50)).isNull();
  }

  @Test
  void hugeRange_costsOneEntry() {
    RunCounts rc = new RunCounts();
    rc.add(0, (1L << 40) - 1, 1);
    assertThat(rc.runCount()).isEqualTo(1);
    assertThat(rc.anyDiffers(0, (1L << 40) - 1, 1)).isFalse();
    assertThat(rc.anyDiffers(0, 1L << 40, 1)).isTrue();
  }

  private static void assertMaximalRuns(RunCounts rc) {
    long[] prev = null;
    for (long[] r : rc.runs()) {
      assertThat(r[2]).isPositive();
      if (prev != null) {
        assertThat(U64.lt(prev[1], r[0])).isTrue();
        boolean touching = prev[1] + 1 == r[0];
        assertThat(touching && prev[2] == r[2]).as("adjacent runs with equal counts").isFalse();
      }
      prev = r;
    }
  }
}
