package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Row softmax, log-softmax and fused softmax + cross-entropy against double precision. */
class SoftmaxTest {
    private static final int[] COLS = {1, 2, 7, 15, 16, 17, 31, 33, 64, 70, 129, 1000};

    /** rows × cols at offset 3 with leading dimension cols + 5; everything else holds the guard value. */
    private static float[] matrix(Random rnd, int rows, int cols, float scale) {
        int ld = cols + 5;
        float[] m = new float[3 + rows * ld + 2];
        java.util.Arrays.fill(m, Reference.GUARD);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[3 + i * ld + j] = (float) (rnd.nextGaussian() * scale);
            }
        }
        return m;
    }

    private static void assertGuardsOutsideRows(float[] m, int rows, int cols) {
        int ld = cols + 5;
        for (int i = 0; i < m.length; i++) {
            int rel = i - 3;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside) {
                assertEquals(Reference.GUARD, m[i], "guard at " + i);
            }
        }
    }

    @Test
    void softmaxMatchesReferenceAndSumsToOne() {
        Random rnd = new Random(1);
        for (int cols : COLS) {
            for (float scale : new float[] {1f, 30f, 1e4f}) {
                int rows = 3;
                float[] m = matrix(rnd, rows, cols, scale);
                float[] orig = m.clone();
                Softmax.softmaxRows(rows, cols, m, 3, cols + 5);
                assertGuardsOutsideRows(m, rows, cols);
                for (int i = 0; i < rows; i++) {
                    int o = 3 + i * (cols + 5);
                    double[] want = Reference.softmax(orig, o, cols);
                    double sum = 0;
                    for (int j = 0; j < cols; j++) {
                        assertEquals(want[j], m[o + j], 1e-6, "cols=" + cols + " scale=" + scale);
                        assertTrue(m[o + j] >= 0 && m[o + j] <= 1);
                        sum += m[o + j];
                    }
                    assertEquals(1.0, sum, 1e-6);
                }
            }
        }
    }

    @Test
    void softmaxHasNoNaNForHugeFiniteInputs() {
        float[] row = {3e38f, -3e38f, 1e30f, 3e38f, 0f, -1e-30f, Float.MAX_VALUE, -Float.MAX_VALUE,
            1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f};
        float[] a = row.clone();
        Softmax.softmaxRows(1, a.length, a, 0, a.length);
        double sum = 0;
        for (float v : a) {
            assertTrue(!Float.isNaN(v) && v >= 0 && v <= 1, java.util.Arrays.toString(a));
            sum += v;
        }
        assertEquals(1.0, sum, 1e-6);
        float[] b = row.clone();
        Softmax.logSoftmaxRows(1, b.length, b, 0, b.length);
        for (float v : b) {
            assertTrue(!Float.isNaN(v) && v <= 0, java.util.Arrays.toString(b));
        }
    }

    @Test
    void logSoftmaxMatchesReference() {
        Random rnd = new Random(2);
        for (int cols : COLS) {
            int rows = 2;
            float[] m = matrix(rnd, rows, cols, 10f);
            float[] orig = m.clone();
            Softmax.logSoftmaxRows(rows, cols, m, 3, cols + 5);
            assertGuardsOutsideRows(m, rows, cols);
            for (int i = 0; i < rows; i++) {
                int o = 3 + i * (cols + 5);
                double lse = Reference.logSumExp(orig, o, cols);
                for (int j = 0; j < cols; j++) {
                    assertEquals(orig[o + j] - lse, m[o + j], 2e-5 * (1 + Math.abs(orig[o + j] - lse)));
                }
            }
        }
    }

    @Test
    void crossEntropyLossAndGradient() {
        Random rnd = new Random(3);
        for (int cols : COLS) {
            int rows = 5;
            float[] m = matrix(rnd, rows, cols, 5f);
            float[] orig = m.clone();
            int[] targets = new int[rows + 2];
            for (int i = 0; i < rows; i++) {
                targets[2 + i] = i == 1 ? -1 : rnd.nextInt(cols);
            }
            float scale = 0.25f;
            double loss = Softmax.softmaxCrossEntropy(rows, cols, m, 3, cols + 5, targets, 2, scale);
            assertGuardsOutsideRows(m, rows, cols);
            double want = 0;
            for (int i = 0; i < rows; i++) {
                int o = 3 + i * (cols + 5);
                int t = targets[2 + i];
                if (t < 0) {
                    for (int j = 0; j < cols; j++) {
                        assertEquals(0f, m[o + j], "padded row has zero gradient");
                    }
                    continue;
                }
                want += Reference.logSumExp(orig, o, cols) - orig[o + t];
                double[] p = Reference.softmax(orig, o, cols);
                for (int j = 0; j < cols; j++) {
                    assertEquals((p[j] - (j == t ? 1 : 0)) * scale, m[o + j], 1e-6, "gradient");
                }
            }
            assertEquals(want, loss, 1e-5 * Math.max(1, want), "loss, cols=" + cols);
        }
    }

    /**
     * Rows are shifted by the target's logit unless another logit lies more than 60 above it: then
     * the rest of the row is shifted by its maximum and the done prefix rescaled. Logits 61-300 above
     * the target at the start, middle and end of the row, and rows spread over ±150, match the
     * double-precision reference.
     */
    @Test
    void crossEntropyWhenTheTargetIsFarBelowOtherLogits() {
        Random rnd = new Random(11);
        for (int cols : COLS) {
            int rows = 6;
            float[] m = matrix(rnd, rows, cols, 3f);
            int[] targets = new int[rows];
            for (int i = 0; i < rows; i++) {
                int o = i * cols;
                targets[i] = rnd.nextInt(cols);
                if (i == rows - 1) {
                    for (int j = 0; j < cols; j++) {
                        m[o + j] = (rnd.nextFloat() - 0.5f) * 300f;
                    }
                    continue;
                }
                int at = switch (i % 3) {
                    case 0 -> 0;
                    case 1 -> cols / 2;
                    default -> cols - 1;
                };
                if (at != targets[i]) {
                    m[o + at] = m[o + targets[i]] + 61f + rnd.nextFloat() * 240f;
                }
            }
            float[] orig = m.clone();
            double loss = Softmax.softmaxCrossEntropy(rows, cols, m, 0, cols, targets, 0, 1f);
            double want = 0;
            for (int i = 0; i < rows; i++) {
                int o = i * cols;
                int t = targets[i];
                want += Reference.logSumExp(orig, o, cols) - orig[o + t];
                double[] p = Reference.softmax(orig, o, cols);
                for (int j = 0; j < cols; j++) {
                    assertEquals(p[j] - (j == t ? 1 : 0), m[o + j], 1e-6, "gradient, cols=" + cols + " row " + i);
                }
            }
            assertEquals(want, loss, 1e-5 * Math.max(1, want), "loss, cols=" + cols);
        }
    }

    @Test
    void crossEntropyWithLargeLogitsIsFinite() {
        float[] m = {1e30f, -1e30f, 5f, 3e38f};
        double loss = Softmax.softmaxCrossEntropy(1, 4, m, 0, 4, new int[] {0}, 0, 1f);
        assertTrue(Double.isFinite(loss) && loss > 1e37, "loss " + loss);
        for (float v : m) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void crossEntropyWithALogitFarAboveTheTargetInTheRowsTail() {
        // The last cols mod L logits of a row are a vector of their own (the row's last L, under a
        // mask): one more than 60 above the target must still send the row to the rescaled pass,
        // at either width, whatever its position in the tail and however large.
        Random rnd = new Random(13);
        for (int cols : new int[] {17, 23, 31, 127, 129}) {
            for (int pos : new int[] {cols - 1, cols - 7}) {
                for (float delta : new float[] {61f, 87f, 89f, 150f, 300f}) {
                    float[] m = new float[cols];
                    for (int j = 0; j < cols; j++) {
                        m[j] = (float) rnd.nextGaussian() * 3f;
                    }
                    m[pos] = m[0] + delta;
                    float[] orig = m.clone();
                    double loss = Softmax.softmaxCrossEntropy(1, cols, m, 0, cols, new int[] {0}, 0, 1f);
                    double want = Reference.logSumExp(orig, 0, cols) - orig[0];
                    assertEquals(want, loss, 1e-5 * Math.max(1, want), "loss, cols=" + cols + " pos=" + pos + " delta=" + delta);
                    double[] p = Reference.softmax(orig, 0, cols);
                    for (int j = 0; j < cols; j++) {
                        assertEquals(p[j] - (j == 0 ? 1 : 0), m[j], 1e-6, "cols=" + cols + " pos=" + pos + " delta=" + delta + " at " + j);
                    }
                }
            }
        }
    }

    @Test
    void weightedRowsAreTheUnweightedCallRowByRow() {
        // The batched weighted form (a tagger's rows weighted 1/T of their sentence) must give the
        // same loss and gradient bits as one unweighted call per row with scale·(float) w; a padded
        // row (target −1) adds nothing and is zeroed.
        Random rnd = new Random(21);
        for (int cols : COLS) {
            int rows = 6;
            float[] batched = matrix(rnd, rows, cols, 3f), single = batched.clone();
            int[] targets = new int[2 + rows];
            double[] weights = new double[1 + rows];
            for (int i = 0; i < rows; i++) {
                targets[2 + i] = i == 4 ? -1 : rnd.nextInt(cols);
                weights[1 + i] = 1.0 / (1 + rnd.nextInt(30));
            }
            double got = Softmax.softmaxCrossEntropy(rows, cols, batched, 3, cols + 5, targets, 2, 0.5f, weights, 1);
            double want = 0;
            for (int i = 0; i < rows; i++) {
                double w = weights[1 + i];
                want += w * Softmax.softmaxCrossEntropy(1, cols, single, 3 + i * (cols + 5), cols + 5, targets, 2 + i,
                        0.5f * (float) w);
            }
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), "loss, cols=" + cols);
            for (int i = 0; i < batched.length; i++) {
                assertEquals(Float.floatToRawIntBits(single[i]), Float.floatToRawIntBits(batched[i]), "cols=" + cols + " at " + i);
            }
            assertGuardsOutsideRows(batched, rows, cols);
        }
        float[] m = {1f, 2f, 3f, 4f, 5f, 6f};
        float[] copy = m.clone();
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {0, 1}, 0, 1f, new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {0, 1}, 0, 1f, null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {0, 1}, 0, 1f, new double[] {1, 1}, -1));
        assertEquals(java.util.Arrays.toString(copy), java.util.Arrays.toString(m));
    }

    @Test
    void badTargetsAreRejectedBeforeWriting() {
        float[] m = {1f, 2f, 3f, 4f, 5f, 6f};
        float[] copy = m.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {0, 3}, 0, 1f));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {-2, 0}, 0, 1f));
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(2, 3, m, 0, 3, new int[] {0}, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmaxRows(2, 3, m, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmaxRows(2, 3, m, 0, 2));
        assertEquals(java.util.Arrays.toString(copy), java.util.Arrays.toString(m));
    }

    /**
     * Sums over lanes must not change with the JIT tier: the first call runs interpreted, later ones
     * compiled by C2 (whose reduceLanes(ADD) would sum in another order). Same-seed training runs
     * are bit-identical only if this holds.
     */
    @Test
    void resultsDoNotDependOnWarmUp() {
        Random rnd = new Random(9);
        int rows = 3, cols = 1000;
        float[] z = new float[rows * cols];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rnd.nextGaussian() * 3;
        }
        int[] t = {5, 999, 17};
        float[] cold = z.clone();
        double coldLoss = Softmax.softmaxCrossEntropy(rows, cols, cold, 0, cols, t, 0, 0.5f);
        float coldDot = Blas.dot(cols, z, 0, z, cols);
        float[] wb = new float[cols * 7], wy = new float[7];
        for (int i = 0; i < wb.length; i++) {
            wb[i] = (float) rnd.nextGaussian();
        }
        Gemm.sgemm(false, true, 1, 7, cols, 1f, z, 0, cols, wb, 0, cols, 0f, wy, 0, 7); // GEMV: row dot products
        float[] coldGemv = wy.clone();
        float[] warm = null;
        double warmLoss = 0;
        for (int k = 0; k < 20_000; k++) {
            warm = z.clone();
            warmLoss = Softmax.softmaxCrossEntropy(rows, cols, warm, 0, cols, t, 0, 0.5f);
            Blas.dot(cols, z, 0, z, cols);
            Gemm.sgemm(false, true, 1, 7, cols, 1f, z, 0, cols, wb, 0, cols, 0f, wy, 0, 7);
        }
        assertEquals(Double.doubleToLongBits(coldLoss), Double.doubleToLongBits(warmLoss), "loss");
        assertEquals(java.util.Arrays.toString(cold), java.util.Arrays.toString(warm), "gradient");
        assertEquals(Float.floatToIntBits(coldDot), Float.floatToIntBits(Blas.dot(cols, z, 0, z, cols)), "dot");
        assertEquals(java.util.Arrays.toString(coldGemv), java.util.Arrays.toString(wy), "gemv");
    }

    /**
     * A row's partial last vector (n ≥ L) runs as one vector overlapping the last full one: every
     * element gets the same bits as inside a longer row (the overlapped elements are not
     * exponentiated twice), nothing past the row is touched, and only the row's own elements are
     * summed, once. scale() gives exactly x·α for every length, past the row nothing.
     */
    @Test
    void aPartialLastVectorGetsTheSameBitsAsWholeVectors() {
        KernelProvider k = Vectorization.PROVIDER;
        int lanes = Vectorization.simdActive() ? Vectorization.vectorBits() / 32 : 1;
        Random rnd = new Random(21);
        int max = 70;
        float[] base = new float[max + 8];
        for (int i = 0; i < base.length; i++) {
            base[i] = (float) rnd.nextGaussian() * 3;
        }
        float shift = 1.5f;
        float[] whole = base.clone();
        k.expShiftedPrefix(whole, 0, max, shift);
        for (int n = 1; n <= max; n++) {
            float[] row = base.clone();
            long done = k.expShiftedPrefix(row, 0, n, shift);
            assertEquals(n, KernelProvider.prefixCount(done), "n=" + n);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                if (n >= lanes) {
                    assertEquals(Float.floatToIntBits(whole[j]), Float.floatToIntBits(row[j]), "n=" + n + " j=" + j);
                } else {
                    assertEquals(Math.exp(base[j] - shift), row[j], 1e-6 * Math.exp(base[j] - shift), "n=" + n + " j=" + j);
                }
                sum += row[j];
            }
            for (int j = n; j < row.length; j++) {
                assertEquals(Float.floatToIntBits(base[j]), Float.floatToIntBits(row[j]), "past the row: n=" + n + " j=" + j);
            }
            assertEquals(sum, KernelProvider.prefixSum(done), 1e-6 * sum, "sum, n=" + n);
            float[] scaled = base.clone();
            k.scale(n, 0.37f, scaled, 0);
            for (int j = 0; j < scaled.length; j++) {
                float want = j < n ? base[j] * 0.37f : base[j];
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(scaled[j]), "scale: n=" + n + " j=" + j);
            }
        }
    }
}
