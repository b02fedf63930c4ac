package org.iommufdsim.sim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The simulated address space is sparse, deterministic, shared for memfds, and faults cleanly. */
class MmTest {
  private static final long PAGE = 4096;

  private Vma map(Mm mm, long length, MemObject obj) {
    long start = mm.reserve(length);
    Vma v = new Vma(start, mm.roundUp(length), 3, 1, obj, 0);
    mm.insert(v);
    return v;
  }

  @Test
  void mappingOneTebibyte_storesNothingUntilWritten() {
    Mm mm = new Mm(PAGE);
    MemObject obj = new MemObject("anon", PAGE, 1L << 40, false, 1);
    Vma v = map(mm, 1L << 40, obj);
    assertThat(obj.storedPages()).isZero();
    assertThat(mm.copyFrom(v.start() + (1L << 39), 16)).containsOnly(0);
    mm.copyTo(v.start() + (1L << 39) + 4090, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThat(obj.storedPages()).isEqualTo(2);
    assertThat(mm.copyFrom(v.start() + (1L << 39) + 4090, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void addresses_areIncreasingAlignedAndNeverReused() {
    Mm mm = new Mm(PAGE);
    long a = mm.reserve(PAGE);
    long b = mm.reserve(PAGE);
    assertThat(a).isEqualTo(Mm.MMAP_BASE);
    assertThat(b).isGreaterThan(a);
    assertThat(b % (2L << 20)).isZero();
  }

  @Test
  void unmappedOrReadOnlyMemory_faults() {
    Mm mm = new Mm(PAGE);
    MemObject obj = new MemObject("anon", PAGE, 2 * PAGE, false, 1);
    long start = mm.reserve(2 * PAGE);
    mm.insert(new Vma(start, 2 * PAGE, 1, 1, obj, 0));
    assertThat(mm.copyFrom(start + 2 * PAGE - 4, 8)).isNull();
    assertThat(mm.copyTo(start, new byte[1])).isFalse();
    assertThat(mm.copyFrom(0, 1)).isNull();
    assertThat(mm.copyFrom(-1L, 1)).isNull();
  }

  @Test
  void munmapOfTheMiddle_splitsTheMapping() {
    Mm mm = new Mm(PAGE);
    MemObject obj = new MemObject("anon", PAGE, 4 * PAGE, false, 1);
    Vma v = map(mm, 4 * PAGE, obj);
    mm.copyTo(v.start() + 3 * PAGE, new byte[] {9});
    mm.unmap(v.start() + PAGE, PAGE);
    assertThat(mm.isMapped(v.start(), PAGE)).isTrue();
    assertThat(mm.isMapped(v.start() + PAGE, 1)).isFalse();
    assertThat(mm.copyFrom(v.start() + 3 * PAGE, 1)).containsExactly(9);
  }

  @Test
  void memfdPages_areSharedByEveryMapping() {
    Mm mm = new Mm(PAGE);
    MemObject file = new MemObject("f", PAGE, 2 * PAGE, true, 1);
    Vma a = map(mm, 2 * PAGE, file);
    Vma b = map(mm, 2 * PAGE, file);
    mm.copyTo(a.start() + 100, new byte[] {7});
    assertThat(mm.copyFrom(b.start() + 100, 1)).containsExactly(7);
    file.truncate(0);
    assertThat(mm.copyFrom(b.start(), 1)).as("past the end of the file").isNull();
  }

  @Test
  void checkZeroed_followsStoredPagesOnly() {
    Mm mm = new Mm(PAGE);
    MemObject obj = new MemObject("anon", PAGE, 1L << 32, false, 1);
    Vma v = map(mm, 1L << 32, obj);
    assertThat(mm.checkZeroed(v.start(), (1L << 32) - 1)).isEqualTo(1);
    mm.copyTo(v.start() + (1L << 31), new byte[] {1});
    assertThat(mm.checkZeroed(v.start(), 1L << 32)).isZero();
    assertThat(mm.checkZeroed(v.start(), (1L << 32) + 1)).isEqualTo(-1);
  }
}
