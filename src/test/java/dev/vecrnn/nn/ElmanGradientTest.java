package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The double reference against finite differences, and the fused float path against the reference. */
class ElmanGradientTest {

    @Test
    void referenceGradientsMatchCentralFiniteDifferencesForEveryParameter() {
        ElmanConfig c = new ElmanConfig(5, 3, 2, 3, 4);
        ElmanTagger m = new ElmanTagger(c, 7);
        SplittableRandom rnd = new SplittableRandom(11);
        TestData.randomizeVectors(m, rnd, 0.5);
        int[][] words = {{0, 4, 2}, {3}, {1, 1, 0, 2}};
        int[][] labels = {{2, 0, 1}, {1}, {0, 2, 2, 1}};
        ElmanReference ref = ElmanReference.of(m);
        ref.gradients(words, labels);
        double eps = 1e-5;
        for (String name : ref.p.keySet()) {
            double[] v = ref.p.get(name);
            double[] g = ref.g.get(name);
            double maxAbs = 0;
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + eps;
                double lp = ref.loss(words, labels);
                v[i] = keep - eps;
                double lm = ref.loss(words, labels);
                v[i] = keep;
                double fd = (lp - lm) / (2 * eps);
                assertEquals(fd, g[i], 1e-8 + 1e-6 * Math.abs(fd), name + "[" + i + "]");
                maxAbs = Math.max(maxAbs, Math.abs(g[i]));
            }
            assertTrue(maxAbs > 1e-4, name + " has an all-zero gradient");
        }
        // the padding row (ne) is used by every sentence's windows here, so it has a gradient too
        double pad = 0;
        for (int d = 0; d < c.embeddingDim(); d++) {
            pad += Math.abs(ref.g.get("emb")[c.vocabularySize() * c.embeddingDim() + d]);
        }
        assertTrue(pad > 0, "padding row gradient");
    }

    @Test
    void fusedFloatGradientsMatchTheReference() {
        // sizes off the vector widths, so every kernel tail runs
        ElmanConfig c = new ElmanConfig(13, 7, 5, 5, 19);
        ElmanTagger m = new ElmanTagger(c, 3);
        SplittableRandom rnd = new SplittableRandom(5);
        TestData.randomizeVectors(m, rnd, 0.3);
        int[][] words = TestData.sentences(rnd, 6, 1, 9, c.vocabularySize());
        int[][] labels = TestData.labelsFor(rnd, words, c.numLabels());
        ElmanReference ref = ElmanReference.of(m);
        double refLoss = ref.gradients(words, labels);
        double loss = m.computeGradients(words, labels, 0, words.length);
        assertEquals(refLoss, loss, 1e-5 * Math.abs(refLoss));
        for (Parameter p : m.parameters()) {
            TestData.assertClose(p.name(), ref.g.get(p.name()), p.gradient(), 1e-7, 2e-5);
        }
        assertEquals(refLoss, m.loss(words, labels, 0, words.length), 1e-5 * Math.abs(refLoss));
        // loss() leaves the gradients alone
        for (Parameter p : m.parameters()) {
            TestData.assertClose(p.name() + " after loss()", ref.g.get(p.name()), p.gradient(), 1e-7, 2e-5);
        }
        // a sub-range, with a smaller batch after a larger one (workspace reuse)
        ElmanReference ref2 = ElmanReference.of(m);
        int[][] w2 = {words[2], words[3]};
        int[][] l2 = {labels[2], labels[3]};
        double refLoss2 = ref2.gradients(w2, l2);
        assertEquals(refLoss2, m.computeGradients(words, labels, 2, 2), 1e-5 * refLoss2);
        for (Parameter p : m.parameters()) {
            TestData.assertClose(p.name() + " (sub-range)", ref2.g.get(p.name()), p.gradient(), 1e-7, 2e-5);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {9, 37}) // one shard; three shards (16 + 16 + 5)
    void paddedBatchEqualsSentencesOneByOne(int count) {
        ElmanConfig c = new ElmanConfig(17, 5, 6, 3, 21);
        SplittableRandom rnd = new SplittableRandom(9);
        int[][] words = TestData.sentences(rnd, count, 1, 12, c.vocabularySize());
        int[][] labels = TestData.labelsFor(rnd, words, c.numLabels());
        ElmanTagger batch = new ElmanTagger(c, 1);
        TestData.randomizeVectors(batch, new SplittableRandom(2), 0.2);
        ElmanTagger single = new ElmanTagger(c, 1);
        single.parameters().copyValuesFrom(batch.parameters());

        double batchLoss = batch.computeGradients(words, labels, 0, words.length);
        double sumLoss = 0;
        java.util.Map<String, double[]> sums = new java.util.HashMap<>();
        for (Parameter p : single.parameters()) {
            sums.put(p.name(), new double[p.size()]);
        }
        for (int s = 0; s < words.length; s++) {
            sumLoss += single.computeGradients(words, labels, s, 1);
            for (Parameter p : single.parameters()) {
                double[] acc = sums.get(p.name());
                float[] g = p.gradient();
                for (int i = 0; i < g.length; i++) {
                    acc[i] += g[i];
                }
            }
        }
        assertEquals(sumLoss, batchLoss, 1e-5 * sumLoss);
        for (Parameter p : batch.parameters()) {
            TestData.assertClose(p.name(), sums.get(p.name()), p.gradient(), 1e-7, 2e-5);
        }
    }

    @Test
    void weightsPackedForASharedBatchFollowEveryUpdate() {
        // Batches of several shards read wx, wxᵀ, w, wᵀ packed once per batch: after an update the next
        // batch (and a tagging call in between) must see the new weights, bit for bit as a fresh copy.
        ElmanConfig c = new ElmanConfig(19, 5, 4, 3, 24);
        SplittableRandom rnd = new SplittableRandom(12);
        int[][] words = TestData.sentences(rnd, 40, 1, 10, c.vocabularySize());
        int[][] labels = TestData.labelsFor(rnd, words, c.numLabels());
        ElmanTagger trained = new ElmanTagger(c, 3);
        for (int step = 0; step < 3; step++) {
            trained.computeGradients(words, labels, 0, words.length);
            trained.applySgd(0.5f);
            ElmanTagger fresh = new ElmanTagger(c, 4);
            fresh.parameters().copyValuesFrom(trained.parameters());
            int[] got = new int[words[0].length], want = new int[words[0].length];
            trained.tag(words[0], got);
            fresh.tag(words[0], want);
            assertArrayEquals(want, got, "tag after step " + step);
            assertEquals(fresh.computeGradients(words, labels, 0, words.length),
                    trained.computeGradients(words, labels, 0, words.length), 0.0, "loss after step " + step);
            for (String name : trained.parameters().names()) {
                assertArrayEquals(fresh.parameters().get(name).gradient(), trained.parameters().get(name).gradient(),
                        "gradient of " + name + " after step " + step);
            }
        }
    }

    @Test
    void shardedBatchGivesTheSameBitsOnAnyThreadCount() {
        ElmanConfig c = new ElmanConfig(23, 6, 5, 3, 40);
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] words = TestData.sentences(rnd, 45, 1, 15, c.vocabularySize());
        int[][] labels = TestData.labelsFor(rnd, words, c.numLabels());
        float[][][] grads = new float[3][][];
        double[] losses = new double[3], evalLosses = new double[3];
        int[] threadCounts = {1, 2, 3};
        try {
            for (int i = 0; i < threadCounts.length; i++) {
                dev.vecrnn.kernel.Parallel.setThreads(threadCounts[i]);
                ElmanTagger m = new ElmanTagger(c, 4);
                TestData.randomizeVectors(m, new SplittableRandom(5), 0.2);
                losses[i] = m.computeGradients(words, labels, 0, words.length);
                evalLosses[i] = m.loss(words, labels, 0, words.length);
                grads[i] = new float[m.parameters().count()][];
                int j = 0;
                for (Parameter p : m.parameters()) {
                    grads[i][j++] = p.gradient().clone();
                }
            }
        } finally {
            dev.vecrnn.kernel.Parallel.setThreads(1);
        }
        for (int i = 1; i < threadCounts.length; i++) {
            assertEquals(losses[0], losses[i], 0.0, threadCounts[i] + " threads");
            assertEquals(evalLosses[0], evalLosses[i], 0.0, threadCounts[i] + " threads, loss()");
            for (int j = 0; j < grads[0].length; j++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(grads[0][j], grads[i][j],
                        threadCounts[i] + " threads, parameter " + j);
            }
        }
    }

    @Test
    void lossOverManySentencesIsTheSumOfTheirLosses() {
        ElmanConfig c = new ElmanConfig(9, 4, 3, 3, 6);
        ElmanTagger m = new ElmanTagger(c, 12);
        SplittableRandom rnd = new SplittableRandom(12);
        int[][] words = TestData.sentences(rnd, 150, 1, 7, c.vocabularySize());
        int[][] labels = TestData.labelsFor(rnd, words, c.numLabels());
        double expected = ElmanReference.of(m).loss(words, labels);
        assertEquals(expected, m.loss(words, labels, 0, words.length), 1e-5 * expected);
        assertEquals(expected, m.computeGradients(words, labels, 0, words.length), 1e-5 * expected);
    }

    @Test
    void embeddingGradientTouchesOnlyWindowRows() {
        ElmanConfig c = new ElmanConfig(10, 3, 4, 3, 5);
        ElmanTagger m = new ElmanTagger(c, 4);
        int[][] words = {{1, 2, 3}, {7, 8}};
        int[][] labels = {{0, 1, 2}, {2, 1}};
        m.computeGradients(words, labels, 0, 1);
        float[] g = m.parameters().get("emb").gradient();
        for (int row = 0; row <= c.vocabularySize(); row++) {
            boolean used = row == 1 || row == 2 || row == 3 || row == c.vocabularySize();
            double norm = 0;
            for (int d = 0; d < c.embeddingDim(); d++) {
                norm += Math.abs(g[row * c.embeddingDim() + d]);
            }
            assertEquals(used, norm > 0, "row " + row);
        }
        // the next batch clears the previous batch's rows
        m.computeGradients(words, labels, 1, 1);
        for (int row = 0; row <= c.vocabularySize(); row++) {
            boolean used = row == 7 || row == 8 || row == c.vocabularySize();
            double norm = 0;
            for (int d = 0; d < c.embeddingDim(); d++) {
                norm += Math.abs(g[row * c.embeddingDim() + d]);
            }
            assertEquals(used, norm > 0, "row " + row + " after the second batch");
        }
    }
}
