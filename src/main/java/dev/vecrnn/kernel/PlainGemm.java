package dev.vecrnn.kernel;

/**
 * The plain-Java GEMM: the fallback when the Vector API is absent, and the readable definition of
 * what the SIMD engine computes. Same blocking as the SIMD engine — K blocks of {@link #KC}, column
 * blocks of {@link #NC}, op(B) packed into panels of {@link #NR} columns so every transpose case
 * becomes the same contiguous inner loop — but the micro-kernel is one row of C times one panel,
 * a loop that C2's auto-vectoriser turns into SIMD on its own. Separate multiply and add, not
 * {@code Math.fma}: on a CPU without FMA the latter falls back to a very slow exact software path.
 */
final class PlainGemm implements GemmEngine {
    /** Panel width: a 64-float accumulator row stays in L1 next to the panel. */
    static final int NR = 64;
    /** K block: a 128 × 64 panel is 32 KB, the size of L1d. */
    static final int KC = 128;
    /** Column block packed at a time (bounds the scratch to KC × NC floats = 512 KB, half of L2). */
    static final int NC = 1024;

    private static final ThreadLocal<GemmWorkspace> WS = ThreadLocal.withInitial(GemmWorkspace::new);

    @Override
    public String describe() {
        return "plain Java, kc " + KC + ", nr " + NR;
    }

    @Override
    public int mr() {
        return 1;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int kc() {
        return KC;
    }

    @Override
    public void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kb, int j0, int nc,
                      float[] dst, int dOff) {
        PackedMatrix.packB(trans, b, bOff, ldb, p0, kb, j0, nc, NR, dst, dOff);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = WS.get();
        ws.b = GemmWorkspace.grow(ws.b, KC * NC);
        ws.tile = GemmWorkspace.grow(ws.tile, NR);
        float[] bp = ws.b;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kb = Math.min(KC, k - p0);
                PackedMatrix.packB(transB, b, bOff, ldb, p0, kb, jc, nc, NR, bp, 0);
                block(transA, m, nc, kb, p0, alpha, a, aOff, lda, bp, 0, p0 == 0 ? beta : 1f,
                        c, cOff + jc, ldc, ws.tile);
            }
        }
    }

    @Override
    public void gemmPacked(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                           PackedMatrix b, int j0, float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = WS.get();
        ws.tile = GemmWorkspace.grow(ws.tile, NR);
        int k = b.rows();
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kb = Math.min(KC, k - p0);
            block(transA, m, n, kb, p0, alpha, a, aOff, lda, b.data, b.panel(p0, j0), p0 == 0 ? beta : 1f,
                    c, cOff, ldc, ws.tile);
        }
    }

    /** C[:, 0..nc) = α·op(A)[:, p0..p0+kb)·(packed panels at bp[bIdx..]) + β·C. */
    private static void block(boolean transA, int m, int nc, int kb, int p0, float alpha,
                              float[] a, int aOff, int lda, float[] bp, int bIdx, float beta,
                              float[] c, int cOff, int ldc, float[] acc) {
        for (int q = 0; q < nc; q += NR) {
            int w = Math.min(NR, nc - q);
            int panel = bIdx + q * kb;
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(acc, 0, NR, 0f);
                int ai = transA ? aOff + p0 * lda + i : aOff + i * lda + p0;
                int as = transA ? lda : 1;
                for (int p = 0; p < kb; p++) {
                    float av = a[ai + p * as];
                    int bi = panel + p * NR;
                    for (int j = 0; j < NR; j++) {
                        acc[j] += av * bp[bi + j];
                    }
                }
                int ci = cOff + i * ldc + q;
                store(acc, w, alpha, beta, c, ci);
            }
        }
    }

    /** c[ci + j] = α·acc[j] + β·c[ci + j]; with β = 0 the old value (NaN included) is not read. */
    static void store(float[] acc, int w, float alpha, float beta, float[] c, int ci) {
        if (beta == 0f) {
            for (int j = 0; j < w; j++) {
                c[ci + j] = alpha * acc[j];
            }
        } else {
            for (int j = 0; j < w; j++) {
                c[ci + j] = alpha * acc[j] + beta * c[ci + j];
            }
        }
    }

    @Override
    public void gemv(boolean trans, int rows, int cols, float alpha, float[] mat, int mOff, int ldm,
                     float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
        if (!trans) {
            // y[i] = Σ_p M[i][p]·x[p]: one dot product per row.
            for (int i = 0; i < rows; i++) {
                int r = mOff + i * ldm;
                float s = 0f;
                for (int p = 0; p < cols; p++) {
                    s += mat[r + p] * x[xOff + p * incx];
                }
                int yi = yOff + i * incy;
                y[yi] = beta == 0f ? alpha * s : alpha * s + beta * y[yi];
            }
        } else {
            // y[j] = Σ_p x[p]·M[p][j]: axpy of each row of M into an accumulator row.
            GemmWorkspace ws = WS.get();
            ws.y = GemmWorkspace.grow(ws.y, cols);
            float[] acc = ws.y;
            java.util.Arrays.fill(acc, 0, cols, 0f);
            for (int p = 0; p < rows; p++) {
                float xv = x[xOff + p * incx];
                int r = mOff + p * ldm;
                for (int j = 0; j < cols; j++) {
                    acc[j] += xv * mat[r + j];
                }
            }
            for (int j = 0; j < cols; j++) {
                int yi = yOff + j * incy;
                y[yi] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * y[yi];
            }
        }
    }
}
