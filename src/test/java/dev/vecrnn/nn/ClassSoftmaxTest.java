package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The word classes and the class softmax layer against a plain double-precision reference, and the
 * SCRN and Elman language models with a class softmax against double-precision references of the
 * whole model (finite differences of their loss).
 */
class ClassSoftmaxTest {

    @Test
    void theClassesFollowTheSqrtMassRuleWithTiesByWordOrderAndAreDeterministic() {
        // √counts: 3, 1, 2, 2, 0, 2.65, 1.41, 1.73, 1.73 (total 15.52); in count order w0 w5 w2 w3 w7 w8 w6 w1 w4,
        // cumulative 0.19 0.36 | 0.49 0.62 0.73 | 0.85 0.94 1 1: a class closes after the word that passes k/3
        long[] counts = {9, 1, 4, 4, 0, 7, 2, 3, 3};
        WordClasses c = WordClasses.byFrequency(counts, 3);
        assertArrayEquals(new int[] {0, 2, 1, 1, 2, 0, 2, 1, 2}, c.assignment());
        assertEquals(3, c.classes());
        assertEquals(3, WordClasses.byFrequency(counts).classes(), "round(√9) classes by default");
        assertEquals(c, WordClasses.byFrequency(counts.clone(), 3), "the same counts, the same classes");
        // members of a class in id order, and the index of each word among them
        assertEquals(4, c.size(2));
        assertArrayEquals(new int[] {1, 4, 6, 8}, new int[] {c.member(2, 0), c.member(2, 1), c.member(2, 2), c.member(2, 3)});
        for (int w = 0; w < counts.length; w++) {
            assertEquals(w, c.member(c.classOf(w), c.indexInClass(w)));
        }
        assertEquals(4, c.maxClassSize());
        // equal counts: ties by word order, so the classes are runs of ids
        WordClasses flat = WordClasses.byFrequency(new long[] {5, 5, 5, 5, 5, 5, 5, 5}, 4);
        int[] a = flat.assignment();
        for (int w = 1; w < a.length; w++) {
            assertTrue(a[w] == a[w - 1] || a[w] == a[w - 1] + 1, java.util.Arrays.toString(a));
        }
        assertEquals(0, a[0]);
        // more frequent words never sit in a later class
        long[] zipf = new long[50];
        for (int i = 0; i < zipf.length; i++) {
            zipf[(i * 7) % 50] = 1000 / (i + 1);
        }
        WordClasses z = WordClasses.byFrequency(zipf, 7);
        for (int u = 0; u < 50; u++) {
            for (int v = 0; v < 50; v++) {
                if (zipf[u] > zipf[v] || zipf[u] == zipf[v] && u < v) {
                    assertTrue(z.classOf(u) <= z.classOf(v), u + " before " + v);
                }
            }
        }
        for (int k = 0; k < z.classes(); k++) {
            assertTrue(z.size(k) > 0);
        }
        assertEquals(7, z.classes());
        assertTrue(z.size(0) < z.size(6), "the frequent words' classes are the small ones");
        // all zero counts count as equal; more classes than words leaves none empty; bad input refused
        assertEquals(3, WordClasses.byFrequency(new long[3], 5).classes());
        assertEquals(1, WordClasses.byFrequency(new long[] {4}).classes());
        assertThrows(IllegalArgumentException.class, () -> WordClasses.byFrequency(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> WordClasses.byFrequency(new long[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> WordClasses.byFrequency(new long[] {1, 1}, 0));
        assertThrows(IllegalArgumentException.class, () -> new WordClasses(new int[] {0, 2, 2}), "class 1 is empty");
        assertThrows(IllegalArgumentException.class, () -> new WordClasses(new int[] {0, -1}));
    }

    /** log P(t | x_r) of one row in double: log softmax_c(x·cw + cb)[class t] + log softmax over t's class. */
    static double referenceLogProb(WordClasses wc, double[] x, int xOff, int in, Map<String, double[]> p, int t) {
        double[] cw = p.get("cw"), cb = p.get("cb"), ow = p.get("ow"), ob = p.get("ob");
        int nc = wc.classes(), c = wc.classOf(t);
        double[] zc = new double[nc];
        for (int k = 0; k < nc; k++) {
            zc[k] = cb[k];
            for (int i = 0; i < in; i++) {
                zc[k] += x[xOff + i] * cw[k * in + i];
            }
        }
        double[] zw = new double[wc.size(c)];
        for (int k = 0; k < zw.length; k++) {
            int v = wc.member(c, k);
            zw[k] = ob[v];
            for (int i = 0; i < in; i++) {
                zw[k] += x[xOff + i] * ow[v * in + i];
            }
        }
        return zc[c] - logSumExp(zc) + zw[wc.indexInClass(t)] - logSumExp(zw);
    }

    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : z) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    static double referenceLoss(WordClasses wc, double[] x, int in, Map<String, double[]> p, int[] targets,
                                double[] weights) {
        double loss = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] >= 0) {
                loss -= weights[r] * referenceLogProb(wc, x, r * in, in, p, targets[r]);
            }
        }
        return loss;
    }

    static Map<String, double[]> toDouble(Parameter... ps) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Parameter p : ps) {
            m.put(p.name(), toDouble(p.get()));
        }
        return m;
    }

    static ClassSoftmax layer(WordClasses wc, int in, Random rnd) {
        Parameter cw = new Parameter("cw", wc.classes(), in), cb = new Parameter("cb", wc.classes()),
                ow = new Parameter("ow", wc.words(), in), ob = new Parameter("ob", wc.words());
        for (Parameter p : new Parameter[] {cw, cb, ow, ob}) {
            float[] a = p.values();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
        }
        return new ClassSoftmax(wc, cw, cb, ow, ob);
    }

    @Test
    void lossAndGradientsMatchFiniteDifferencesOfTheDoubleReference() {
        int v = 11, in = 5, rows = 7;
        WordClasses wc = WordClasses.byFrequency(new long[] {30, 2, 9, 9, 1, 14, 5, 0, 3, 3, 6});
        ClassSoftmax layer = layer(wc, in, new Random(3));
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] targets = {3, 0, -1, 10, 7, 3, 1};
        double[] weights = {0.5, 1, 1, 0.25, 1, 2, 1};
        Parameter[] ps = layer.parameters();
        for (int pass = 0; pass < 2; pass++) { // the second pass reuses the workspace (its sparse rows cleared)
            OutputLayer.Workspace ws = layer.newWorkspace(true);
            float scale = 0.7f;
            int[] tg = pass == 0 ? targets : new int[] {5, 5, 2, -1, 9, 4, 8};
            ws.forward(rows, x, 0, in, targets, 0, scale, weights);
            float[] dx = new float[rows * in];
            ws.backward(rows, x, 0, in, dx, 0, in);
            double loss = ws.forward(rows, x, 0, in, tg, 0, scale, weights);
            ws.backward(rows, x, 0, in, dx, 0, in);
            Map<String, double[]> p = toDouble(ps);
            double[] xd = toDouble(x);
            assertEquals(referenceLoss(wc, xd, in, p, tg, weights), loss, 1e-5);
            double h = 1e-6;
            Map<String, double[]> grads = new LinkedHashMap<>();
            for (Parameter q : ps) {
                grads.put(q.name(), toDouble(q.getGradient()));
            }
            grads.put("x", toDouble(dx));
            for (Map.Entry<String, double[]> e : grads.entrySet()) {
                double[] a = e.getKey().equals("x") ? xd : p.get(e.getKey()), g = e.getValue();
                for (int i = 0; i < a.length; i++) {
                    double keep = a[i];
                    a[i] = keep + h;
                    double up = referenceLoss(wc, xd, in, p, tg, weights);
                    a[i] = keep - h;
                    double down = referenceLoss(wc, xd, in, p, tg, weights);
                    a[i] = keep;
                    double fd = scale * (up - down) / (2 * h);
                    assertEquals(fd, g[i], 1e-5 + 1e-4 * Math.abs(fd), e.getKey() + "[" + i + "], pass " + pass);
                }
            }
            int padded = pass == 0 ? 2 : 3;
            for (int i = padded * in; i < (padded + 1) * in; i++) {
                assertEquals(0f, dx[i], "a padded row has no gradient");
            }
        }
    }

    @Test
    void theProbabilitiesOfAllWordsSumToOneAndAreTheReferences() {
        int v = 37, in = 7, rows = 5;
        Random rnd = new Random(9);
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = rnd.nextInt(1000);
        }
        WordClasses wc = WordClasses.byFrequency(counts);
        ClassSoftmax layer = layer(wc, in, rnd);
        for (Parameter p : layer.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.values()[i] *= 2f;
            }
        }
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] lp = layer.newWorkspace(false).scores(rows, x, 0, in);
        Map<String, double[]> p = toDouble(layer.parameters());
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int w = 0; w < v; w++) {
                sum += Math.exp(lp[r * v + w]);
                assertEquals(referenceLogProb(wc, toDouble(x), r * in, in, p, w), lp[r * v + w], 1e-4, "row " + r + " word " + w);
            }
            assertEquals(1.0, sum, 1e-5, "row " + r);
        }
    }

    static void randomize(LanguageModel m, SplittableRandom rnd, double range) {
        for (Parameter p : m.parameters()) {
            float[] a = p.get();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rnd.nextDouble() - 0.5) * range);
            }
            p.set(a);
        }
    }

    @Test
    void bothLanguageModelsWithClassesGiveNormalisedStepDistributions() {
        int v = 23;
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = v - i;
        }
        WordClasses wc = WordClasses.byFrequency(counts);
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(v, 6, 3, RateMode.VECTOR), 2, wc),
            new ElmanLanguageModel(v, 6, 2, wc)};
        SplittableRandom rnd = new SplittableRandom(1);
        for (LanguageModel m : models) {
            randomize(m, rnd, 2);
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
            assertTrue(m.parameters().names().containsAll(java.util.List.of("cw", "cb", "ow", "ob")));
        }
    }

    /** log P(target | x) of one row x = [h ‖ s] at xOff, in double, from the output layer's parameters in p. */
    interface RowLogProb {
        double of(double[] x, int xOff, int in, Map<String, double[]> p, int target);
    }

    /**
     * The mean NLL per counted target of a whole language model in double: the recurrence of the SCRN
     * ({@link ScrnReference}, its hidden and context states) or of the Elman LM (h_t = σ(wx[w_t] +
     * h_{t−1}·wh + bh), written here), from zero states, then the output layer's log-probability over
     * [h ‖ s].
     */
    static double referenceModelLoss(boolean scrn, ScrnReference ref, Map<String, double[]> p, RowLogProb out,
                                     int nh, int ns, int streams, int steps, int[] ids, int[] targets) {
        int rows = streams * steps, in = nh + ns;
        double[] x = new double[rows * in];
        if (scrn) {
            for (Map.Entry<String, double[]> e : ref.p.entrySet()) {
                if (p.containsKey(e.getKey())) {
                    System.arraycopy(p.get(e.getKey()), 0, e.getValue(), 0, e.getValue().length);
                }
            }
            ScrnReference.Forward f = ref.forward(ScrnReference.Batch.ofIds(steps, streams, ids, new double[streams * nh],
                    new double[streams * ns]));
            for (int r = 0; r < rows; r++) {
                System.arraycopy(f.hid(), r * nh, x, r * in, nh);
                System.arraycopy(f.state(), r * ns, x, r * in + nh, ns);
            }
        } else {
            double[] wx = p.get("wx"), wh = p.get("wh"), bh = p.get("bh");
            for (int t = 0; t < steps; t++) {
                for (int s = 0; s < streams; s++) {
                    int r = t * streams + s;
                    for (int k = 0; k < nh; k++) {
                        double z = bh[k] + (ids[r] >= 0 ? wx[ids[r] * nh + k] : 0);
                        if (t > 0) {
                            for (int i = 0; i < nh; i++) {
                                z += x[(r - streams) * in + i] * wh[i * nh + k];
                            }
                        }
                        x[r * in + k] = 1 / (1 + Math.exp(-z));
                    }
                }
            }
        }
        double loss = 0;
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            if (targets[r] >= 0) {
                loss -= out.of(x, r * in, in, p, targets[r]);
                counted++;
            }
        }
        return loss / counted;
    }

    @Test
    void theModelsGradientsMatchFiniteDifferencesOfADoublePrecisionReference() {
        int v = 13;
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = 1 + (i * 7) % 5;
        }
        WordClasses wc = WordClasses.byFrequency(counts);
        assertModelGradientsMatchTheReference(wc, (x, off, in, p, t) -> referenceLogProb(wc, x, off, in, p, t));
    }

    /**
     * For the SCRN (matrix rates) and the Elman LM with this output, over 1 and 2 shards: the float
     * gradients of every parameter entry against central differences of {@link #referenceModelLoss}.
     */
    static void assertModelGradientsMatchTheReference(OutputStructure output, RowLogProb out) {
        int v = output.words(), steps = 3, nh = 4, ns = 3;
        SplittableRandom rnd = new SplittableRandom(6);
        for (int streams : new int[] {3, 18}) { // 18 streams: two shards, their sparse rows summed
            int[] ids = new int[streams * steps], targets = new int[streams * steps];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rnd.nextInt(v);
                targets[i] = rnd.nextInt(v);
            }
            targets[ids.length - 1] = -1;
            ids[1] = -1;
            for (boolean scrn : new boolean[] {true, false}) {
                LanguageModel m = scrn ? new ScrnNetwork(ScrnConfig.languageModel(v, nh, ns, RateMode.MATRIX), 3, output)
                        : new ElmanLanguageModel(v, nh, 3, output);
                int width = scrn ? ns : 0;
                ScrnReference ref = scrn ? new ScrnReference(v, nh, ns, 1, "matrix", "softmax", null) : null;
                randomize(m, rnd, 1.5);
                double loss = m.computeGradients(m.newState(streams), steps, ids, targets);
                Map<String, double[]> p = new LinkedHashMap<>();
                for (Parameter q : m.parameters()) {
                    p.put(q.name(), toDouble(q.get()));
                }
                String name = m.getClass().getSimpleName() + " (" + streams + " streams)";
                double ref0 = referenceModelLoss(scrn, ref, p, out, nh, width, streams, steps, ids, targets);
                assertEquals(ref0, loss / (ids.length - 1), 1e-5, name);
                double h = 1e-5;
                for (Parameter q : m.parameters()) {
                    double[] a = p.get(q.name());
                    float[] g = q.getGradient();
                    for (int i = 0; i < a.length; i++) {
                        double keep = a[i];
                        a[i] = keep + h;
                        double up = referenceModelLoss(scrn, ref, p, out, nh, width, streams, steps, ids, targets);
                        a[i] = keep - h;
                        double down = referenceModelLoss(scrn, ref, p, out, nh, width, streams, steps, ids, targets);
                        a[i] = keep;
                        double fd = (up - down) / (2 * h);
                        assertEquals(fd, g[i], 2e-5 + 2e-3 * Math.abs(fd), name + " " + q.name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
