package dev.vecrnn.nn;

import dev.vecrnn.kernel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused float SCRN against the double-precision reference, in every rate mode, input kind and activation. */
class ScrnNetworkTest {
    static final int NIN = 7, NH = 5, NS = 4, NOUT = 6, T = 5;

    record Pair(ScrnNetwork net, ScrnReference ref) {}

    /** A float network and a reference with the same parameters (the reference's random ones, rounded to float). */
    static Pair pair(int nin, int nh, int ns, int nout, RateMode mode, OutputActivation act, long seed) {
        ScrnNetwork net = new ScrnNetwork(new ScrnConfig(nin, nh, ns, nout, mode, 0.95f, act), seed);
        double[] rate = null;
        if (!mode.learned()) {
            float[] r = net.rates();
            rate = new double[r.length];
            for (int i = 0; i < r.length; i++) {
                rate[i] = r[i];
            }
        }
        ScrnReference ref = new ScrnReference(nin, nh, ns, nout, mode.name().toLowerCase(), act.name().toLowerCase(), rate)
                .randomize(seed, 0.5);
        for (Map.Entry<String, double[]> e : ref.p.entrySet()) {
            double[] v = e.getValue();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
                v[i] = f[i];
            }
            net.parameters().get(e.getKey()).set(f);
        }
        return new Pair(net, ref);
    }

    static int[] ids(SplittableRandom rnd, int rows, int nin, int streams) {
        int[] ids = new int[rows];
        for (int i = 0; i < rows; i++) {
            ids[i] = rnd.nextInt(nin);
        }
        ids[rows - 1] = -1; // the last stream ends one step early
        return ids;
    }

    static int[] targets(SplittableRandom rnd, int rows, int nout) {
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = rnd.nextInt(nout);
        }
        t[rows - 1] = -1;
        return t;
    }

    static float[] randomFloats(SplittableRandom rnd, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
        }
        return f;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void assertGradients(ScrnNetwork net, ScrnReference ref, double tol) {
        for (String name : ref.g.keySet()) {
            TestData.assertClose("gradient " + name, ref.g.get(name), net.parameters().get(name).getGradient(), tol, tol);
        }
    }

    @ParameterizedTest
    @CsvSource({"VECTOR,true", "VECTOR,false", "MATRIX,true", "MATRIX,false", "FIXED,true", "UNIFORM,false", "LOG,true"})
    void softmaxLossAndGradientsMatchTheReference(RateMode mode, boolean wordInput) {
        int streams = 3;
        Pair p = pair(NIN, NH, NS, NOUT, mode, OutputActivation.SOFTMAX, 11);
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = T * streams;
        int[] ids = ids(rnd, rows, NIN, streams);
        float[] x = randomFloats(rnd, rows * NIN, 1);
        int[] targets = targets(rnd, rows, NOUT);
        RecurrentState state = p.net.newState(streams);
        float[] h0 = randomFloats(rnd, streams * NH, 0.5f), s0 = randomFloats(rnd, streams * NS, 0.5f);
        System.arraycopy(h0, 0, state.hidden(), 0, h0.length);
        System.arraycopy(s0, 0, state.context(), 0, s0.length);
        ScrnReference.Batch batch = wordInput
                ? ScrnReference.Batch.ofIds(T, streams, ids, toDouble(h0), toDouble(s0))
                : ScrnReference.Batch.ofRows(T, streams, toDouble(x), toDouble(h0), toDouble(s0));
        double refLoss = p.ref.gradientsNll(batch, targets);
        double sum = wordInput ? p.net.computeGradients(state, T, ids, targets)
                : p.net.computeGradients(state, T, x, targets);
        int counted = ScrnReference.counted(targets);
        assertEquals(refLoss, sum / counted, 1e-5 * Math.abs(refLoss));
        assertGradients(p.net, p.ref, 2e-5);
        ScrnReference.Forward f = p.ref.forward(batch);
        TestData.assertClose("final h", f.h(), state.hidden(), 1e-5, 1e-5);
        TestData.assertClose("final s", f.s(), state.context(), 1e-5, 1e-5);
    }

    @ParameterizedTest
    @CsvSource({"LINEAR,VECTOR,true", "TANH,MATRIX,false", "SIGMOID,VECTOR,false", "RELU,MATRIX,true",
        "SOFTMAX,VECTOR,true", "LINEAR,FIXED,false"})
    void everyActivationsOutputsAndGradientsMatchTheReference(OutputActivation act, RateMode mode, boolean wordInput) {
        int streams = 3;
        Pair p = pair(NIN, NH, NS, NOUT, mode, act, 23);
        SplittableRandom rnd = new SplittableRandom(9);
        int rows = T * streams;
        int[] ids = ids(rnd, rows, NIN, streams);
        float[] x = randomFloats(rnd, rows * NIN, 1);
        float[] c = randomFloats(rnd, rows * NOUT, 1);
        ScrnReference.Batch batch = wordInput
                ? ScrnReference.Batch.ofIds(T, streams, ids, new double[streams * NH], new double[streams * NS])
                : ScrnReference.Batch.ofRows(T, streams, toDouble(x), new double[streams * NH], new double[streams * NS]);
        p.ref.gradientsLinear(batch, toDouble(c));
        RecurrentState state = p.net.newState(streams);
        if (wordInput) {
            p.net.computeGradients(state, T, ids, c);
        } else {
            p.net.computeGradients(state, T, x, c);
        }
        assertGradients(p.net, p.ref, 2e-5);
        ScrnReference.Forward f = p.ref.forward(batch);
        TestData.assertClose("out", f.out(), p.net.output("out"), 1e-5, 1e-5);
        TestData.assertClose("pre", f.pre(), p.net.output("pre"), 1e-5, 1e-5);
        TestData.assertClose("hid", f.hid(), p.net.output("hid"), 1e-5, 1e-5);
        TestData.assertClose("state", f.state(), p.net.output("state"), 1e-5, 1e-5);
        TestData.assertClose("rate", f.rate(), p.net.output("rate"), 1e-6, 1e-6);
    }

    @Test
    void manyStreamsRunAsShardsWithTheSameBitsOnAnyThreadCount() {
        int streams = 37; // 3 shards
        Pair p = pair(NIN, NH, NS, NOUT, RateMode.MATRIX, OutputActivation.SOFTMAX, 3);
        SplittableRandom rnd = new SplittableRandom(1);
        int rows = T * streams;
        int[] ids = ids(rnd, rows, NIN, streams);
        int[] targets = targets(rnd, rows, NOUT);
        double refLoss = p.ref.gradientsNll(ScrnReference.Batch.ofIds(T, streams, ids, new double[streams * NH],
                new double[streams * NS]), targets);
        float[][] first = null;
        double firstLoss = 0;
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                double loss = p.net.computeGradients(p.net.newState(streams), T, ids, targets);
                assertEquals(refLoss, loss / ScrnReference.counted(targets), 1e-5 * refLoss);
                assertGradients(p.net, p.ref, 2e-5);
                float[][] g = new float[p.net.parameters().count()][];
                int i = 0;
                for (Parameter q : p.net.parameters()) {
                    g[i++] = q.getGradient();
                }
                if (first == null) {
                    first = g;
                    firstLoss = loss;
                } else {
                    assertEquals(firstLoss, loss);
                    for (int k = 0; k < g.length; k++) {
                        assertArrayEquals(first[k], g[k]);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aSequenceInTwoHalvesWithTheStateCarriedEqualsTheWhole() {
        Pair p = pair(NIN, NH, NS, NOUT, RateMode.VECTOR, OutputActivation.SOFTMAX, 8);
        SplittableRandom rnd = new SplittableRandom(4);
        int streams = 2, steps = 8;
        int[] ids = new int[steps * streams];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(NIN);
        }
        RecurrentState whole = p.net.newState(streams);
        p.net.forward(whole, steps, ids);
        float[] outWhole = p.net.output("out");
        RecurrentState halves = p.net.newState(streams);
        int half = steps / 2 * streams;
        p.net.forward(halves, steps / 2, java.util.Arrays.copyOfRange(ids, 0, half));
        float[] a = p.net.output("out");
        p.net.forward(halves, steps / 2, java.util.Arrays.copyOfRange(ids, half, ids.length));
        float[] b = p.net.output("out");
        float[] joined = new float[outWhole.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        TestData.assertClose("out", outWhole, joined, 1e-6, 1e-6);
        TestData.assertClose("h", whole.hidden(), halves.hidden(), 1e-6, 1e-6);
        TestData.assertClose("s", whole.context(), halves.context(), 1e-6, 1e-6);
    }

    @Test
    void paddedStreamsAddNothing() {
        Pair p = pair(NIN, NH, NS, NOUT, RateMode.VECTOR, OutputActivation.SOFTMAX, 2);
        SplittableRandom rnd = new SplittableRandom(6);
        int steps = 4;
        int[] ids = new int[steps];
        int[] targets = new int[steps];
        for (int t = 0; t < steps; t++) {
            ids[t] = rnd.nextInt(NIN);
            targets[t] = rnd.nextInt(NOUT);
        }
        double alone = p.net.computeGradients(p.net.newState(1), steps, ids, targets);
        float[][] g1 = new float[p.net.parameters().count()][];
        int i = 0;
        for (Parameter q : p.net.parameters()) {
            g1[i++] = q.getGradient();
        }
        // the same stream beside one that is all padding, and one more step of padding
        int[] ids2 = new int[(steps + 1) * 2];
        int[] targets2 = new int[(steps + 1) * 2];
        java.util.Arrays.fill(ids2, -1);
        java.util.Arrays.fill(targets2, -1);
        for (int t = 0; t < steps; t++) {
            ids2[t * 2] = ids[t];
            targets2[t * 2] = targets[t];
        }
        double padded = p.net.computeGradients(p.net.newState(2), steps + 1, ids2, targets2);
        assertEquals(alone, padded, 1e-9 * alone);
        i = 0;
        for (Parameter q : p.net.parameters()) {
            TestData.assertClose("gradient " + q.name(), g1[i++], q.getGradient(), 1e-7, 1e-6);
        }
    }

    @Test
    void stepperEqualsTheBatchForwardOfOneStream() {
        Pair p = pair(NIN, NH, NS, NOUT, RateMode.MATRIX, OutputActivation.SOFTMAX, 12);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = randomFloats(rnd, T * NIN, 1);
        p.net.forward(p.net.newState(1), T, x);
        float[] out = p.net.output("out");
        ScrnStepper stepper = p.net.newStepper();
        float[] o = new float[NOUT];
        for (int t = 0; t < T; t++) {
            stepper.step(x, t * NIN, o, 0);
            for (int j = 0; j < NOUT; j++) {
                assertEquals(out[t * NOUT + j], o[j], 1e-6, "step " + t + " output " + j);
            }
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() {
        ScrnNetwork net = new ScrnNetwork(ScrnConfig.languageModel(10, 4, 3, RateMode.VECTOR), 1);
        RecurrentState st = net.newState(2);
        assertThrows(IllegalArgumentException.class, () -> net.computeGradients(st, 2, new int[] {0, 1, 2, 10}, new int[4]));
        assertThrows(IllegalArgumentException.class, () -> net.computeGradients(st, 2, new int[] {0, 1, 2}, new int[4]));
        assertThrows(IllegalArgumentException.class, () -> net.computeGradients(st, 2, new int[4], new int[] {0, 0, 0, -2}));
        assertThrows(IllegalArgumentException.class, () -> net.computeGradients(new RecurrentState(2, 5, 3), 1, new int[2], new int[2]));
        assertTrue(java.util.Arrays.equals(new float[st.hidden().length], st.hidden()));
        assertThrows(IllegalStateException.class, () -> net.output("out"));
        net.forward(st, 1, new int[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> net.output("nope"));
    }

    @Test
    void steadyStateTrainingStepsAndStreamingStepsAllocateNothing() {
        int v = 50, streams = 20, steps = 6; // 2 shards
        SplittableRandom rnd = new SplittableRandom(8);
        int[] ids = new int[streams * steps], targets = new int[streams * steps];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(v);
            targets[i] = rnd.nextInt(v);
        }
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = 1 + 100 / (i + 1);
        }
        HuffmanTree tree = new HuffmanTree(counts);
        WordClasses classes = WordClasses.byFrequency(counts);
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(v, 8, 4, RateMode.MATRIX), 1),
            new ElmanLanguageModel(v, 8, 1),
            new ElmanLanguageModel(v, 8, 1, tree),
            new ScrnNetwork(ScrnConfig.languageModel(v, 8, 4, RateMode.VECTOR), 1, classes),
            new ElmanLanguageModel(v, 8, 1, classes)};
        for (LanguageModel m : models) {
            String name = m.getClass().getSimpleName() + " " + (m instanceof ScrnNetwork s ? s.outputKind()
                    : ((ElmanLanguageModel) m).outputKind());
            RecurrentState st = m.newState(streams);
            int t = name.endsWith("FULL") ? steps : 2; // the factored outputs: shorter segments keep the test fast
            assertEquals(0, TestData.allocated(() -> {
                m.computeGradients(st, t, ids, targets);
                m.clipGradients(1f);
                m.applySgd(0.01f);
            }, 20), name + " training step");
            assertEquals(0, TestData.allocated(() -> m.loss(st, t, ids, targets), 20), name + " loss");
            RecurrentState one = m.newState(1);
            float[] logits = new float[v];
            assertEquals(0, TestData.allocated(() -> m.step(one, 3, logits), 200), name + " step");
        }
        ScrnStepper stepper = new ScrnNetwork(new ScrnConfig(12, 8, 4, 6, RateMode.VECTOR, 0.95f,
                OutputActivation.SOFTMAX), 1).newStepper();
        float[] x = randomFloats(rnd, 12, 1);
        float[] out = new float[6];
        assertEquals(0, TestData.allocated(() -> stepper.step(x, out), 200), "dense stepper");
    }
}
