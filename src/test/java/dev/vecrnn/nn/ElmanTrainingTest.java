package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Learning, the update rule, embedding normalisation and reproducibility. */
class ElmanTrainingTest {

    /** Label of word t = (w_t + w_{t−1}) mod 3 (w_{−1} = 0): needs the window's left context. */
    private static int[][] synthetic(int[][] words) {
        int[][] labels = new int[words.length][];
        for (int s = 0; s < words.length; s++) {
            labels[s] = new int[words[s].length];
            for (int t = 0; t < words[s].length; t++) {
                int prev = t > 0 ? words[s][t - 1] : 0;
                labels[s][t] = (words[s][t] + prev) % 3;
            }
        }
        return labels;
    }

    private static double accuracy(ElmanTagger m, int[][] words, int[][] labels) {
        int ok = 0, n = 0;
        int[] out = new int[64];
        for (int s = 0; s < words.length; s++) {
            m.tag(words[s], out);
            for (int t = 0; t < words[s].length; t++) {
                ok += out[t] == labels[s][t] ? 1 : 0;
                n++;
            }
        }
        return (double) ok / n;
    }

    @Test
    void learnsATinyDataSetToFullTrainingAccuracy() {
        ElmanConfig c = new ElmanConfig(6, 3, 8, 3, 16);
        int[][] words = TestData.sentences(new SplittableRandom(1), 24, 2, 8, c.vocabularySize());
        int[][] labels = synthetic(words);
        ElmanTagger m = new ElmanTagger(c, 345);
        double first = m.loss(words, labels, 0, words.length);
        double acc = 0;
        for (int epoch = 0; epoch < 400 && acc < 1; epoch++) {
            for (int s = 0; s < words.length; s++) {
                m.trainStep(words, labels, s, 1, 0.2f);
            }
            acc = accuracy(m, words, labels);
        }
        assertEquals(1.0, acc, "training accuracy");
        assertTrue(m.loss(words, labels, 0, words.length) < 0.25 * first, "loss fell");
    }

    @Test
    void batchedTrainingLearnsToo() {
        ElmanConfig c = new ElmanConfig(6, 3, 8, 3, 16);
        int[][] words = TestData.sentences(new SplittableRandom(2), 24, 1, 8, c.vocabularySize());
        int[][] labels = synthetic(words);
        ElmanTagger m = new ElmanTagger(c, 345);
        double acc = 0;
        for (int epoch = 0; epoch < 400 && acc < 1; epoch++) {
            for (int s = 0; s < words.length; s += 6) {
                m.trainStep(words, labels, s, 6, 0.1f);
            }
            acc = accuracy(m, words, labels);
        }
        assertEquals(1.0, acc, "training accuracy");
    }

    @Test
    void applySgdIsThetaMinusLrTimesGradient() {
        ElmanConfig c = new ElmanConfig(9, 4, 3, 3, 5);
        ElmanTagger m = new ElmanTagger(c, 8);
        int[][] words = {{1, 2, 3, 4}};
        int[][] labels = {{0, 1, 2, 3}};
        m.computeGradients(words, labels, 0, 1);
        ParameterSet before = m.parameters().copy();
        float lr = 0.37f;
        m.applySgd(lr);
        for (Parameter p : m.parameters()) {
            float[] v0 = before.get(p.name()).values();
            float[] g = p.gradient();
            float[] expected = new float[v0.length];
            for (int i = 0; i < v0.length; i++) {
                expected[i] = v0[i] - lr * g[i];
            }
            TestData.assertClose(p.name(), expected, p.values(), 1e-7, 1e-6);
        }
    }

    @Test
    void embeddingRowsAreUnitAfterEachTrainStep() {
        ElmanConfig c = new ElmanConfig(9, 4, 3, 3, 5);
        ElmanTagger m = new ElmanTagger(c, 8);
        int[][] words = {{1, 2, 3, 4}, {5, 6}};
        int[][] labels = {{0, 1, 2, 3}, {1, 1}};
        m.trainStep(words, labels, 0, 1, 0.5f);
        m.trainStep(words, labels, 1, 1, 0.5f);
        float[] e = m.parameters().get("emb").values();
        for (int row = 0; row <= c.vocabularySize(); row++) {
            double ss = 0;
            for (int d = 0; d < c.embeddingDim(); d++) {
                ss += e[row * c.embeddingDim() + d] * e[row * c.embeddingDim() + d];
            }
            assertEquals(1.0, ss, 1e-5, "row " + row);
        }
        // after set(), every row is normalised again
        float[] v = m.parameters().get("emb").get();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 3;
        }
        m.parameters().get("emb").set(v);
        m.normalizeEmbeddings();
        assertEquals(1.0, Math.abs(e[0]) * Math.abs(e[0]) + e[1] * e[1] + e[2] * e[2], 1e-5);
    }

    @Test
    void sameSeedGivesIdenticalParametersAndRuns() {
        ElmanConfig c = new ElmanConfig(20, 5, 7, 5, 11);
        ElmanTagger a = new ElmanTagger(c, 345);
        ElmanTagger b = new ElmanTagger(c, 345);
        ElmanTagger other = new ElmanTagger(c, 346);
        assertEquals(a.parameters().names(), java.util.List.of("emb", "wx", "wh", "w", "bh", "b", "h0"));
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.values(), b.parameters().get(p.name()).values(), p.name());
        }
        assertFalse(java.util.Arrays.equals(a.parameters().get("wx").values(), other.parameters().get("wx").values()));
        // shapes and init ranges per SPEC §1
        assertArrayEquals(new int[] {21, 7}, a.parameters().get("emb").shape());
        assertArrayEquals(new int[] {35, 11}, a.parameters().get("wx").shape());
        assertArrayEquals(new int[] {11, 11}, a.parameters().get("wh").shape());
        assertArrayEquals(new int[] {11, 5}, a.parameters().get("w").shape());
        assertArrayEquals(new int[] {11}, a.parameters().get("bh").shape());
        assertArrayEquals(new int[] {5}, a.parameters().get("b").shape());
        assertArrayEquals(new int[] {11}, a.parameters().get("h0").shape());
        for (String n : new String[] {"emb", "wx", "wh", "w"}) {
            for (float f : a.parameters().get(n).values()) {
                assertTrue(f >= -0.2f && f <= 0.2f, n);
            }
        }
        for (String n : new String[] {"bh", "b", "h0"}) {
            for (float f : a.parameters().get(n).values()) {
                assertEquals(0f, f, n);
            }
        }
        int[][] words = TestData.sentences(new SplittableRandom(3), 10, 1, 9, c.vocabularySize());
        int[][] labels = TestData.labelsFor(new SplittableRandom(4), words, c.numLabels());
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int s = 0; s < words.length; s += 2) {
                double la = a.trainStep(words, labels, s, 2, 0.1f);
                double lb = b.trainStep(words, labels, s, 2, 0.1f);
                assertEquals(la, lb, 0.0);
            }
        }
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.values(), b.parameters().get(p.name()).values(), p.name() + " after training");
        }
    }

    @Test
    void snapshotAndRestore() {
        ElmanConfig c = new ElmanConfig(9, 4, 3, 3, 5);
        ElmanTagger m = new ElmanTagger(c, 8);
        ParameterSet best = m.parameters().copy();
        int[][] words = {{1, 2, 3, 4}};
        int[][] labels = {{0, 1, 2, 3}};
        m.trainStep(words, labels, 0, 1, 0.5f);
        assertFalse(java.util.Arrays.equals(best.get("w").values(), m.parameters().get("w").values()));
        m.parameters().copyValuesFrom(best);
        for (Parameter p : m.parameters()) {
            assertArrayEquals(best.get(p.name()).values(), p.values(), p.name());
        }
        assertTrue(best.get("w").values() != m.parameters().get("w").values(), "a true copy");
    }
}
