package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;

/**
 * Row-vector × matrix products for one row (m = 1), built on the {@link Blas} facade. A GEMM with
 * m = 1 has nothing to reuse a packed panel for, so the streaming steppers and the batch-of-one
 * recurrent steps use these instead: one axpy per row of W (y += x[p]·W[p, :]), or one dot per row of
 * W for the transposed product. (A dedicated gemv kernel would save the per-call overhead.)
 */
final class MatVec {
    private MatVec() {}

    /** y[0:n) += x[0:k) · W, with W k × n row-major at wOff (leading dimension ldw). */
    static void addRowTimes(int k, int n, float[] x, int xOff, float[] w, int wOff, int ldw, float[] y, int yOff) {
        for (int p = 0; p < k; p++) {
            Blas.axpy(n, x[xOff + p], w, wOff + p * ldw, y, yOff);
        }
    }

    /** y[0:n) += x[0:k) · Wᵀ, with W n × k row-major at wOff (leading dimension ldw). */
    static void addRowTimesTransposed(int k, int n, float[] x, int xOff, float[] w, int wOff, int ldw, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += Blas.dot(k, x, xOff, w, wOff + i * ldw);
        }
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
