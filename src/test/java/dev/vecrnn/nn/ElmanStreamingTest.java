package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Whole-sentence tagging against the reference, and the streaming tagger against whole-sentence tagging. */
class ElmanStreamingTest {

    private static int[] stream(StreamingTagger st, int[] words) {
        int[] out = new int[words.length];
        Arrays.fill(out, -2);
        int n = 0;
        for (int i = 0; i < words.length; i++) {
            int label = st.push(words[i]);
            if (i < st.lag()) {
                assertEquals(-1, label, "no label before the lag is filled");
            } else {
                out[n++] = label;
            }
        }
        int pending = st.pending();
        assertEquals(Math.min(words.length, st.lag()), pending);
        assertEquals(pending, st.finish(out, n));
        assertEquals(words.length, n + pending);
        return out;
    }

    @Test
    void tagIsTheArgmaxOfTheReference() {
        ElmanConfig c = new ElmanConfig(15, 6, 4, 5, 9);
        ElmanTagger m = new ElmanTagger(c, 21);
        TestData.randomizeVectors(m, new SplittableRandom(1), 0.5);
        ElmanReference ref = ElmanReference.of(m);
        int[][] words = TestData.sentences(new SplittableRandom(2), 20, 1, 10, c.vocabularySize());
        int[] out = new int[10];
        for (int[] s : words) {
            m.tag(s, out);
            double[][] h = ref.hidden(s);
            for (int t = 0; t < s.length; t++) {
                double[] p = ref.softmaxOut(h[t]);
                int best = 0;
                for (int j = 1; j < p.length; j++) {
                    if (p[j] > p[best]) {
                        best = j;
                    }
                }
                assertEquals(p[best], p[out[t]], 1e-5, "probability of the chosen label");
            }
        }
    }

    @Test
    void streamingEqualsWholeSentenceTaggingForEveryWindowAndLength() {
        for (int cs = 1; cs <= 7; cs += 2) {
            ElmanConfig c = new ElmanConfig(12, 5, 4, cs, 10);
            ElmanTagger m = new ElmanTagger(c, 100 + cs);
            TestData.randomizeVectors(m, new SplittableRandom(cs), 1.0);
            StreamingTagger pre = m.newStreamingTagger();
            StreamingTagger direct = m.newStreamingTagger(false);
            assertEquals(cs / 2, pre.lag());
            SplittableRandom rnd = new SplittableRandom(cs * 31L);
            int[] whole = new int[10];
            for (int len = 1; len <= 10; len++) {
                for (int rep = 0; rep < 3; rep++) {
                    int[] words = TestData.sentences(rnd, 1, len, len, c.vocabularySize())[0];
                    m.tag(words, whole);
                    int[] expected = Arrays.copyOf(whole, len);
                    assertArrayEquals(expected, stream(pre, words), "cs " + cs + " length " + len + " (precomputed)");
                    assertArrayEquals(expected, stream(direct, words), "cs " + cs + " length " + len);
                }
            }
        }
    }

    @Test
    void streamingFollowsParameterUpdates() {
        ElmanConfig c = new ElmanConfig(12, 4, 4, 3, 8);
        ElmanTagger m = new ElmanTagger(c, 5);
        StreamingTagger st = m.newStreamingTagger();
        int[][] words = TestData.sentences(new SplittableRandom(6), 8, 2, 9, c.vocabularySize());
        int[][] labels = TestData.labelsFor(new SplittableRandom(7), words, c.numLabels());
        int[] whole = new int[9];
        for (int round = 0; round < 5; round++) {
            for (int s = 0; s < words.length; s++) {
                m.trainStep(words, labels, s, 1, 0.5f);
            }
            for (int[] s : words) {
                m.tag(s, whole);
                assertArrayEquals(Arrays.copyOf(whole, s.length), stream(st, s), "round " + round);
            }
        }
        // a direct write into the live arrays needs refresh()
        float[] w = m.parameters().get("wx").values();
        for (int i = 0; i < w.length; i++) {
            w[i] = -w[i] * 3;
        }
        st.refresh();
        for (int[] s : words) {
            m.tag(s, whole);
            assertArrayEquals(Arrays.copyOf(whole, s.length), stream(st, s), "after refresh");
        }
    }

    @Test
    void streamingErrorsAndReset() {
        ElmanTagger m = new ElmanTagger(new ElmanConfig(5, 3, 2, 5, 4), 1);
        StreamingTagger st = m.newStreamingTagger();
        assertThrows(IllegalArgumentException.class, () -> st.push(5));
        assertThrows(IllegalArgumentException.class, () -> st.push(-1));
        st.push(1);
        st.push(2);
        st.push(3);
        assertThrows(IllegalArgumentException.class, () -> st.finish(new int[1], 0));
        st.reset();
        assertEquals(0, st.pending());
        int[] whole = new int[2];
        m.tag(new int[] {4, 0}, whole);
        assertArrayEquals(whole, stream(st, new int[] {4, 0}));
    }

    @Test
    void denseStepperMatchesAReference() {
        int nin = 21, nh = 19, nout = 7;
        DenseElman d = new DenseElman(nin, nh, nout, 9);
        SplittableRandom rnd = new SplittableRandom(3);
        for (String n : new String[] {"bh", "b", "h0"}) {
            float[] v = d.parameters().get(n).get();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextDouble() - 0.5);
            }
            d.parameters().get(n).set(v);
        }
        assertEquals(java.util.List.of("wx", "wh", "w", "bh", "b", "h0"), d.parameters().names());
        float[] wx = d.parameters().get("wx").values(), wh = d.parameters().get("wh").values(),
                w = d.parameters().get("w").values(), bh = d.parameters().get("bh").values(),
                b = d.parameters().get("b").values(), h0 = d.parameters().get("h0").values();
        DenseElman.Stepper st = d.newStepper();
        float[] x = new float[nin + 3];
        float[] probs = new float[nout];
        float[] hidden = new float[nh];
        for (int stream = 0; stream < 2; stream++) {
            double[] h = new double[nh];
            for (int i = 0; i < nh; i++) {
                h[i] = h0[i];
            }
            for (int t = 0; t < 6; t++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (2 * rnd.nextDouble() - 1);
                }
                double[] hn = new double[nh];
                for (int k = 0; k < nh; k++) {
                    double a = bh[k];
                    for (int i = 0; i < nin; i++) {
                        a += x[3 + i] * (double) wx[i * nh + k];
                    }
                    for (int i = 0; i < nh; i++) {
                        a += h[i] * wh[i * nh + k];
                    }
                    hn[k] = 1 / (1 + Math.exp(-a));
                }
                h = hn;
                double[] o = new double[nout];
                double sum = 0;
                for (int j = 0; j < nout; j++) {
                    double s = b[j];
                    for (int k = 0; k < nh; k++) {
                        s += h[k] * w[k * nout + j];
                    }
                    o[j] = Math.exp(s);
                    sum += o[j];
                }
                for (int j = 0; j < nout; j++) {
                    o[j] /= sum;
                }
                st.step(x, 3, probs, 0);
                TestData.assertClose("probs stream " + stream + " step " + t, o, probs, 1e-6, 1e-5);
                st.hidden(hidden, 0);
                TestData.assertClose("h stream " + stream + " step " + t, h, hidden, 1e-6, 1e-5);
            }
            st.reset();
        }
        assertThrows(IllegalArgumentException.class, () -> st.step(new float[nin - 1], probs));
        assertThrows(IllegalArgumentException.class, () -> st.step(new float[nin], new float[nout - 1]));
    }
}
