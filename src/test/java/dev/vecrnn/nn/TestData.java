package dev.vecrnn.nn;

import java.lang.management.ManagementFactory;

import java.util.SplittableRandom;

/** Random sentences and parameter perturbations for the nn tests. */
final class TestData {
    private TestData() {}

    static int[][] sentences(SplittableRandom rnd, int count, int minLen, int maxLen, int ne) {
        int[][] s = new int[count][];
        for (int i = 0; i < count; i++) {
            s[i] = new int[minLen + rnd.nextInt(maxLen - minLen + 1)];
            for (int t = 0; t < s[i].length; t++) {
                s[i][t] = rnd.nextInt(ne);
            }
        }
        return s;
    }

    static int[][] labelsFor(SplittableRandom rnd, int[][] words, int nc) {
        int[][] l = new int[words.length][];
        for (int i = 0; i < words.length; i++) {
            l[i] = new int[words[i].length];
            for (int t = 0; t < l[i].length; t++) {
                l[i][t] = rnd.nextInt(nc);
            }
        }
        return l;
    }

    /** Gives the zero-initialised vectors (bh, b, h0) random values too, so every path is exercised. */
    static void randomizeVectors(ElmanTagger m, SplittableRandom rnd, double scale) {
        for (String n : new String[] {"bh", "b", "h0"}) {
            float[] v = m.parameters().get(n).get();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
            }
            m.parameters().get(n).set(v);
        }
    }

    /** Max over i of |a[i] − b[i]| / (atol + rtol·max|b|). */
    static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + " != " + expected.length);
        }
        double maxAbs = 0;
        for (double e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        double tol = atol + rtol * maxAbs;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]
                        + " (tolerance " + tol + ", max |expected| " + maxAbs + ")");
            }
        }
    }

    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        assertClose(what, e, actual, atol, rtol);
    }

    /**
     * Bytes allocated by this thread while running r {@code times} times, the least over repeated tries
     * until a try allocates nothing or 30 s have passed: until C2 has compiled them, Vector API loops
     * run boxed and allocate, so the first tries measure the JIT's progress, not the code.
     */
    static long allocated(Runnable r, int times) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 2000; i++) {
            r.run();
        }
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (least > 0 && System.nanoTime() < deadline) {
            long before = mx.getThreadAllocatedBytes(id);
            long probe = mx.getThreadAllocatedBytes(id) - before; // what reading the counter costs
            before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < times; i++) {
                r.run();
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before - probe);
        }
        return least;
    }
}
