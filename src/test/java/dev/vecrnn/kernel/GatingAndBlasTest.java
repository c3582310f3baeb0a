package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SCRN gating and the level-1 kernels against plain double loops, over every tail length. */
class GatingAndBlasTest {
    private static float[] rand(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @Test
    void gateAndBackward() {
        Random rnd = new Random(4);
        for (int cols = 0; cols <= 70; cols++) {
            int rows = 3, ld = cols + 3;
            float[] r = new float[cols + 1];
            for (int j = 0; j < cols; j++) {
                r[1 + j] = rnd.nextFloat();
            }
            float[] a = rand(rnd, 2 + rows * ld), b = rand(rnd, 1 + rows * ld), g = rand(rnd, rows * ld);
            float[] out = new float[rows * ld + 1];
            java.util.Arrays.fill(out, Reference.GUARD);
            Gating.gate(rows, cols, r, 1, a, 2, ld, b, 1, ld, out, 1, ld);
            float[] da = new float[rows * ld], db = new float[rows * ld];
            float[] dr = rand(rnd, cols + 2);
            float[] dr0 = dr.clone();
            Gating.gateBackward(rows, cols, r, 1, a, 2, ld, b, 1, ld, g, 0, ld, da, 0, ld, db, 0, ld, dr, 2);
            for (int j = 0; j < cols; j++) {
                double drWant = dr0[2 + j];
                for (int i = 0; i < rows; i++) {
                    double rj = r[1 + j], av = a[2 + i * ld + j], bv = b[1 + i * ld + j], gv = g[i * ld + j];
                    assertEquals(rj * av + (1 - rj) * bv, out[1 + i * ld + j], 1e-5);
                    assertEquals(gv * rj, da[i * ld + j], 1e-6);
                    assertEquals(gv * (1 - rj), db[i * ld + j], 1e-6);
                    drWant += gv * (av - bv);
                }
                assertEquals(drWant, dr[2 + j], 1e-5);
            }
            assertEquals(dr0[0], dr[0]);
            assertEquals(dr0[1], dr[1]);
            for (int i = 0; i < rows; i++) {
                for (int j = cols; j < ld && 1 + i * ld + j < out.length; j++) {
                    assertEquals(Reference.GUARD, out[1 + i * ld + j], "gate wrote outside its rows");
                }
            }
        }
    }

    @Test
    void level1Kernels() {
        Random rnd = new Random(5);
        for (int n = 0; n <= 70; n++) {
            float[] x = rand(rnd, n + 1), y = rand(rnd, n + 2);
            float[] y0 = y.clone();
            Blas.axpy(n, -0.75f, x, 1, y, 2);
            double dot = 0, ss = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(y0[2 + i] - 0.75 * x[1 + i], y[2 + i], 1e-6);
                dot += (double) x[1 + i] * y[2 + i];
                ss += (double) x[1 + i] * x[1 + i];
            }
            assertEquals(y0[0], y[0]);
            assertEquals(y0[1], y[1]);
            assertEquals(dot, Blas.dot(n, x, 1, y, 2), 1e-5 * (1 + n));
            assertEquals(ss, Blas.sumOfSquares(x, 1, n), 1e-5 * (1 + n));
            float[] s = x.clone();
            Blas.scale(n, 3f, s, 1);
            for (int i = 0; i < n; i++) {
                assertEquals(3.0 * x[1 + i], s[1 + i], 1e-6);
            }
            assertEquals(x[0], s[0]);
        }
    }

    @Test
    void sumRowsEqualsCopyThenAxpyBitForBit() {
        Random rnd = new Random(17);
        for (int n = 0; n <= 70; n++) {
            for (int count = 0; count <= 8; count++) {
                float[] src = rand(rnd, 10 * (n + 3));
                int[] offsets = new int[count + 1];
                for (int j = 0; j < count; j++) {
                    offsets[j] = rnd.nextInt(src.length - n + 1);
                }
                float[] dst = rand(rnd, n + 4);
                float[] expected = dst.clone();
                if (count == 0) {
                    java.util.Arrays.fill(expected, 2, 2 + n, 0f);
                } else {
                    System.arraycopy(src, offsets[0], expected, 2, n);
                    for (int j = 1; j < count; j++) {
                        for (int i = 0; i < n; i++) {
                            expected[2 + i] += src[offsets[j] + i];
                        }
                    }
                }
                Blas.sumRows(n, src, offsets, count, dst, 2);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, dst, "n " + n + ", count " + count);
            }
        }
        float[] src = new float[10];
        float[] dst = new float[4];
        assertThrows(IllegalArgumentException.class, () -> Blas.sumRows(4, src, new int[] {0, 7}, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> Blas.sumRows(4, src, new int[] {0}, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> Blas.sumRows(4, src, new int[] {0, -1}, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> Blas.sumRows(4, src, new int[] {0}, 1, dst, 1));
        assertThrows(IllegalArgumentException.class, () -> Blas.sumRows(-1, src, new int[] {0}, 1, dst, 0));
    }

    @Test
    void rowAndColumnKernels() {
        Random rnd = new Random(6);
        for (int cols = 0; cols <= 40; cols++) {
            int rows = 4, ld = cols + 2;
            float[] m = rand(rnd, 1 + rows * ld), v = rand(rnd, cols);
            float[] m0 = m.clone();
            Blas.addRowVector(rows, cols, v, 0, m, 1, ld);
            float[] sums = rand(rnd, cols + 1), sums0 = sums.clone();
            Blas.addColumnSums(rows, cols, m, 1, ld, sums, 1);
            for (int j = 0; j < cols; j++) {
                double want = sums0[1 + j];
                for (int i = 0; i < rows; i++) {
                    assertEquals(m0[1 + i * ld + j] + (double) v[j], m[1 + i * ld + j], 1e-6);
                    want += m[1 + i * ld + j];
                }
                assertEquals(want, sums[1 + j], 1e-5);
            }
            Blas.normalizeRows(rows, cols, m, 1, ld);
            for (int i = 0; i < rows && cols > 0; i++) {
                double norm = 0;
                for (int j = 0; j < cols; j++) {
                    norm += (double) m[1 + i * ld + j] * m[1 + i * ld + j];
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-6);
            }
        }
        float[] zero = new float[6];
        Blas.normalizeRows(2, 3, zero, 0, 3);
        assertEquals(0f, zero[0], "an all-zero row stays zero");
    }

    @Test
    void rowAndColumnKernelsSumInThePlainOrderInsideExactlySizedArrays() {
        // The vector kernels handle a row's tail as its last L columns (loads stay inside the row, so
        // inside an array that ends with the last row): the same bits as the plain loops, nothing
        // written between the rows, every width up to past four vectors of 16 lanes.
        Random rnd = new Random(7);
        for (int cols = 1; cols <= 100; cols++) {
            for (int rows : new int[] {1, 5}) {
                for (int gap : new int[] {0, 3}) {
                    int ld = cols + gap, off = 2;
                    float[] m = rand(rnd, off + (rows - 1) * ld + cols), v = rand(rnd, cols);
                    float[] want = m.clone();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            want[off + i * ld + j] += v[j];
                        }
                    }
                    Blas.addRowVector(rows, cols, v, 0, m, off, ld);
                    assertArrayEquals(want, m, "addRowVector cols=" + cols + " rows=" + rows + " ld=" + ld);
                    float[] sums = rand(rnd, cols), wantSums = sums.clone();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            wantSums[j] += m[off + i * ld + j];
                        }
                    }
                    Blas.addColumnSums(rows, cols, m, off, ld, sums, 0);
                    assertArrayEquals(wantSums, sums, "addColumnSums cols=" + cols + " rows=" + rows + " ld=" + ld);
                }
            }
        }
        // −0.0 everywhere stays −0.0 (a lane touched twice by adding +0.0 would turn it into +0.0)
        for (int cols : new int[] {3, 19, 27, 45}) {
            float[] m = new float[5 * cols], v = new float[cols], sums = new float[cols];
            java.util.Arrays.fill(m, -0f);
            java.util.Arrays.fill(v, -0f);
            java.util.Arrays.fill(sums, -0f);
            float[] negZeros = m.clone();
            Blas.addRowVector(5, cols, v, 0, m, 0, cols);
            assertArrayEquals(negZeros, m, "addRowVector of −0.0, cols=" + cols);
            Blas.addColumnSums(5, cols, m, 0, cols, sums, 0);
            assertArrayEquals(new float[cols], sums, 0f, "values");
            for (float x : sums) {
                assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(x), "addColumnSums of −0.0, cols=" + cols);
            }
        }
    }

    @Test
    void clipByGlobalNorm() {
        float[] a = {3f, 0f}, b = {0f, 4f, 0f};
        double norm = Blas.clipByGlobalNorm(1f, a, b);
        assertEquals(5.0, norm, 1e-6);
        assertEquals(0.6f, a[0], 1e-6f);
        assertEquals(0.8f, b[1], 1e-6f);
        double again = Blas.clipByGlobalNorm(2f, a, b);
        assertEquals(1.0, again, 1e-6);
        assertEquals(0.6f, a[0], 1e-6f, "no scaling under the limit");
        assertThrows(IllegalArgumentException.class, () -> Blas.clipByGlobalNorm(0f, a));
    }

    @Test
    void sumOfSquaresAccumulatesInDouble() {
        // 1e7 ones sum to exactly 1e7 in both providers.
        float[] ones = new float[10_000_000];
        java.util.Arrays.fill(ones, 1f);
        assertEquals(1e7, Blas.sumOfSquares(ones, 0, ones.length), 0.0);
        assertEquals(1e7, new PlainKernelProvider().sumOfSquares(ones, 0, ones.length), 0.0);
        // 1 and 2^20 − 1 squares of 2^-26: each is below half a float ulp of 1, so a float running
        // sum would drop them all; in double every one counts (plain), and in blocks of 512 summed
        // in float only those sharing the 1's lane are lost (SIMD).
        float[] mixed = new float[1 << 20];
        java.util.Arrays.fill(mixed, 0x1p-13f);
        mixed[0] = 1f;
        double want = 1.0 + ((1 << 20) - 1) * 0x1p-26;
        assertEquals(want, new PlainKernelProvider().sumOfSquares(mixed, 0, mixed.length), 0.0);
        assertEquals(want, Blas.sumOfSquares(mixed, 0, mixed.length), 1e-6 * want);
        // Finite floats whose squares overflow float still give a finite double sum, alone and in a
        // vector block among small ones.
        float[] big = {Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f};
        double m = Float.MAX_VALUE;
        assertEquals(2 * m * m + 1e60, Blas.sumOfSquares(big, 0, 3), 1e-12 * m * m);
        float[] blockWithBig = new float[2000];
        java.util.Arrays.fill(blockWithBig, 0.5f);
        blockWithBig[700] = 1e30f;
        double b = 1e30f;
        assertEquals(b * b + 1999 * 0.25, Blas.sumOfSquares(blockWithBig, 0, 2000), 1e-12 * b * b);
    }

    /**
     * The active provider against the plain definition (exact squares summed in double): the SIMD
     * one sums blocks of up to 512 squares in float, so they agree to a relative 1e-6; and each
     * returns the same bits on every call, before and after the JIT has compiled it.
     */
    @Test
    void sumOfSquaresMatchesPlainAndIsDeterministic() {
        KernelProvider plain = new PlainKernelProvider();
        Random rnd = new Random(21);
        float[] x = rand(rnd, 1010);
        for (int n : new int[] {0, 1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 70, 511, 512, 513, 999}) {
            for (int off : new int[] {0, 1, 7}) {
                double p = plain.sumOfSquares(x, off, n);
                double s = Blas.sumOfSquares(x, off, n);
                assertEquals(p, s, 1e-6 * p, "n=" + n + " off=" + off);
            }
        }
        double cold = Blas.sumOfSquares(x, 3, 997);
        double coldPlain = plain.sumOfSquares(x, 3, 997);
        for (int it = 0; it < 20_000; it++) { // enough calls for C2 to compile the loops
            Blas.sumOfSquares(x, 3, 997);
            plain.sumOfSquares(x, 3, 997);
        }
        assertEquals(Double.doubleToRawLongBits(cold), Double.doubleToRawLongBits(Blas.sumOfSquares(x, 3, 997)));
        assertEquals(Double.doubleToRawLongBits(coldPlain), Double.doubleToRawLongBits(plain.sumOfSquares(x, 3, 997)));
    }

    @Test
    void clipByGlobalNormLeavesNonFiniteGradientsAlone() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int len : new int[] {1, 5, 40}) { // the bad value in the vector body and in the tail
                float[] a = new float[len], b = {30f, -40f};
                for (int i = 0; i < len; i++) {
                    a[i] = 10f + i;
                }
                a[len - 1] = bad;
                float[] a0 = a.clone(), b0 = b.clone();
                double norm = Blas.clipByGlobalNorm(1f, a, b);
                if (Float.isNaN(bad)) {
                    assertTrue(Double.isNaN(norm), "NaN gradient: norm " + norm);
                } else {
                    assertEquals(Double.POSITIVE_INFINITY, norm, "infinite gradient");
                }
                assertArrayEquals(a0, a, "nothing scaled");
                assertArrayEquals(b0, b, "nothing scaled");
                assertEquals(norm, Blas.globalNorm(a, b));
            }
        }
        float[] both = {Float.POSITIVE_INFINITY, Float.NaN};
        assertTrue(Double.isNaN(Blas.clipByGlobalNorm(1f, both)), "NaN wins over Inf");
        assertThrows(IllegalArgumentException.class, () -> Blas.globalNorm(new float[1], null));
    }
}
