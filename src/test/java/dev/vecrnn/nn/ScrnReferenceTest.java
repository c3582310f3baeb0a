package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SCRN double reference proved right: its gradients against central finite differences, its forward against the definition. */
class ScrnReferenceTest {
    static final int T = 5, B = 3, NIN = 7, NH = 5, NS = 4, NOUT = 6;
    static final double FD_STEP = 1e-6, ATOL = 1e-7, RTOL = 1e-6;
    /** Parameters with more entries than this are checked on a deterministic sample of this many. */
    static final int MAX_CHECKED = 60;

    // ---- fixtures -------------------------------------------------------------------------------------

    /** The constant rate of a non-learned mode, drawn as SPEC §2 says; null in the learned modes. */
    static double[] constantRate(String mode, long seed) {
        Random rnd = new Random(seed);
        double[] r = new double[NS];
        for (int k = 0; k < NS; k++) {
            r[k] = switch (mode) {
                case "fixed" -> 1 - 0.95;
                case "uniform" -> 1e-4 + (1 - 2e-4) * rnd.nextDouble();
                case "log" -> Math.exp(-6 + (6 - 1e-4) * rnd.nextDouble());
                default -> Double.NaN;
            };
        }
        return mode.equals("vector") || mode.equals("matrix") ? null : r;
    }

    static ScrnReference model(String mode, String activation) {
        return new ScrnReference(NIN, NH, NS, NOUT, mode, activation, constantRate(mode, 3)).randomize(17, 0.5);
    }

    /** Stream 1 ends one step early and stream 2 two steps early: their last rows are padding (−1). */
    static boolean padded(int t, int s) {
        return s == 1 && t >= T - 1 || s == 2 && t >= T - 2;
    }

    /** Non-zero initial states: h₋₁ in (0, 1) like a hidden state, s₋₁ of either sign. */
    static ScrnReference.Batch batch(boolean ids, int steps, long seed) {
        Random rnd = new Random(seed);
        double[] h0 = new double[B * NH], s0 = new double[B * NS];
        for (int i = 0; i < h0.length; i++) {
            h0[i] = 0.1 + 0.8 * rnd.nextDouble();
        }
        for (int i = 0; i < s0.length; i++) {
            s0[i] = rnd.nextGaussian();
        }
        if (ids) {
            int[] w = new int[steps * B];
            for (int t = 0; t < steps; t++) {
                for (int s = 0; s < B; s++) {
                    w[t * B + s] = padded(t, s) ? -1 : rnd.nextInt(NIN);
                }
            }
            return ScrnReference.Batch.ofIds(steps, B, w, h0, s0);
        }
        double[] x = new double[steps * B * NIN];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        return ScrnReference.Batch.ofRows(steps, B, x, h0, s0);
    }

    /** Random targets, −1 on the padded rows and on one more row in the middle of stream 0. */
    static int[] targets(long seed) {
        Random rnd = new Random(seed);
        int[] y = new int[T * B];
        for (int t = 0; t < T; t++) {
            for (int s = 0; s < B; s++) {
                y[t * B + s] = padded(t, s) || t == 2 && s == 0 ? -1 : rnd.nextInt(NOUT);
            }
        }
        return y;
    }

    static double[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rnd.nextGaussian();
        }
        return c;
    }

    static Map<String, double[]> copy(Map<String, double[]> m) {
        Map<String, double[]> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }

    /** Which entries of a parameter of n entries are checked: all, or MAX_CHECKED spread over it by a fixed stride. */
    static int[] checkedEntries(int n) {
        if (n <= MAX_CHECKED) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        int[] e = new int[MAX_CHECKED];
        for (int i = 0; i < MAX_CHECKED; i++) {
            e[i] = (int) ((long) i * n / MAX_CHECKED);
        }
        return e;
    }

    /**
     * Asserts that {@code grads} is the gradient of {@code loss} at the model's current parameters, by central
     * differences on every (checked) entry: |fd − g| ≤ ATOL + RTOL·max(|fd|, |g|). Restores every parameter.
     */
    static void assertMatchesFiniteDifferences(ScrnReference m, Map<String, double[]> grads, DoubleSupplier loss,
                                               String what) {
        for (String name : m.p.keySet()) {
            double[] v = m.p.get(name), g = grads.get(name);
            double maxAbs = 0;
            for (int i : checkedEntries(v.length)) {
                double keep = v[i];
                v[i] = keep + FD_STEP;
                double lp = loss.getAsDouble();
                v[i] = keep - FD_STEP;
                double lm = loss.getAsDouble();
                v[i] = keep;
                double fd = (lp - lm) / (2 * FD_STEP);
                double tol = ATOL + RTOL * Math.max(Math.abs(fd), Math.abs(g[i]));
                if (!(Math.abs(fd - g[i]) <= tol)) {
                    throw new AssertionError(what + ": " + name + "[" + i + "] backward " + g[i]
                            + ", finite difference " + fd + " (tolerance " + tol + ")");
                }
                maxAbs = Math.max(maxAbs, Math.abs(g[i]));
            }
            assertTrue(maxAbs > 1e-4, what + ": " + name + " has an all-zero gradient, so the check proves nothing");
        }
    }

    // ---- gradients against finite differences -----------------------------------------------------------

    @ParameterizedTest(name = "{0} rate, ids {1}")
    @CsvSource({"vector,true", "vector,false", "matrix,true", "matrix,false",
            "fixed,true", "fixed,false", "uniform,true", "log,false"})
    void nllGradientsMatchFiniteDifferences(String mode, boolean ids) {
        ScrnReference m = model(mode, "softmax");
        ScrnReference.Batch in = batch(ids, T, 5);
        int[] y = targets(7);
        double l = m.gradientsNll(in, y);
        assertEquals(m.lossNll(in, y), l, 0.0, "the returned loss is the forward's");
        assertMatchesFiniteDifferences(m, copy(m.g), () -> m.lossNll(in, y), mode + " NLL");
    }

    static Stream<Arguments> everyActivationInBothLearnedModes() {
        List<Arguments> a = new ArrayList<>();
        for (String act : ScrnReference.ACTIVATIONS) {
            for (String mode : new String[] {"vector", "matrix"}) {
                a.add(Arguments.of(act, mode, true));
                a.add(Arguments.of(act, mode, false));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, {1} rate, ids {2}")
    @MethodSource("everyActivationInBothLearnedModes")
    void linearFunctionalGradientsMatchFiniteDifferences(String activation, String mode, boolean ids) {
        ScrnReference m = model(mode, activation);
        ScrnReference.Batch in = batch(ids, T, 9);
        double[] c = gaussian(T * B * NOUT, 11);
        double l = m.gradientsLinear(in, c);
        assertEquals(m.lossLinear(in, c), l, 0.0);
        assertMatchesFiniteDifferences(m, copy(m.g), () -> m.lossLinear(in, c), activation + " " + mode);
    }

    /** The check above can fail: one wrong entry in any parameter's gradient is caught. */
    @Test
    void finiteDifferenceCheckCatchesOneWrongGradientEntry() {
        for (String mode : new String[] {"vector", "matrix"}) {
            ScrnReference m = model(mode, "softmax");
            ScrnReference.Batch in = batch(true, T, 5);
            int[] y = targets(7);
            m.gradientsNll(in, y);
            for (String name : m.p.keySet()) {
                Map<String, double[]> wrong = copy(m.g);
                double[] g = wrong.get(name);
                int i = g.length / 2;
                g[i] += 1e-4 * (1 + Math.abs(g[i]));
                AssertionError e = assertThrows(AssertionError.class,
                        () -> assertMatchesFiniteDifferences(m, wrong, () -> m.lossNll(in, y), mode),
                        mode + ": a wrong " + name + "[" + i + "] passed the check");
                assertTrue(e.getMessage().contains(name + "[" + i + "]"), e.getMessage());
            }
        }
    }

    /** The check catches a missing recurrence term too: the gradient truncated at step 2 is not the full BPTT one. */
    @Test
    void finiteDifferenceCheckCatchesTruncatedBackpropagation() {
        ScrnReference m = model("vector", "tanh");
        ScrnReference.Batch in = batch(false, T, 9);
        double[] c = gaussian(T * B * NOUT, 11);
        int t1 = 2;
        ScrnReference.Batch first = slice(in, 0, t1, in.h0(), in.s0());
        ScrnReference.Forward f1 = m.forward(first);
        ScrnReference.Batch second = slice(in, t1, T, f1.h(), f1.s());
        double[] c1 = Arrays.copyOfRange(c, 0, t1 * B * NOUT), c2 = Arrays.copyOfRange(c, t1 * B * NOUT, c.length);
        // the linear functional is a sum over rows, so the two halves' losses add up to the whole
        assertEquals(m.lossLinear(in, c), m.lossLinear(first, c1) + m.lossLinear(second, c2), 1e-12);
        m.gradientsLinear(first, c1);
        Map<String, double[]> truncated = copy(m.g);
        m.gradientsLinear(second, c2);
        truncated.forEach((name, g) -> {
            for (int i = 0; i < g.length; i++) {
                g[i] += m.g.get(name)[i];
            }
        });
        assertThrows(AssertionError.class,
                () -> assertMatchesFiniteDifferences(m, truncated, () -> m.lossLinear(in, c), "truncated"));
        m.gradientsLinear(in, c);
        assertMatchesFiniteDifferences(m, copy(m.g), () -> m.lossLinear(in, c), "full");
    }

    // ---- the forward against the definition --------------------------------------------------------------

    /** Steps [from, to) of a batch, with the given initial states. */
    static ScrnReference.Batch slice(ScrnReference.Batch in, int from, int to, double[] h0, double[] s0) {
        if (in.ids() != null) {
            return ScrnReference.Batch.ofIds(to - from, B, Arrays.copyOfRange(in.ids(), from * B, to * B), h0, s0);
        }
        return ScrnReference.Batch.ofRows(to - from, B,
                Arrays.copyOfRange(in.x(), from * B * NIN, to * B * NIN), h0, s0);
    }

    /** x_row · xs written out again: a row of xs for a word id, zero for padding, a dot product for a dense row. */
    static double inputTimesXs(ScrnReference m, ScrnReference.Batch in, int row, int k) {
        double[] xs = m.p.get("xs");
        if (in.ids() != null) {
            int id = in.ids()[row];
            return id < 0 ? 0 : xs[id * NS + k];
        }
        double a = 0;
        for (int i = 0; i < NIN; i++) {
            a += in.x()[row * NIN + i] * xs[i * NS + k];
        }
        return a;
    }

    @ParameterizedTest(name = "ids {0}")
    @CsvSource({"true", "false"})
    void rateOneMakesTheStateExactlyTheInputProjection(boolean ids) {
        ScrnReference m = new ScrnReference(NIN, NH, NS, NOUT, "fixed", "softmax", ScrnReference.fixedRate(NS, 0))
                .randomize(17, 0.5);
        ScrnReference.Batch in = batch(ids, T, 5);
        ScrnReference.Forward f = m.forward(in);
        for (int row = 0; row < T * B; row++) {
            for (int k = 0; k < NS; k++) {
                assertEquals(1.0, f.rate()[row * NS + k], 0.0);
                assertEquals(inputTimesXs(m, in, row, k), f.state()[row * NS + k], 0.0, "row " + row + " unit " + k);
            }
        }
    }

    @ParameterizedTest(name = "ids {0}")
    @CsvSource({"true", "false"})
    void fixedRateIsThePapersContextUpdate(boolean ids) {
        double alpha = 0.95;
        ScrnReference m = new ScrnReference(NIN, NH, NS, NOUT, "fixed", "softmax",
                ScrnReference.fixedRate(NS, alpha)).randomize(17, 0.5);
        ScrnReference.Batch in = batch(ids, T, 5);
        ScrnReference.Forward f = m.forward(in);
        for (int s = 0; s < B; s++) {
            double[] prev = Arrays.copyOfRange(in.s0(), s * NS, (s + 1) * NS);
            for (int t = 0; t < T; t++) {
                int row = t * B + s;
                double[] st = new double[NS];
                for (int k = 0; k < NS; k++) {
                    // Mikolov et al. 2015, eq. (4): s_t = (1 − α) B x_t + α s_{t−1}
                    st[k] = (1 - alpha) * inputTimesXs(m, in, row, k) + alpha * prev[k];
                    assertEquals(st[k], f.state()[row * NS + k], 1e-14, "stream " + s + " step " + t);
                }
                prev = st;
            }
        }
        // the fixed mode's rate really is 1 − α = 0.05
        assertEquals(0.05, f.rate()[0], 1e-15);
    }

    /**
     * h_t and pre_t recomputed from the kept arrays, written out again: the hidden layer reads s_t (not s_{t−1})
     * and has no bias, and the output reads both h_t and s_t plus b.
     */
    @ParameterizedTest(name = "{0}, ids {1}")
    @CsvSource({"softmax,true", "tanh,false", "relu,true", "sigmoid,false", "linear,true"})
    void hiddenAndOutputAreTheSpecEquations(String activation, boolean ids) {
        ScrnReference m = model("vector", activation);
        ScrnReference.Batch in = batch(ids, T, 5);
        ScrnReference.Forward f = m.forward(in);
        double[] xh = m.p.get("xh"), sh = m.p.get("sh"), hh = m.p.get("hh"), ho = m.p.get("ho"),
                so = m.p.get("so"), b = m.p.get("b");
        for (int row = 0; row < T * B; row++) {
            double[] hPrev = row < B ? in.h0() : f.hid();
            int hp = row < B ? row * NH : (row - B) * NH;
            for (int k = 0; k < NH; k++) {
                double z = 0;
                for (int i = 0; i < NIN; i++) {
                    double xi = ids ? (in.ids()[row] == i ? 1 : 0) : in.x()[row * NIN + i];
                    z += xi * xh[i * NH + k];
                }
                for (int i = 0; i < NH; i++) {
                    z += hPrev[hp + i] * hh[i * NH + k];
                }
                for (int i = 0; i < NS; i++) {
                    z += f.state()[row * NS + i] * sh[i * NH + k];
                }
                assertEquals(1 / (1 + Math.exp(-z)), f.hid()[row * NH + k], 1e-14, "h row " + row);
            }
            double sum = 0;
            for (int j = 0; j < NOUT; j++) {
                double z = b[j];
                for (int i = 0; i < NH; i++) {
                    z += f.hid()[row * NH + i] * ho[i * NOUT + j];
                }
                for (int i = 0; i < NS; i++) {
                    z += f.state()[row * NS + i] * so[i * NOUT + j];
                }
                assertEquals(z, f.pre()[row * NOUT + j], 1e-14, "pre row " + row);
                sum += Math.exp(z);
            }
            for (int j = 0; j < NOUT; j++) {
                double z = f.pre()[row * NOUT + j];
                double expected = switch (activation) {
                    case "softmax" -> Math.exp(z) / sum;
                    case "tanh" -> Math.tanh(z);
                    case "relu" -> z > 0 ? z : 0;
                    case "sigmoid" -> 1 / (1 + Math.exp(-z));
                    case "linear" -> z;
                    default -> throw new IllegalArgumentException(activation);
                };
                assertEquals(expected, f.out()[row * NOUT + j], 1e-14, "out row " + row);
            }
        }
    }

    @Test
    void learnedRatesAreTheSigmoidOfTheirLogits() {
        ScrnReference v = model("vector", "softmax");
        ScrnReference.Forward fv = v.forward(batch(true, T, 5));
        ScrnReference mm = model("matrix", "softmax");
        ScrnReference.Batch in = batch(true, T, 5);
        ScrnReference.Forward fm = mm.forward(in);
        double[] xr = mm.p.get("xr"), br = mm.p.get("br");
        for (int row = 0; row < T * B; row++) {
            int id = in.ids()[row];
            for (int k = 0; k < NS; k++) {
                assertEquals(1 / (1 + Math.exp(-v.p.get("r")[k])), fv.rate()[row * NS + k], 1e-15);
                double z = (id < 0 ? 0 : xr[id * NS + k]) + br[k]; // padding: r_t = σ(br)
                assertEquals(1 / (1 + Math.exp(-z)), fm.rate()[row * NS + k], 1e-15, "row " + row);
            }
        }
    }

    static Stream<Arguments> learnedModesAndInputs() {
        return Stream.of(Arguments.of("vector", true), Arguments.of("vector", false),
                Arguments.of("matrix", true), Arguments.of("matrix", false));
    }

    @ParameterizedTest(name = "{0} rate, ids {1}")
    @MethodSource("learnedModesAndInputs")
    void twoHalvesWithTheStateCarriedEqualTheWhole(String mode, boolean ids) {
        ScrnReference m = model(mode, "softmax");
        ScrnReference.Batch in = batch(ids, T, 5);
        ScrnReference.Forward whole = m.forward(in);
        int t1 = 2;
        ScrnReference.Forward f1 = m.forward(slice(in, 0, t1, in.h0(), in.s0()));
        ScrnReference.Forward f2 = m.forward(slice(in, t1, T, f1.h(), f1.s()));
        assertArrayEquals(Arrays.copyOfRange(whole.hid(), (t1 - 1) * B * NH, t1 * B * NH), f1.h());
        assertArrayEquals(Arrays.copyOfRange(whole.state(), (t1 - 1) * B * NS, t1 * B * NS), f1.s());
        assertArrayEquals(whole.out(), concat(f1.out(), f2.out()), "out");
        assertArrayEquals(whole.pre(), concat(f1.pre(), f2.pre()), "pre");
        assertArrayEquals(whole.hid(), concat(f1.hid(), f2.hid()), "hid");
        assertArrayEquals(whole.state(), concat(f1.state(), f2.state()), "state");
        assertArrayEquals(whole.rate(), concat(f1.rate(), f2.rate()), "rate");
        assertArrayEquals(whole.h(), f2.h(), "final h");
        assertArrayEquals(whole.s(), f2.s(), "final s");
    }

    static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void paddedTargetsAddNothing() {
        ScrnReference m = model("vector", "softmax");
        ScrnReference.Batch in = batch(true, T, 5);
        int[] y = targets(7);
        ScrnReference.Forward f = m.forward(in);
        double sum = 0;
        int n = 0;
        for (int row = 0; row < T * B; row++) {
            if (y[row] >= 0) {
                sum -= Math.log(f.out()[row * NOUT + y[row]]);
                n++;
            }
        }
        assertEquals(T * B - 4, n, "3 padded rows and one more padded target");
        assertEquals(sum / n, m.nll(f, y), 1e-13);

        // whatever the output at the padded rows that end the streams, the loss and the gradient are the same
        m.gradientsNll(in, y);
        Map<String, double[]> g = copy(m.g);
        int[] ids2 = in.ids().clone();
        for (int row = 0; row < T * B; row++) {
            if (y[row] < 0 && ids2[row] < 0) {
                ids2[row] = 3; // a real input on a row whose target is padding, at the end of a stream
            }
        }
        ScrnReference.Batch in2 = ScrnReference.Batch.ofIds(T, B, ids2, in.h0(), in.s0());
        assertEquals(m.nll(f, y), m.lossNll(in2, y), 1e-13);
        m.gradientsNll(in2, y);
        for (String name : g.keySet()) {
            assertArrayEquals(g.get(name), m.g.get(name), 1e-13, name);
        }

        // no counted target: the loss is 0 and so is every gradient
        int[] none = new int[T * B];
        Arrays.fill(none, -1);
        assertEquals(0.0, m.gradientsNll(in, none), 0.0);
        for (Map.Entry<String, double[]> e : m.g.entrySet()) {
            assertArrayEquals(new double[e.getValue().length], e.getValue(), 0.0, e.getKey());
        }
    }

    /** A word id is the one-hot row, and padding (−1) the zero row: same forward, same gradients. */
    @ParameterizedTest(name = "{0} rate")
    @CsvSource({"vector", "matrix", "log"})
    void wordIdsAreOneHotRowsAndPaddingIsTheZeroRow(String mode) {
        ScrnReference m = model(mode, "softmax");
        ScrnReference.Batch in = batch(true, T, 5);
        double[] x = new double[T * B * NIN];
        for (int row = 0; row < T * B; row++) {
            if (in.ids()[row] >= 0) {
                x[row * NIN + in.ids()[row]] = 1;
            }
        }
        ScrnReference.Batch dense = ScrnReference.Batch.ofRows(T, B, x, in.h0(), in.s0());
        ScrnReference.Forward a = m.forward(in), b = m.forward(dense);
        assertArrayEquals(a.out(), b.out(), 1e-15);
        assertArrayEquals(a.state(), b.state(), 1e-15);
        assertArrayEquals(a.rate(), b.rate(), 1e-15);
        int[] y = targets(7);
        m.gradientsNll(in, y);
        Map<String, double[]> g = copy(m.g);
        m.gradientsNll(dense, y);
        for (String name : g.keySet()) {
            assertArrayEquals(g.get(name), m.g.get(name), 1e-14, name);
        }
    }

    @Test
    void parametersAreNamedAndShapedAsInTheSpec() {
        ScrnReference v = model("vector", "softmax"), mm = model("matrix", "softmax"), f = model("fixed", "linear");
        assertEquals(List.of("xs", "xh", "sh", "hh", "ho", "so", "b", "r"), List.copyOf(v.p.keySet()));
        assertEquals(List.of("xs", "xh", "sh", "hh", "ho", "so", "b", "xr", "br"), List.copyOf(mm.p.keySet()));
        assertEquals(List.of("xs", "xh", "sh", "hh", "ho", "so", "b"), List.copyOf(f.p.keySet()));
        int[] sizes = {NIN * NS, NIN * NH, NS * NH, NH * NH, NH * NOUT, NS * NOUT, NOUT, NIN * NS, NS};
        int i = 0;
        for (double[] p : mm.p.values()) {
            assertEquals(sizes[i++], p.length);
        }
        // the same seed draws the same values, in the map's order
        assertArrayEquals(v.p.get("xs"), model("vector", "tanh").p.get("xs"), 0.0);
        assertEquals(0.5 * new Random(17).nextGaussian(), v.p.get("xs")[0], 0.0);
    }
}
