package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Huffman tree and the hierarchical softmax layer against a plain double-precision reference. */
class HierarchicalSoftmaxTest {

    @Test
    void theTreeIsAPrefixCodeWithShortPathsForFrequentWordsAndDeterministic() {
        long[] counts = {50, 3, 3, 20, 0, 7, 7, 1};
        HuffmanTree t = new HuffmanTree(counts);
        Set<String> codes = new HashSet<>();
        for (int w = 0; w < counts.length; w++) {
            StringBuilder c = new StringBuilder();
            assertEquals(t.words() - 2, t.node(w, 0), "every path starts at the root");
            for (int j = 0; j < t.depth(w); j++) {
                c.append(t.code(w, j));
            }
            codes.add(c.toString());
        }
        assertEquals(counts.length, codes.size(), "distinct paths");
        for (String a : codes) {
            for (String b : codes) {
                assertTrue(a.equals(b) || !b.startsWith(a), a + " is a prefix of " + b);
            }
        }
        assertTrue(t.depth(0) < t.depth(1) && t.depth(3) <= t.depth(5) && t.depth(5) <= t.depth(4));
        HuffmanTree again = new HuffmanTree(counts.clone());
        for (int w = 0; w < counts.length; w++) {
            for (int j = 0; j < t.depth(w); j++) {
                assertEquals(t.node(w, j), again.node(w, j));
                assertEquals(t.code(w, j), again.code(w, j));
            }
        }
        // equal counts: a balanced tree, ties by word order
        HuffmanTree flat = new HuffmanTree(new long[] {1, 1, 1, 1});
        for (int w = 0; w < 4; w++) {
            assertEquals(2, flat.depth(w));
        }
        assertThrows(IllegalArgumentException.class, () -> new HuffmanTree(new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new HuffmanTree(new long[] {1, -1}));
    }

    /** −Σ_r w_r log P(t_r | x_r) in double. */
    static double referenceLoss(HuffmanTree t, double[] x, int in, double[] v, double[] b, int[] targets, double[] weights) {
        double loss = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] < 0) {
                continue;
            }
            for (int j = 0; j < t.depth(targets[r]); j++) {
                int n = t.node(targets[r], j);
                double z = b[n];
                for (int i = 0; i < in; i++) {
                    z += x[r * in + i] * v[n * in + i];
                }
                double s = t.code(targets[r], j) == 1 ? z : -z;
                loss -= weights[r] * HierarchicalSoftmax.logSigmoid(s);
            }
        }
        return loss;
    }

    @Test
    void lossAndGradientsMatchFiniteDifferencesOfTheDoubleReference() {
        int v = 9, in = 5, rows = 6;
        SplittableRandom rnd = new SplittableRandom(4);
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = 1 + rnd.nextInt(30);
        }
        HuffmanTree tree = new HuffmanTree(counts);
        Parameter pv = new Parameter("hv", v - 1, in), pb = new Parameter("hb", v - 1);
        float[] x = new float[rows * in];
        for (float[] a : new float[][] {pv.values(), pb.values(), x}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        int[] targets = {3, 0, -1, 8, 5, 3};
        double[] weights = {0.5, 1, 1, 0.25, 1, 2};
        HierarchicalSoftmax layer = new HierarchicalSoftmax(tree, pv, pb);
        OutputLayer.Workspace ws = layer.newWorkspace(true);
        float scale = 0.7f;
        double loss = ws.forward(rows, x, 0, in, targets, 0, scale, weights);
        float[] dx = new float[rows * in];
        ws.backward(rows, x, 0, in, dx, 0, in);
        double[] xd = toDouble(x), vd = toDouble(pv.values()), bd = toDouble(pb.values());
        assertEquals(referenceLoss(tree, xd, in, vd, bd, targets, weights), loss, 1e-5);
        double h = 1e-6;
        for (double[][] pair : new double[][][] {{vd, toDouble(pv.gradient())}, {bd, toDouble(pb.gradient())},
            {xd, toDouble(dx)}}) {
            double[] p = pair[0], g = pair[1];
            for (int i = 0; i < p.length; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double up = referenceLoss(tree, xd, in, vd, bd, targets, weights);
                p[i] = keep - h;
                double down = referenceLoss(tree, xd, in, vd, bd, targets, weights);
                p[i] = keep;
                double fd = scale * (up - down) / (2 * h);
                assertEquals(fd, g[i], 1e-5 + 1e-4 * Math.abs(fd), "entry " + i);
            }
        }
        for (int i = 2 * in; i < 3 * in; i++) {
            assertEquals(0f, dx[i], "a padded row has no gradient");
        }
    }

    @Test
    void theProbabilitiesOfAllWordsSumToOne() {
        int v = 37, in = 7;
        Random rnd = new Random(9);
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = rnd.nextInt(1000);
        }
        Parameter pv = new Parameter("hv", v - 1, in), pb = new Parameter("hb", v - 1);
        for (float[] a : new float[][] {pv.values(), pb.values()}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * 2;
            }
        }
        float[] x = new float[4 * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] lp = new HierarchicalSoftmax(new HuffmanTree(counts), pv, pb).newWorkspace(false).scores(4, x, 0, in);
        for (int r = 0; r < 4; r++) {
            double sum = 0;
            for (int w = 0; w < v; w++) {
                sum += Math.exp(lp[r * v + w]);
            }
            assertEquals(1.0, sum, 1e-5, "row " + r);
        }
    }

    @Test
    void bothLanguageModelsWithATreeGiveNormalisedStepDistributions() {
        int v = 23;
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = v - i;
        }
        HuffmanTree tree = new HuffmanTree(counts);
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(v, 6, 3, RateMode.VECTOR), 2, tree),
            new ElmanLanguageModel(v, 6, 2, tree)};
        SplittableRandom rnd = new SplittableRandom(1);
        for (LanguageModel m : models) {
            for (Parameter p : m.parameters()) {
                float[] a = p.get();
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rnd.nextDouble() - 0.5);
                }
                p.set(a);
            }
            RecurrentState st = m.newState(1);
            float[] logits = new float[v];
            for (int step = 0; step < 5; step++) {
                m.step(st, step * 3 % v, logits);
                double sum = 0;
                for (float l : logits) {
                    sum += Math.exp(l);
                }
                assertEquals(1.0, sum, 1e-5, m.getClass().getSimpleName() + " step " + step);
            }
            assertTrue(m.parameters().names().contains("hv") && m.parameters().names().contains("hb"));
        }
    }

    @Test
    void theModelsGradientsThroughTheTreeMatchFiniteDifferencesOfTheirLoss() {
        int v = 13, streams = 3, steps = 4;
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = 1 + (i * 7) % 5;
        }
        HuffmanTree tree = new HuffmanTree(counts);
        SplittableRandom rnd = new SplittableRandom(6);
        int[] ids = new int[streams * steps], targets = new int[streams * steps];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(v);
            targets[i] = rnd.nextInt(v);
        }
        targets[ids.length - 1] = -1;
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(v, 4, 3, RateMode.MATRIX), 3, tree),
            new ElmanLanguageModel(v, 5, 3, tree)};
        for (LanguageModel m : models) {
            for (Parameter p : m.parameters()) {
                float[] a = p.get();
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rnd.nextDouble() - 0.5);
                }
                p.set(a);
            }
            int counted = streams * steps - 1;
            m.computeGradients(m.newState(streams), steps, ids, targets);
            for (Parameter p : m.parameters()) {
                float[] g = p.getGradient();
                float[] a = p.get();
                for (int i = 0; i < a.length; i += Math.max(1, a.length / 7)) {
                    float keep = a[i];
                    float eps = 1e-2f;
                    a[i] = keep + eps;
                    p.set(a);
                    double up = m.loss(m.newState(streams), steps, ids, targets) / counted;
                    a[i] = keep - eps;
                    p.set(a);
                    double down = m.loss(m.newState(streams), steps, ids, targets) / counted;
                    a[i] = keep;
                    p.set(a);
                    double fd = (up - down) / (2.0 * eps);
                    assertEquals(fd, g[i], 2e-3 + 3e-2 * Math.abs(fd), m.getClass().getSimpleName() + " " + p.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void theModelsGradientsMatchFiniteDifferencesOfADoublePrecisionReference() {
        long[] counts = new long[13];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = 1 + (i * 7) % 5;
        }
        HuffmanTree tree = new HuffmanTree(counts);
        ClassSoftmaxTest.assertModelGradientsMatchTheReference(tree, (x, off, in, p, t) -> {
            double[] hv = p.get("hv"), hb = p.get("hb");
            double lp = 0;
            for (int j = 0; j < tree.depth(t); j++) {
                int n = tree.node(t, j);
                double z = hb[n];
                for (int i = 0; i < in; i++) {
                    z += x[off + i] * hv[n * in + i];
                }
                lp += HierarchicalSoftmax.logSigmoid(tree.code(t, j) == 1 ? z : -z);
            }
            return lp;
        });
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
