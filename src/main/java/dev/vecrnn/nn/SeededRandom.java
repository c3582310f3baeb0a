package dev.vecrnn.nn;

/**
 * The library's seeded generator: SplitMix64 (Steele, Lea, Flood 2014). Bit-for-bit the same stream
 * for a seed on every JVM and platform, which {@code java.util.Random} guarantees too but
 * {@code SplittableRandom}'s seeding does not promise across releases.
 */
final class SeededRandom {
    private long state;

    SeededRandom(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits (exact in float). */
    float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Fills a[i] = scale · U(−1, 1) in order (exactly: scale · (2u − 1), u on the 2^−24 grid). */
    void fillUniform(float[] a, float scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = scale * (2f * nextFloat() - 1f);
        }
    }
}
