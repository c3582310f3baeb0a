package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm} against a plain double-precision reference, on whichever engine this JVM chose
 * (the pom runs the suite at 512 bits, 256 bits and on the plain path).
 */
class GemmTest {
    private static final float[] ALPHAS = {1f, -0.5f};
    private static final float[] BETAS = {0f, 1f, 0.25f};
    private static final float GUARD = -7.75e3f;

    @AfterEach
    void oneThread() {
        Gemm.setThreads(1);
    }

    /** A rows × cols view inside a larger array: guard values before, between rows and after. */
    static final class View {
        final float[] data;
        final int off;
        final int ld;
        final int rows;
        final int cols;

        View(Random rnd, int rows, int cols, boolean strided) {
            this.rows = rows;
            this.cols = cols;
            this.ld = Math.max(1, cols) + (strided ? 1 + rnd.nextInt(5) : 0);
            this.off = strided ? 1 + rnd.nextInt(7) : 0;
            int len = off + (rows == 0 ? 0 : (rows - 1) * ld + cols) + (strided ? 3 : 0);
            data = new float[len];
            java.util.Arrays.fill(data, GUARD);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    data[off + i * ld + j] = rnd.nextFloat() * 2f - 1f;
                }
            }
        }

        private View(View o) {
            rows = o.rows;
            cols = o.cols;
            ld = o.ld;
            off = o.off;
            data = o.data.clone();
        }

        View copy() {
            return new View(this);
        }

        float get(int i, int j) {
            return data[off + i * ld + j];
        }

        boolean inside(int idx) {
            int r = idx - off;
            return r >= 0 && r / ld < rows && r % ld < cols;
        }
    }

    /** C = α·op(A)·op(B) + β·C in double; also returns the error scale Σ|α·a·b| + |β·c| per element. */
    static double[][] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, View a, View b,
                                float beta, View c) {
        double[] val = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a.get(p, i) : a.get(i, p);
                    double y = tb ? b.get(j, p) : b.get(p, j);
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                double old = beta == 0f ? 0 : beta * (double) c.get(i, j);
                val[i * n + j] = alpha * s + old;
                mag[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
            }
        }
        return new double[][] {val, mag};
    }

    /** Runs one product and checks it against the reference, the guards and the tolerance. */
    static void check(Random rnd, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                      boolean strided) {
        View a = ta ? new View(rnd, k, m, strided) : new View(rnd, m, k, strided);
        View b = tb ? new View(rnd, n, k, strided) : new View(rnd, k, n, strided);
        View c = new View(rnd, m, n, strided);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {
                c.data[c.off + i * c.ld + (i % Math.max(1, n))] = Float.NaN; // must be ignored
            }
        }
        float[] before = c.data.clone();
        double[][] ref = reference(ta, tb, m, n, k, alpha, a, b, beta, c);
        Gemm.sgemm(ta, tb, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, c.data, c.off, c.ld);
        verify(ref, c, before, k, () -> "ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " strided=" + strided);
    }

    static void verify(double[][] ref, View c, float[] before, int k, java.util.function.Supplier<String> what) {
        int m = c.rows, n = c.cols;
        // Float summation of k products: |error| ≤ ~k·u·Σ|terms|, plus the final α, β roundings.
        double tol = (k + 4) * 1.2e-7;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float got = c.get(i, j);
                double want = ref[0][i * n + j];
                double err = Math.abs(got - want);
                if (!(err <= tol * ref[1][i * n + j] + 1e-30)) {
                    fail(what.get() + ": C[" + i + "," + j + "] = " + got + ", want " + want + " (tol "
                            + tol * ref[1][i * n + j] + ")");
                }
            }
        }
        for (int idx = 0; idx < before.length; idx++) {
            if (!c.inside(idx) && Float.floatToRawIntBits(c.data[idx]) != Float.floatToRawIntBits(before[idx])) {
                fail(what.get() + ": guard at " + idx + " changed to " + c.data[idx]);
            }
        }
    }

    @Test
    void everySizeUpTo33() {
        // Every (m, n, k) in 1..33 for op(A)·op(B) = A·B, a quarter of them (a different quarter each)
        // for the three transposed combinations; α and β rotate with the shape so every combination
        // meets each of them many times. Strided views every fifth shape.
        Random rnd = new Random(1);
        int s = 0;
        for (int op = 0; op < 4; op++) {
            boolean ta = (op & 1) != 0, tb = (op & 2) != 0;
            for (int m = 1; m <= 33; m++) {
                for (int n = 1; n <= 33; n++) {
                    for (int k = 1; k <= 33; k++) {
                        if (op != 0 && (m + n + k) % 4 != op) {
                            continue;
                        }
                        s++;
                        check(rnd, ta, tb, m, n, k, ALPHAS[s % 2], BETAS[s % 3], (s % 5) == 0);
                    }
                }
            }
        }
    }

    @Test
    void allOpsAlphasBetasWithStridedViews() {
        Random rnd = new Random(2);
        int[][] shapes = {{1, 1, 1}, {1, 37, 19}, {29, 1, 45}, {8, 32, 16}, {17, 65, 130}, {40, 33, 257}, {64, 70, 9}};
        for (int[] sh : shapes) {
            for (int op = 0; op < 4; op++) {
                for (float alpha : ALPHAS) {
                    for (float beta : BETAS) {
                        check(rnd, (op & 1) != 0, (op & 2) != 0, sh[0], sh[1], sh[2], alpha, beta, true);
                    }
                }
            }
        }
    }

    @Test
    void randomShapesUpTo300() {
        Random rnd = new Random(3);
        for (int t = 0; t < 40; t++) {
            int m = 1 + rnd.nextInt(300), n = 1 + rnd.nextInt(300), k = 1 + rnd.nextInt(300);
            if (t % 4 == 0) {
                m = 1 + rnd.nextInt(64); // the recurrent-step shapes
            }
            check(rnd, rnd.nextBoolean(), rnd.nextBoolean(), m, n, k, ALPHAS[t % 2], BETAS[t % 3], rnd.nextBoolean());
        }
    }

    @Test
    void largeKCrossesTheKBlocks() {
        Random rnd = new Random(4);
        check(rnd, false, false, 19, 41, 1100, 1f, 0.25f, true);
        check(rnd, true, true, 9, 70, 700, -0.5f, 0f, false);
        check(rnd, false, true, 1, 50, 900, 1f, 1f, true);
        check(rnd, true, false, 40, 1, 900, 1f, 0f, true);
        // One deep K block (k = 1000 <= the one-pass depth on 512-bit hosts): fewer rows per A block
        // and fewer columns per B block than MC and NC, so several of each.
        check(rnd, false, false, 150, 1100, 1000, 1f, 0.25f, false);
        check(rnd, true, false, 150, 1100, 1000, -0.5f, 0f, false);
    }

    @Test
    void degenerateShapesAndZeroAlpha() {
        Random rnd = new Random(5);
        for (int op = 0; op < 4; op++) {
            boolean ta = (op & 1) != 0, tb = (op & 2) != 0;
            check(rnd, ta, tb, 0, 5, 3, 1f, 0f, true);
            check(rnd, ta, tb, 5, 0, 3, 1f, 0f, true);
            check(rnd, ta, tb, 5, 4, 0, 1f, 0.25f, true); // C = β·C
            check(rnd, ta, tb, 5, 4, 0, 1f, 0f, true);    // C = 0, NaN ignored
        }
        // α = 0: A and B are not read (NaN there must not leak), C = β·C.
        float[] a = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        float[] c = {1f, 2f, 3f, 4f};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, c);
    }

    @Test
    void betaZeroIgnoresNaNEverywhere() {
        Random rnd = new Random(6);
        for (int[] sh : new int[][] {{1, 40, 7}, {40, 1, 7}, {20, 37, 9}, {64, 256, 64}}) {
            View a = new View(rnd, sh[0], sh[2], false);
            View b = new View(rnd, sh[2], sh[1], false);
            float[] c = new float[sh[0] * sh[1]];
            java.util.Arrays.fill(c, Float.NaN);
            Gemm.sgemm(false, false, sh[0], sh[1], sh[2], 1f, a.data, 0, a.ld, b.data, 0, b.ld, 0f, c, 0, sh[1]);
            for (float v : c) {
                assertTrue(Float.isFinite(v), "NaN leaked for shape " + java.util.Arrays.toString(sh));
            }
        }
    }

    @Test
    void packedEqualsUnpacked() {
        Random rnd = new Random(7);
        int[][] shapes = {{32, 256, 256}, {5, 33, 17}, {64, 100, 300}, {70, 130, 45}, {1, 64, 64}, {2, 2, 2}};
        for (int[] sh : shapes) {
            int m = sh[0], k = sh[1], n = sh[2];
            for (int op = 0; op < 4; op++) {
                boolean ta = (op & 1) != 0, tb = (op & 2) != 0;
                View a = ta ? new View(rnd, k, m, true) : new View(rnd, m, k, true);
                View b = tb ? new View(rnd, n, k, true) : new View(rnd, k, n, true);
                PackedMatrix pb = PackedMatrix.pack(tb, k, n, b.data, b.off, b.ld);
                assertEquals(k, pb.rows());
                assertEquals(n, pb.cols());
                for (float beta : BETAS) {
                    View c1 = new View(rnd, m, n, true);
                    View c2 = c1.copy();
                    float[] before = c1.data.clone();
                    double[][] ref = reference(ta, tb, m, n, k, -0.5f, a, b, beta, c1);
                    Gemm.sgemm(ta, tb, m, n, k, -0.5f, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, c1.data, c1.off, c1.ld);
                    Gemm.sgemm(ta, m, -0.5f, a.data, a.off, a.ld, pb, beta, c2.data, c2.off, c2.ld);
                    verify(ref, c2, before, k, () -> "packed " + java.util.Arrays.toString(sh) + " ta=" + ta + " tb=" + tb);
                    if (m > 1 && n > 1) { // m = 1 or n = 1 unpacked runs the GEMV, another summation order
                        assertArrayEquals(c1.data, c2.data, "packed vs unpacked " + java.util.Arrays.toString(sh));
                    }
                }
                // Repack new values in place: same result as packing them afresh.
                View b2 = tb ? new View(rnd, n, k, false) : new View(rnd, k, n, false);
                pb.repack(b2.data, b2.off, b2.ld);
                PackedMatrix fresh = PackedMatrix.pack(tb, k, n, b2.data, b2.off, b2.ld);
                assertArrayEquals(fresh.data, pb.data);
                assertArrayEquals(fresh.rowPanels, pb.rowPanels);
            }
        }
    }

    @Test
    void aPackedMatrixHoldsOnlyItsEnginesForm() {
        // One packed copy of a weight, not two: the SIMD engine's panel array or the plain engine's
        // row arrays, whichever engine runs; repacking keeps the same arrays.
        Random rnd = new Random(5);
        for (boolean tb : new boolean[] {false, true}) {
            View b = tb ? new View(rnd, 200, 300, false) : new View(rnd, 300, 200, false);
            PackedMatrix pb = PackedMatrix.pack(tb, 300, 200, b.data, b.off, b.ld);
            Object form = Vectorization.simdActive() ? pb.data : pb.rowPanels;
            assertTrue(form != null, "the engine's own form");
            assertTrue((pb.data == null) != (pb.rowPanels == null), "exactly one form");
            pb.repack(b.data, b.off, b.ld);
            assertTrue(form == (Vectorization.simdActive() ? pb.data : pb.rowPanels), "repacked in place");
        }
    }

    @Test
    void aColumnHasTheSameBitsWhateverPanelComputesIt() {
        // The narrow last panel of n = NR + 8 runs in the wide kernel (with 32 vector registers), the
        // same columns of a wider product in the ordinary one; rows 0..7 a full row panel, the rest
        // ragged ones. Every column's sums must not depend on which kernel computed it.
        Random rnd = new Random(11);
        int nr = Gemm.ENGINE.nr();
        for (int k : new int[] {37, 300, 700}) {
            for (int m : new int[] {8, 13, 20}) {
                int narrowN = nr + 8, wideN = 2 * nr;
                View a = new View(rnd, m, k, false);
                View b = new View(rnd, k, wideN, false);
                float[] bNarrow = new float[k * narrowN];
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b.data, p * wideN, bNarrow, p * narrowN, narrowN);
                }
                float[] cWide = new float[m * wideN], cNarrow = new float[m * narrowN];
                Gemm.sgemm(false, false, m, wideN, k, 1f, a.data, 0, k, b.data, 0, wideN, 0f, cWide, 0, wideN);
                Gemm.sgemm(false, false, m, narrowN, k, 1f, a.data, 0, k, bNarrow, 0, narrowN, 0f, cNarrow, 0, narrowN);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < narrowN; j++) {
                        assertEquals(Float.floatToRawIntBits(cWide[i * wideN + j]), Float.floatToRawIntBits(cNarrow[i * narrowN + j]),
                                "m=" + m + " k=" + k + " C[" + i + "," + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void aStoredTransposedGivesTheSameBitsAsAStoredByRows() {
        // op(A) = Aᵀ is read in place by the SIMD engine (a stride of lda between k steps instead of
        // a packed copy), a row-major A is packed or read by rows: every element must sum the same.
        // Full and ragged row panels (m = 13, 20), two M blocks (300), a narrow last column panel
        // (NR + 8) and a ragged one, one and several K blocks, A inside a larger array.
        Random rnd = new Random(12);
        int nr = Gemm.ENGINE.nr();
        for (int k : new int[] {37, 300, 700}) {
            for (int m : new int[] {8, 13, 20, 300}) {
                for (int n : new int[] {nr + 8, 2 * nr + 3}) {
                    View a = new View(rnd, m, k, false);
                    int ldt = m + 5, offT = 3;
                    float[] at = new float[offT + k * ldt];
                    java.util.Arrays.fill(at, Float.NaN); // outside the view: must never be read
                    for (int i = 0; i < m; i++) {
                        for (int p = 0; p < k; p++) {
                            at[offT + p * ldt + i] = a.get(i, p);
                        }
                    }
                    View b = new View(rnd, k, n, false);
                    float[] cRows = new float[m * n], cT = new float[m * n];
                    Gemm.sgemm(false, false, m, n, k, 1f, a.data, 0, k, b.data, 0, n, 0f, cRows, 0, n);
                    Gemm.sgemm(true, false, m, n, k, 1f, at, offT, ldt, b.data, 0, n, 0f, cT, 0, n);
                    for (int i = 0; i < m * n; i++) {
                        if (Float.floatToRawIntBits(cRows[i]) != Float.floatToRawIntBits(cT[i])) {
                            fail("m=" + m + " n=" + n + " k=" + k + " C[" + i / n + "," + i % n + "] = "
                                    + cT[i] + " with A transposed, " + cRows[i] + " by rows");
                        }
                    }
                }
            }
        }
    }

    @Test
    void multiThreadedEqualsSingleThreadBitForBit() {
        Random rnd = new Random(8);
        int[][] shapes = {{300, 200, 150}, {40, 120, 700}, {700, 100, 60}, {128, 128, 128}, {9, 300, 1000}, {257, 64, 257}, {1100, 64, 80}, {40, 64, 2100}}; // last two: more parts than threads
        for (int threads : new int[] {2, 3}) {
            for (int[] sh : shapes) {
                int m = sh[0], k = sh[1], n = sh[2];
                for (int op = 0; op < 4; op++) {
                    boolean ta = (op & 1) != 0, tb = (op & 2) != 0;
                    View a = ta ? new View(rnd, k, m, true) : new View(rnd, m, k, true);
                    View b = tb ? new View(rnd, n, k, true) : new View(rnd, k, n, true);
                    View c = new View(rnd, m, n, true);
                    float beta = BETAS[op % 3];
                    float[] one = c.data.clone();
                    float[] many = c.data.clone();
                    float[] packedMany = c.data.clone();
                    Gemm.setThreads(1);
                    Gemm.sgemm(ta, tb, m, n, k, 1f, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, one, c.off, c.ld);
                    Gemm.setThreads(threads);
                    assertEquals(threads, Gemm.threads());
                    Gemm.sgemm(ta, tb, m, n, k, 1f, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, many, c.off, c.ld);
                    PackedMatrix pb = PackedMatrix.pack(tb, k, n, b.data, b.off, b.ld);
                    Gemm.sgemm(ta, m, 1f, a.data, a.off, a.ld, pb, beta, packedMany, c.off, c.ld);
                    String what = threads + " threads " + java.util.Arrays.toString(sh) + " op " + op;
                    assertArrayEquals(one, many, what);
                    assertArrayEquals(one, packedMany, what + " packed");
                }
            }
        }
    }

    @Test
    void argumentErrorsThrowBeforeWriting() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        java.util.Arrays.fill(c, 3f);
        Runnable[] bad = {
            () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2),
            () -> Gemm.sgemm(false, false, 2, -1, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2),
            () -> Gemm.sgemm(false, false, 2, 2, -3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2),
            () -> Gemm.sgemm(false, false, 2, 3, 4, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3),   // lda < k
            () -> Gemm.sgemm(true, false, 3, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2),    // lda < m (transA)
            () -> Gemm.sgemm(false, true, 2, 3, 2, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 3),    // ldb < k (transB)
            () -> Gemm.sgemm(false, false, 2, 3, 2, 1f, a, 0, 2, b, 0, 3, 0f, c, 0, 2),   // ldc < n
            () -> Gemm.sgemm(false, false, 3, 3, 3, 1f, a, 4, 3, b, 0, 3, 0f, c, 0, 3),   // A past its end
            () -> Gemm.sgemm(false, false, 3, 3, 3, 1f, a, 0, 3, b, 0, 5, 0f, c, 0, 3),   // B past its end
            () -> Gemm.sgemm(false, false, 3, 3, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 4, 3),   // C past its end
            () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, a, -1, 2, b, 0, 2, 0f, c, 0, 2),  // negative offset
            () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, null, 0, 2, b, 0, 2, 0f, c, 0, 2),
            () -> Gemm.sgemm(false, 2, 1f, a, 0, 2, null, 0f, c, 0, 2),
            () -> Gemm.sgemm(false, 7, 1f, a, 0, 2, PackedMatrix.pack(false, 2, 2, b, 0, 2), 0f, c, 0, 2),
            () -> PackedMatrix.pack(false, 4, 4, b, 0, 4),
            () -> PackedMatrix.pack(true, -1, 4, b, 0, 4),
            () -> Gemm.setThreads(0),
        };
        for (int t = 0; t < bad.length; t++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad[t]::run, "case " + t);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            for (float v : c) {
                assertEquals(3f, v, "C written before the argument error: " + e.getMessage());
            }
        }
    }

    @Test
    void describesItsEngine() {
        String d = Gemm.describe();
        boolean simd = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"false".equals(System.getProperty("vecrnn.simd"));
        assertEquals(simd, !d.startsWith("plain"), d);
        String bits = System.getProperty("vecrnn.vectorBits");
        if (simd && bits != null) {
            assertTrue(d.contains("S_" + bits + "_BIT"), d);
        }
    }
}
