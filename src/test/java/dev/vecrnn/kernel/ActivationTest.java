package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** exp, sigmoid, tanh and their backward forms against double precision, in whatever mode the suite runs. */
class ActivationTest {
    static final float[] EXTREMES = {0f, -0f, 1e-30f, -1e-30f, 20f, -20f, 88f, -88f, 1e4f, -1e4f,
        1e30f, -1e30f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        88.72f, 88.7229f, -87.3f, -103.9f, -104f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};

    interface Kernel {
        void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** Every length 0..70 at several offsets, out of place and in place, with guards around the view. */
    private static void checkAllTails(Kernel k, DoubleUnaryOperator ref, float lo, float hi, double tol, boolean relative) {
        Random rnd = new Random(7);
        for (int n = 0; n <= 70; n++) {
            for (int off : new int[] {0, 1, 5, 17}) {
                float[] x = Reference.guarded(rnd, off, n, lo, hi);
                float[] xCopy = x.clone();
                float[] y = new float[x.length + 3];
                java.util.Arrays.fill(y, Reference.GUARD);
                k.apply(x, off, y, off + 3, n);
                Reference.assertGuards(y, off + 3, n);
                assertEquals(java.util.Arrays.toString(xCopy), java.util.Arrays.toString(x), "input changed");
                for (int i = 0; i < n; i++) {
                    double want = ref.applyAsDouble(x[off + i]);
                    double err = Math.abs(y[off + 3 + i] - want) / (relative ? Math.abs(want) : 1);
                    assertTrue(err <= tol, "n=" + n + " off=" + off + " x=" + x[off + i] + " got " + y[off + 3 + i] + " want " + want);
                }
                k.apply(x, off, x, off, n); // in place
                Reference.assertGuards(x, off, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(y[off + 3 + i], x[off + i], 0f, "in place differs from out of place");
                }
            }
        }
    }

    /** Applies the kernel to a large array of inputs in one call and returns the outputs. */
    private static float[] run(Kernel k, float[] x) {
        float[] y = new float[x.length];
        k.apply(x, 0, y, 0, x.length);
        return y;
    }

    private static float[] sweep(float lo, float hi, int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * i / (n - 1);
            x[n + i] = lo + (hi - lo) * rnd.nextFloat();
        }
        return x;
    }

    @Test
    void expRelativeErrorWithinBoundOnItsRange() {
        checkAllTails(Activation::exp, Math::exp, -87f, 88f, 3e-7, true);
        float[] x = sweep(-87f, 88f, 1_000_000, 1);
        float[] y = run(Activation::exp, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - want) / want);
        }
        assertTrue(worst <= 3e-7, "worst relative error " + worst);
    }

    @Test
    void expExtremes() {
        float[] y = run(Activation::exp, EXTREMES);
        for (int i = 0; i < EXTREMES.length; i++) {
            float x = EXTREMES[i];
            double want = Math.exp(x);
            if (Float.isNaN(x)) {
                assertTrue(Float.isNaN(y[i]), "exp(NaN)");
            } else if (want > Float.MAX_VALUE) {
                assertEquals(Float.POSITIVE_INFINITY, y[i], "exp(" + x + ")");
            } else if (want < Float.MIN_VALUE / 2) {
                assertEquals(0f, y[i], "exp(" + x + ")");
            } else {
                // below the normal range results are subnormal: allow one subnormal step besides the relative bound
                assertEquals(want, y[i], 3e-7 * want + 2 * Float.MIN_VALUE, "exp(" + x + ")");
            }
        }
    }

    private static void checkBoundedEverywhere(Kernel k, DoubleUnaryOperator ref, double lo, double hi) {
        checkAllTails(k, ref, -30f, 30f, 3e-7, false);
        float[] grid = sweep(-30f, 30f, 1_000_000, 2);
        Random rnd = new Random(3);
        float[] bits = new float[1_000_000];
        for (int i = 0; i < bits.length; i++) {
            float v;
            do {
                v = Float.intBitsToFloat(rnd.nextInt());
            } while (Float.isNaN(v));
            bits[i] = v;
        }
        for (float[] x : new float[][] {grid, bits, EXTREMES}) {
            float[] y = run(k, x);
            for (int i = 0; i < x.length; i++) {
                if (Float.isNaN(x[i])) {
                    assertTrue(Float.isNaN(y[i]), "NaN in gives NaN out");
                    continue;
                }
                double want = ref.applyAsDouble(x[i]);
                assertTrue(Math.abs(y[i] - want) <= 3e-7, "x=" + x[i] + " got " + y[i] + " want " + want);
                assertTrue(y[i] >= lo && y[i] <= hi, "x=" + x[i] + " out of range: " + y[i]);
            }
        }
    }

    @Test
    void sigmoidAbsoluteErrorAndRange() {
        checkBoundedEverywhere(Activation::sigmoid, Reference::sigmoid, 0, 1);
    }

    @Test
    void tanhAbsoluteErrorAndRange() {
        checkBoundedEverywhere(Activation::tanh, Math::tanh, -1, 1);
    }

    @Test
    void backwardForms() {
        Random rnd = new Random(11);
        for (int n = 0; n <= 70; n++) {
            float[] y = Reference.guarded(rnd, 1, n, 0f, 1f);
            float[] t = Reference.guarded(rnd, 1, n, -1f, 1f);
            float[] g = Reference.guarded(rnd, 2, n, -3f, 3f);
            float[] out = new float[n + 4];
            java.util.Arrays.fill(out, Reference.GUARD);
            Activation.sigmoidBackward(y, 1, g, 2, out, 2, n);
            Reference.assertGuards(out, 2, n);
            for (int i = 0; i < n; i++) {
                double want = (double) g[2 + i] * y[1 + i] * (1 - (double) y[1 + i]);
                assertEquals(want, out[2 + i], 1e-6, "sigmoidBackward");
            }
            Activation.tanhBackward(t, 1, g, 2, out, 2, n);
            Reference.assertGuards(out, 2, n);
            for (int i = 0; i < n; i++) {
                double want = (double) g[2 + i] * (1 - (double) t[1 + i] * t[1 + i]);
                assertEquals(want, out[2 + i], 1e-6, "tanhBackward");
            }
            // in place over the gradient
            float[] gg = g.clone();
            Activation.sigmoidBackward(y, 1, gg, 2, gg, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals((double) g[2 + i] * y[1 + i] * (1 - (double) y[1 + i]), gg[2 + i], 1e-6);
            }
        }
    }

    @Test
    void viewsOutsideTheArrayAreRejected() {
        float[] x = new float[10];
        assertThrows(IllegalArgumentException.class, () -> Activation.exp(x, 5, x, 0, 6));
        assertThrows(IllegalArgumentException.class, () -> Activation.sigmoid(x, 0, x, -1, 3));
        assertThrows(IllegalArgumentException.class, () -> Activation.tanh(x, 0, x, 0, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Activation.tanh(x, 0, new float[4], 0, 10));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("4"), e.getMessage());
    }

    /**
     * The plain provider is the definition of the backward forms: the active one (SIMD in the SIMD
     * runs) must give the same bits — both compute g·(y·(1−y)) and g·fma(−y, y, 1) lane by lane,
     * so the stated tolerance is 0 ulp — over every tail length and offset.
     */
    @Test
    void backwardFormsMatchThePlainDefinitionBitForBit() {
        KernelProvider plain = new PlainKernelProvider();
        KernelProvider active = Vectorization.PROVIDER;
        Random rnd = new Random(13);
        for (int n = 0; n <= 70; n++) {
            for (int off : new int[] {0, 3}) {
                float[] y = Reference.guarded(rnd, off, n, -1f, 1f);
                float[] g = Reference.guarded(rnd, off, n, -3f, 3f);
                float[] want = new float[off + n];
                float[] got = new float[off + n];
                plain.tanhBackward(y, off, g, off, want, off, n);
                active.tanhBackward(y, off, g, off, got, off, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(want[off + i]), Float.floatToRawIntBits(got[off + i]),
                            "tanhBackward n=" + n + " i=" + i + ": " + want[off + i] + " vs " + got[off + i]);
                }
                plain.sigmoidBackward(y, off, g, off, want, off, n);
                active.sigmoidBackward(y, off, g, off, got, off, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(want[off + i]), Float.floatToRawIntBits(got[off + i]),
                            "sigmoidBackward n=" + n + " i=" + i);
                }
            }
        }
    }
}
