package org.iommufdsim.sim.kernel.util;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Non-negative counts over the unsigned 64-bit line, stored as maximal runs of equal non-zero
 * counts: covering a huge range costs one entry. Used for pin counts of pages and for the
 * coverage of (possibly overlapping) reserved IOVA ranges. Updates cost O(log n + k) for the k
 * runs the range crosses.
 */
public final class RunCounts {
  /** run start -> {inclusive last, count}; runs are disjoint and count > 0. */
  private final TreeMap<Long, long[]> runs = new TreeMap<>(Long::compareUnsigned);

  public void add(long first, long last, long delta) {
    checkState(U64.le(first, last), "empty range");
    split(first);
    if (last != U64.MAX) {
      split(last + 1);
    }
    List<Map.Entry<Long, long[]>> inside = new ArrayList<>(runs.subMap(first, true, last, true).entrySet());
    long cursor = first;
    boolean done = false;
    for (Map.Entry<Long, long[]> e : inside) {
      long s = e.getKey();
      long[] r = e.getValue();
      if (U64.lt(cursor, s)) {
        put(cursor, s - 1, delta);
      }
      runs.remove(s);
      put(s, r[0], r[1] + delta);
      if (r[0] == U64.MAX) {
        done = true;
        break;
      }
      cursor = r[0] + 1;
    }
    if (!done && U64.le(cursor, last) && !(inside.size() > 0 && cursor == 0)) {
      put(cursor, last, delta);
    }
    mergeAround(first, last);
  }

  public long count(long point) {
    Map.Entry<Long, long[]> e = runs.floorEntry(point);
    return e != null && U64.le(point, e.getValue()[0]) ? e.getValue()[1] : 0;
  }

  /** True if any point of {@code [first, last]} has a non-zero count. */
  public boolean intersects(long first, long last) {
    Map.Entry<Long, long[]> e = runs.floorEntry(last);
    return e != null && U64.ge(e.getValue()[0], first);
  }

  /** The covered run containing or following {@code point}: {start, last} merged, or null. */
  public long[] coveredFrom(long point) {
    Map.Entry<Long, long[]> e = runs.floorEntry(point);
    if (e == null || U64.lt(e.getValue()[0], point)) {
      e = runs.ceilingEntry(point);
      if (e == null) {
        return null;
      }
    }
    long start = e.getKey();
    long last = e.getValue()[0];
    while (last != U64.MAX) {
      long[] next = runs.get(last + 1);
      if (next == null) {
        break;
      }
      last = next[0];
    }
    return new long[] {start, last};
  }

  /** The maximal sub-ranges of {@code [first, last]} whose count is zero, ascending. */
  public List<long[]> zeroRanges(long first, long last) {
    List<long[]> out = new ArrayList<>();
    long cursor = first;
    Map.Entry<Long, long[]> e = runs.floorEntry(first);
    List<long[]> hits = new ArrayList<>();
    if (e != null && U64.ge(e.getValue()[0], first)) {
      hits.add(new long[] {e.getKey(), e.getValue()[0]});
    }
    for (Map.Entry<Long, long[]> r : runs.subMap(first, false, last, true).entrySet()) {
      hits.add(new long[] {r.getKey(), r.getValue()[0]});
    }
    for (long[] h : hits) {
      if (U64.lt(cursor, h[0])) {
        out.add(new long[] {cursor, h[0] - 1});
      }
      if (U64.ge(h[1], last)) {
        return out;
      }
      cursor = h[1] + 1;
    }
    out.add(new long[] {cursor, last});
    return out;
  }

  public boolean isEmpty() {
    return runs.isEmpty();
  }

  public int runCount() {
    return runs.size();
  }

  /** Runs in order as {start, last, count}. */
  public List<long[]> runs() {
    List<long[]> out = new ArrayList<>();
    runs.forEach((s, r) -> out.add(new long[] {s, r[0], r[1]}));
    return out;
  }

  /** True if the count differs from {@code expected} anywhere in {@code [first, last]}. */
  public boolean anyDiffers(long first, long last, long expected) {
    long cursor = first;
    Map.Entry<Long, long[]> e = runs.floorEntry(first);
    List<long[]> seen = new ArrayList<>();
    if (e != null && U64.ge(e.getValue()[0], first)) {
      seen.add(new long[] {first, e.getValue()[0], e.getValue()[1]});
    }
    for (Map.Entry<Long, long[]> r : runs.subMap(first, false, last, true).entrySet()) {
      seen.add(new long[] {r.getKey(), r.getValue()[0], r.getValue()[1]});
    }
    for (long[] r : seen) {
      if (U64.lt(cursor, r[0]) && expected != 0) {
        return true;
      }
      if (r[2] != expected) {
        return true;
      }
      if (U64.ge(r[1], last)) {
        return false;
      }
      cursor = r[1] + 1;
    }
    return expected != 0;
  }

  private void put(long s, long l, long count) {
    checkState(count >= 0, "count below zero at %s", Long.toUnsignedString(s));
    if (count != 0) {
      runs.put(s, new long[] {l, count});
    }
  }

  private void split(long point) {
    Map.Entry<Long, long[]> e = runs.lowerEntry(point);
    if (e != null && U64.ge(e.getValue()[0], point)) {
      long[] r = e.getValue();
      runs.put(e.getKey(), new long[] {point - 1, r[1]});
      runs.put(point, new long[] {r[0], r[1]});
    }
  }

  private void mergeAround(long first, long last) {
    Long k = first == 0 ? runs.ceilingKey(0L) : runs.floorKey(first - 1);
    if (k == null) {
      k = runs.ceilingKey(first);
    }
    while (k != null) {
      long[] r = runs.get(k);
      if (r[0] == U64.MAX) {
        return;
      }
      long[] n = runs.get(r[0] + 1);
      if (n != null && n[1] == r[1]) {
        runs.remove(r[0] + 1);
        runs.put(k, new long[] {n[0], r[1]});
        continue;
      }
      Long next = runs.higherKey(k);
      if (next == null || (last != U64.MAX && U64.gt(next, last + 1))) {
        return;
      }
      k = next;
    }
  }
}
