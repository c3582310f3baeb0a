package dev.vecrnn.nn;

import dev.vecrnn.kernel.Gemm;

/**
 * Row-vector × matrix products (m = 1) for the streaming steppers and the recurrent steps of a batch
 * of one or two. They go through {@link Gemm#sgemm} with m = 1, which the SGEMM kernel serves with its
 * GEMV path (no packing): measured on the merged fast Gemm, R1 fell from 12.8 to 7.1 µs (p50) and E1
 * training roughly doubled against one {@code Blas.axpy} per row of W (hundreds of facade calls per
 * product).
 */
final class MatVec {
    private MatVec() {}

    /** y[0:n) += x[0:k) · W, with W k × n row-major at wOff (leading dimension ldw). */
    static void addRowTimes(int k, int n, float[] x, int xOff, float[] w, int wOff, int ldw, float[] y, int yOff) {
        Gemm.sgemm(false, false, 1, n, k, 1f, x, xOff, k, w, wOff, ldw, 1f, y, yOff, n);
    }

    /** y[0:n) += x[0:k) · Wᵀ, with W n × k row-major at wOff (leading dimension ldw). */
    static void addRowTimesTransposed(int k, int n, float[] x, int xOff, float[] w, int wOff, int ldw, float[] y, int yOff) {
        Gemm.sgemm(false, true, 1, n, k, 1f, x, xOff, k, w, wOff, ldw, 1f, y, yOff, n);
    }

    /** Index of the largest of x[off .. off+n) (the first on ties; NaN never wins). */
    static int argmax(float[] x, int off, int n) {
        int best = 0;
        float bv = x[off];
        for (int j = 1; j < n; j++) {
            float v = x[off + j];
            if (v > bv || bv != bv) {
                bv = v;
                best = j;
            }
        }
        return best;
    }
}
