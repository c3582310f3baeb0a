package dev.vecrnn.kernel;

/**
 * Single-precision matrix multiply, row-major: C = α·op(A)·op(B) + β·C, with op(A) m × k and
 * op(B) k × n, op ∈ {none, transpose}, explicit leading dimensions (any sub-block of a larger array
 * can be passed). With β = 0 whatever C held, NaN included, is ignored.
 *
 * <p>(Foundation placeholder implementation: a plain triple loop; the SGEMM issue replaces the
 * internals with the packed, cache-blocked kernel behind this same signature.)
 */
public final class Gemm {
    private Gemm() {}

    /**
     * C = α·op(A)·op(B) + β·C.
     *
     * @param transA A is stored k × m (lda ≥ m) and used transposed; else m × k (lda ≥ k)
     * @param transB B is stored n × k (ldb ≥ k) and used transposed; else k × n (ldb ≥ n)
     * @throws IllegalArgumentException for a negative size, a leading dimension smaller than its row,
     *                                  or a view that runs past its array; nothing is written then
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Checks.size("m", m);
        Checks.size("n", n);
        Checks.size("k", k);
        if (transA) {
            Checks.matrix("A", a, aOff, k, m, lda);
        } else {
            Checks.matrix("A", a, aOff, m, k, lda);
        }
        if (transB) {
            Checks.matrix("B", b, bOff, n, k, ldb);
        } else {
            Checks.matrix("B", b, bOff, k, n, ldb);
        }
        Checks.matrix("C", c, cOff, m, n, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s = Math.fma(av, bv, s);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }
}
