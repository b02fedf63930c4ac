package org.iommufdsim.properties.engine;

/**
 * The engine's only source of randomness: SplitMix64 (Steele, Lea, Flood 2014), written out here so
 * that a seed means the same program on every JDK, forever. {@link #stream} derives independent
 * named streams from one seed, so adding a stream never shifts the values of another.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** A stream named {@code name} of the run seeded with {@code seed}. */
  public static SplitMix64 stream(long seed, String name) {
    long h = 0xcbf29ce484222325L; // FNV-1a over the UTF-16 code units of the name
    for (int i = 0; i < name.length(); i++) {
      h = (h ^ name.charAt(i)) * 0x100000001b3L;
    }
    return new SplitMix64(mix(seed ^ mix(h)));
  }

  /** The finaliser of SplitMix64 (Stafford's variant 13): a bijection on 64-bit values. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in {@code [0, bound)} for an unsigned {@code bound} (0 means the whole 2^64). */
  public long nextBelow(long bound) {
    if (bound == 0) {
      return nextLong();
    }
    // rejection sampling on the unsigned range: no modulo bias
    long limit = Long.remainderUnsigned(-bound, bound);
    while (true) {
      long r = nextLong();
      if (Long.compareUnsigned(r, limit) >= 0) {
        return Long.remainderUnsigned(r, bound);
      }
    }
  }
}
