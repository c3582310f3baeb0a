package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.nn.BigramLanguageModel;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextSamplerTest {
    private static final int V = 10;

    /** A bigram model whose most likely successor of x is (x + 1) mod V, by a logit margin of 1 or more. */
    private static BigramLanguageModel chain(long seed) {
        BigramLanguageModel m = new BigramLanguageModel(V, seed);
        float[] w = new float[V * V];
        Random r = new Random(seed);
        for (int x = 0; x < V; x++) {
            for (int j = 0; j < V; j++) {
                w[x * V + j] = r.nextFloat(); // in [0, 1)
            }
            w[x * V + (x + 1) % V] = 2f;
        }
        m.parameters().get("w").set(w);
        return m;
    }

    @Test
    void aTemperatureNearZeroPicksTheArgmax() {
        TextSampler s = new TextSampler(chain(1), 42);
        int[] out = new int[25];
        assertEquals(25, s.generate(new int[] {3}, 25, 1e-3, -1, out));
        for (int k = 0; k < out.length; k++) {
            assertEquals((4 + k) % V, out[k], "word " + k);
        }
        Random r = new Random(3);
        float[] logits = new float[V];
        for (int trial = 0; trial < 200; trial++) {
            int arg = 0;
            for (int i = 0; i < V; i++) {
                logits[i] = (float) (r.nextGaussian() * 5);
                arg = logits[i] > logits[arg] ? i : arg;
            }
            // the runner-up is at least 1e-6 behind: a gap that a temperature of 1e-9 makes e^−1000
            boolean clear = true;
            for (int i = 0; i < V; i++) {
                clear &= i == arg || logits[arg] - logits[i] > 1e-6;
            }
            if (clear) {
                assertEquals(arg, s.sample(logits, 1e-9), Arrays.toString(logits));
            }
        }
    }

    @Test
    void samplesTheSoftmaxAtTemperatureOne() {
        TextSampler s = new TextSampler(chain(1), 7);
        float[] logits = {0f, 1f, 2f, -1f, 0.5f, -30f, 0f, 0f, 3f, 1f};
        double[] p = new double[V];
        double sum = 0;
        for (int i = 0; i < V; i++) {
            sum += p[i] = Math.exp(logits[i]);
        }
        int draws = 40_000;
        int[] hits = new int[V];
        for (int k = 0; k < draws; k++) {
            hits[s.sample(logits, 1.0)]++;
        }
        for (int i = 0; i < V; i++) {
            double expected = p[i] / sum;
            double sd = Math.sqrt(expected * (1 - expected) / draws);
            assertEquals(expected, (double) hits[i] / draws, 5 * sd + 1e-9, "word " + i + " " + Arrays.toString(hits));
        }
        // temperature 2 flattens: the top word is drawn less often than at 1
        int top = 0;
        for (int k = 0; k < draws; k++) {
            top += s.sample(logits, 2.0) == 8 ? 1 : 0;
        }
        assertTrue(top < hits[8] * 0.9, top + " vs " + hits[8]);
    }

    @Test
    void sameSeedSameWords() {
        int[] a = new int[60];
        int[] b = new int[60];
        int[] c = new int[60];
        new TextSampler(chain(2), 99).generate(new int[] {0, 5}, 60, 1.0, -1, a);
        new TextSampler(chain(2), 99).generate(new int[] {0, 5}, 60, 1.0, -1, b);
        new TextSampler(chain(2), 100).generate(new int[] {0, 5}, 60, 1.0, -1, c);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        // each call starts from a zero state but continues the random stream: a second call from the same
        // seed words draws other words, and a fresh sampler of the same seed repeats both calls
        TextSampler s = new TextSampler(chain(2), 99);
        int[] d = new int[60];
        s.generate(new int[] {0, 5}, 60, 1.0, -1, d);
        int[] e = new int[60];
        s.generate(new int[] {0, 5}, 60, 1.0, -1, e);
        assertArrayEquals(a, d);
        assertFalse(Arrays.equals(d, e));
        TextSampler again = new TextSampler(chain(2), 99);
        again.generate(new int[] {0, 5}, 60, 1.0, -1, d);
        int[] f = new int[60];
        again.generate(new int[] {0, 5}, 60, 1.0, -1, f);
        assertArrayEquals(e, f);
    }

    @Test
    void stopsAfterTheStopWord() {
        TextSampler s = new TextSampler(chain(1), 5);
        int[] out = new int[50];
        Arrays.fill(out, -7);
        // the argmax chain from 3 reaches 7 at its fourth word
        assertEquals(4, s.generate(new int[] {3}, 50, 1e-3, 7, out));
        assertArrayEquals(new int[] {4, 5, 6, 7, -7}, Arrays.copyOf(out, 5));
        assertEquals(0, s.generate(new int[] {3}, 0, 1.0, 7, out));
    }

    @Test
    void rejectsBadArguments() {
        TextSampler s = new TextSampler(chain(1), 5);
        int[] out = new int[5];
        for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> s.generate(new int[] {1}, 5, t, -1, out), "τ " + t);
            assertThrows(IllegalArgumentException.class, () -> s.sample(new float[V], t), "τ " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[0], 5, 1, -1, out));
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[] {V}, 5, 1, -1, out));
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[] {-1}, 5, 1, -1, out));
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[] {1}, 6, 1, -1, out));
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[] {1}, 5, 1, V, out));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[V - 1], 1));
        float[] nan = new float[V];
        nan[3] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> s.sample(nan, 1));
    }

    @Test
    void generatingAllocatesNothing() {
        TextSampler s = new TextSampler(chain(1), 5);
        int[] seed = {1, 2};
        int[] out = new int[500];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int tries = 0; tries < 50 && least > 0; tries++) {
            long before = mx.getThreadAllocatedBytes(id);
            long probe = mx.getThreadAllocatedBytes(id) - before;
            before = mx.getThreadAllocatedBytes(id);
            s.generate(seed, 500, 0.8, -1, out);
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before - probe);
        }
        assertEquals(0, least);
    }
}
