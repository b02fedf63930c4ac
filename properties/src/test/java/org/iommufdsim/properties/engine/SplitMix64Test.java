package org.iommufdsim.properties.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Proves the engine's generator is SplitMix64 itself, so a seed means the same thing forever. */
class SplitMix64Test {
  @Test
  void seedZero_givesTheReferenceSequence() {
    // the first outputs of the reference splitmix64.c (Vigna) seeded with 0
    SplitMix64 r = new SplitMix64(0);
    assertThat(r.nextLong()).isEqualTo(0xe220a8397b1dcdafL);
    assertThat(r.nextLong()).isEqualTo(0x6e789e6aa1b965f4L);
    assertThat(r.nextLong()).isEqualTo(0x06c45d188009454fL);
  }

  @Test
  void namedStreams_areIndependentOfEachOther_andStable() {
    long a = SplitMix64.stream(42, "program").nextLong();
    assertThat(SplitMix64.stream(42, "program").nextLong()).isEqualTo(a);
    assertThat(SplitMix64.stream(42, "host").nextLong()).isNotEqualTo(a);
    assertThat(SplitMix64.stream(43, "program").nextLong()).isNotEqualTo(a);
  }

  @Test
  void nextBelow_staysBelowUnsignedBounds() {
    SplitMix64 r = new SplitMix64(7);
    for (int i = 0; i < 10_000; i++) {
      assertThat(r.nextBelow(3)).isBetween(0L, 2L);
      assertThat(Long.compareUnsigned(r.nextBelow(-2L), -2L)).isNegative(); // 2^64 - 2
    }
    assertThat(new SplitMix64(1).nextBelow(1)).isZero();
  }
}
