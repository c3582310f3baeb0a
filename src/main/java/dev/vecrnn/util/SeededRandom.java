package dev.vecrnn.util;

/**
 * The library's seeded generator: SplitMix64 (Steele, Lea, Flood 2014). Bit-for-bit the same stream
 * for a seed on every JVM and platform, which {@code java.util.Random} guarantees too but
 * {@code SplittableRandom}'s seeding does not promise across releases. Used for parameter
 * initialisation, the trainer's shuffles and the demo's data. Not thread-safe.
 */
public final class SeededRandom {
    private long state;

    /** A generator whose stream is fixed by {@code seed}. */
    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits (exact in float). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A standard normal deviate (Box–Muller over two {@link #nextLong()} draws, the second deviate dropped). */
    public double nextGaussian() {
        double u1 = ((nextLong() >>> 11) + 1) * 0x1.0p-53; // (0, 1]: log is finite
        double u2 = (nextLong() >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Fills a[i] = scale · U(−1, 1) in order (exactly: scale · (2u − 1), u on the 2^−24 grid). */
    public void fillUniform(float[] a, float scale) {
        fillUniform(a, 0, a.length, scale);
    }

    /** {@link #fillUniform(float[], float)} on a[off, off + n). */
    public void fillUniform(float[] a, int off, int n, float scale) {
        for (int i = off; i < off + n; i++) {
            a[i] = scale * (2f * nextFloat() - 1f);
        }
    }

    /** Uniform in [0, bound), unbiased (rejection as in java.util.Random#nextInt). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, got " + bound);
        }
        long r = nextLong() >>> 33; // 31 bits
        long m = bound - 1;
        for (long u = r; u - (r = u % bound) + m >= (1L << 31); u = nextLong() >>> 33) {
            // rejected: u fell in the incomplete last block
        }
        return (int) r;
    }

    /** A fair coin. */
    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Shuffles a in place (Fisher–Yates, from the end). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
