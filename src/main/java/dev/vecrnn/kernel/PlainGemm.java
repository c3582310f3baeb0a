package dev.vecrnn.kernel;

/**
 * The plain-Java GEMM: the fallback when the Vector API is absent, and the readable definition of
 * what the SIMD engine computes. K is cut into blocks of {@link #KC}; for each block, op(B) is packed
 * one panel of {@link #NR} columns at a time, and every pair of rows of op(A) runs over the panel
 * with the row-axpy kernel
 * <pre>
 *   for p in K block step 4:   t[j] = t[j] + a[i][p]·b[p][j] + a[i][p+1]·b[p+1][j] + … + a[i][p+3]·b[p+3][j]
 * </pre>
 * for two rows i of C at once (each b[p][j] loaded once for both), then C = α·t + β·C.
 *
 * <p>The shape is chosen for C2's auto-vectoriser (SuperWord), which turns a counted loop over
 * float[] into SIMD only when it can prove that the stores do not overwrite an element a later
 * iteration loads. It cannot prove that for two arrays indexed with different unknown offsets
 * ({@code t[j]} and {@code b[off + j]}: the arrays might be the same), so the loop stays scalar
 * (measured: 4.6 GFLOPS). With every operand its own array indexed by j alone — each packed row
 * of B and each accumulator row is a separate {@code float[]} — any aliasing is at the same index,
 * which is harmless, and the loop is vectorised. Two rows and four k-steps per pass: one more row
 * or four more k-steps and SuperWord gave up on the loop (measured, JDK 25). The sum of each
 * element still runs p = 0, 1, … inside a block, and a row's arithmetic does not depend on whether
 * it ran in a pair, so results do not depend on m, n, the view or the thread split (see
 * {@link GemmEngine}). Separate multiply and add, not {@code Math.fma}: SuperWord keeps them
 * separate, and on a CPU without FMA the latter falls back to a very slow exact software path.
 *
 * <p>Block sizes come from the cache geometry ({@link GemmBlocking#plain}): a panel
 * row is as wide as lets the two accumulator rows and the four B rows of a pass share half of L1d
 * (at most 512 columns: 1024 was slower), and a KC × NR panel takes a quarter of L2, where it is
 * re-read by every pair of rows.
 */
final class PlainGemm implements GemmEngine {
    /** Rows of C per kernel pass. */
    static final int MR = 2;
    /** k-steps per kernel pass. */
    static final int KU = 4;
    /** Panel width and K block from this host's caches (see {@link GemmBlocking#plain}). */
    static final GemmBlocking BLOCKING = GemmBlocking.plain(HostCpu.THIS, MR, KU);
    /** Panel width: (MR + KU) rows of NR floats in half of L1d, a multiple of 64, in [64, 512]. */
    static final int NR = BLOCKING.nr();
    /** K block: a KC × NR panel in a quarter of L2, a multiple of KU, in [32, 512]. */
    static final int KC = BLOCKING.kc();

    /** Per-thread scratch: the packed panel, one float[] per row, and two accumulator rows. */
    private static final class Workspace {
        final float[][] rows = new float[KC][NR];
        final float[] t0 = new float[NR];
        final float[] t1 = new float[NR];
        final float[] u = new float[NR];
    }

    private static final ThreadLocal<Workspace> WS = ThreadLocal.withInitial(Workspace::new);

    @Override
    public String describe() {
        return "plain Java, row-axpy " + MR + "x" + NR + " (" + KU + " k-steps), kc " + KC;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public GemmBlocking blocking() {
        return BLOCKING;
    }

    @Override
    public int kc() {
        return KC;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WS.get();
        float[][] rows = ws.rows;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kb = Math.min(KC, k - p0);
            for (int q = 0; q < n; q += NR) {
                int w = Math.min(NR, n - q);
                copyPanel(transB, b, bOff, ldb, p0, kb, q, w, rows);
                panel(transA, m, w, kb, p0, alpha, a, aOff, lda, rows, p0 == 0 ? beta : 1f, c, cOff + q, ldc, ws);
            }
        }
    }

    @Override
    public void gemmPacked(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                           PackedMatrix b, int j0, float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WS.get();
        int k = b.rows();
        int panels = b.panels();
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kb = Math.min(KC, k - p0);
            for (int q = 0; q < n; q += NR) {
                int w = Math.min(NR, n - q);
                // The kernel needs each panel row in an array of its own (see the class comment):
                // made once by pack(), not at every call.
                float[][] rows = b.rowPanels[(p0 / KC) * panels + (j0 + q) / NR];
                panel(transA, m, w, kb, p0, alpha, a, aOff, lda, rows, p0 == 0 ? beta : 1f, c, cOff + q, ldc, ws);
            }
        }
    }

    /**
     * Rows [p0, p0+kb) × columns [q, q+w) of op(B) into rows[0..kb)[0..w): row p of the panel in
     * an array of its own (see the class comment).
     */
    private static void copyPanel(boolean trans, float[] b, int bOff, int ldb, int p0, int kb, int q, int w,
                                  float[][] rows) {
        if (!trans) {
            for (int p = 0, s = bOff + p0 * ldb + q; p < kb; p++, s += ldb) {
                System.arraycopy(b, s, rows[p], 0, w);
            }
        } else {
            // op(B)[p][j] = b[j·ldb + p]: each row written contiguously, its w reads from w source rows
            // whose cache lines serve the next 15 p too (as PackedMatrix.packB).
            int s0 = bOff + q * ldb + p0;
            for (int p = 0; p < kb; p++) {
                float[] row = rows[p];
                for (int j = 0, s = s0 + p; j < w; j++, s += ldb) {
                    row[j] = b[s];
                }
            }
        }
    }

    /**
     * This engine's packed form: every panel of every K block as arrays of one row each
     * ({@link PackedMatrix#rowPanels}, allocated the first time and refilled after), straight from B
     * — the products then copy nothing, which for a recurrent step of one row by a 200 × 200 weight
     * was most of the step. The panel array of the SIMD form is never made: with panels up to 512
     * wide it would hold a 200-column weight 2.5 times over.
     */
    @Override
    public void pack(PackedMatrix p, float[] b, int bOff, int ldb) {
        int k = p.rows(), n = p.cols(), panels = p.panels();
        int blocks = (k + KC - 1) / KC;
        if (p.rowPanels == null) {
            p.rowPanels = new float[blocks * panels][][];
            for (int bl = 0; bl < blocks; bl++) {
                int kb = Math.min(KC, k - bl * KC);
                for (int q = 0; q < panels; q++) {
                    p.rowPanels[bl * panels + q] = new float[kb][Math.min(NR, n - q * NR)];
                }
            }
        }
        for (int bl = 0; bl < blocks; bl++) {
            for (int q = 0; q < panels; q++) {
                float[][] rows = p.rowPanels[bl * panels + q];
                copyPanel(p.transposed(), b, bOff, ldb, bl * KC, rows.length, q * NR, rows[0].length, rows);
            }
        }
    }

    /** C[:, 0..w) = α·op(A)[:, p0..p0+kb)·rows[0..kb)[0..w) + β·C, two rows of C at a time. */
    private static void panel(boolean transA, int m, int w, int kb, int p0, float alpha,
                              float[] a, int aOff, int lda, float[][] rows, float beta,
                              float[] c, int cOff, int ldc, Workspace ws) {
        int as = transA ? lda : 1;  // from op(A)[i][p] to op(A)[i][p+1]
        int rs = transA ? 1 : lda;  // from op(A)[i][p] to op(A)[i+1][p]
        int a0 = aOff + p0 * as;
        float[] t0 = ws.t0;
        float[] t1 = ws.t1;
        int i = 0;
        for (; i + 1 < m; i += 2) {
            java.util.Arrays.fill(t0, 0, w, 0f);
            java.util.Arrays.fill(t1, 0, w, 0f);
            pair(w, kb, a, a0 + i * rs, a0 + (i + 1) * rs, as, rows, t0, t1);
            store(t0, w, alpha, beta, c, cOff + i * ldc, ws.u);
            store(t1, w, alpha, beta, c, cOff + (i + 1) * ldc, ws.u);
        }
        if (i < m) {
            java.util.Arrays.fill(t0, 0, w, 0f);
            single(w, kb, a, a0 + i * rs, as, rows, t0);
            store(t0, w, alpha, beta, c, cOff + i * ldc, ws.u);
        }
    }

    /**
     * t0[j] += Σ_p a[r0 + p·as]·rows[p][j], t1 likewise from r1, for j &lt; w and p &lt; kb, each sum
     * in the order p = 0, 1, …: the same arithmetic as two calls of {@link #single}.
     */
    private static void pair(int w, int kb, float[] a, int r0, int r1, int as, float[][] rows,
                             float[] t0, float[] t1) {
        int p = 0;
        for (; p + 3 < kb; p += 4) {
            int i0 = r0 + p * as, i1 = r1 + p * as;
            float a00 = a[i0], a01 = a[i0 + as], a02 = a[i0 + 2 * as], a03 = a[i0 + 3 * as];
            float a10 = a[i1], a11 = a[i1 + as], a12 = a[i1 + 2 * as], a13 = a[i1 + 3 * as];
            float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
            for (int j = 0; j < w; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j], x3 = b3[j];
                t0[j] = t0[j] + a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
                t1[j] = t1[j] + a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
            }
        }
        for (; p < kb; p++) {
            float a00 = a[r0 + p * as], a10 = a[r1 + p * as];
            float[] b0 = rows[p];
            for (int j = 0; j < w; j++) {
                float x0 = b0[j];
                t0[j] = t0[j] + a00 * x0;
                t1[j] = t1[j] + a10 * x0;
            }
        }
    }

    /** t[j] += Σ_p a[r + p·as]·rows[p][j] for j &lt; w, p &lt; kb, summed p = 0, 1, … in groups of four. */
    private static void single(int w, int kb, float[] a, int r, int as, float[][] rows, float[] t) {
        int p = 0;
        for (; p + 3 < kb; p += 4) {
            int i0 = r + p * as;
            float a0 = a[i0], a1 = a[i0 + as], a2 = a[i0 + 2 * as], a3 = a[i0 + 3 * as];
            float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
            for (int j = 0; j < w; j++) {
                t[j] = t[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
            }
        }
        for (; p < kb; p++) {
            float a0 = a[r + p * as];
            float[] b0 = rows[p];
            for (int j = 0; j < w; j++) {
                t[j] = t[j] + a0 * b0[j];
            }
        }
    }

    /**
     * c[ci + j] = α·t[j] + β·c[ci + j] for j &lt; w; with β = 0 the old value (NaN included) is not
     * read. The row of C goes through u so that every array in the loop is indexed by j alone
     * (vectorised, see the class comment); t is overwritten.
     */
    static void store(float[] t, int w, float alpha, float beta, float[] c, int ci, float[] u) {
        if (beta == 0f) {
            for (int j = 0; j < w; j++) {
                t[j] = alpha * t[j];
            }
        } else {
            System.arraycopy(c, ci, u, 0, w);
            for (int j = 0; j < w; j++) {
                t[j] = alpha * t[j] + beta * u[j];
            }
        }
        System.arraycopy(t, 0, c, ci, w);
    }

    @Override
    public void gemv(boolean trans, int rows, int cols, float alpha, float[] mat, int mOff, int ldm,
                     float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
        if (!trans) {
            // y[i] = Σ_p M[i][p]·x[p]: one dot product per row, four rows at a time (four
            // independent chains; each row still summed p = 0, 1, …).
            int i = 0;
            for (; i + 3 < rows; i += 4) {
                int r0 = mOff + i * ldm, r1 = r0 + ldm, r2 = r1 + ldm, r3 = r2 + ldm;
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                for (int p = 0, xi = xOff; p < cols; p++, xi += incx) {
                    float xv = x[xi];
                    s0 += mat[r0 + p] * xv;
                    s1 += mat[r1 + p] * xv;
                    s2 += mat[r2 + p] * xv;
                    s3 += mat[r3 + p] * xv;
                }
                storeOne(s0, alpha, beta, y, yOff + i * incy);
                storeOne(s1, alpha, beta, y, yOff + (i + 1) * incy);
                storeOne(s2, alpha, beta, y, yOff + (i + 2) * incy);
                storeOne(s3, alpha, beta, y, yOff + (i + 3) * incy);
            }
            for (; i < rows; i++) {
                int r = mOff + i * ldm;
                float s = 0f;
                for (int p = 0, xi = xOff; p < cols; p++, xi += incx) {
                    s += mat[r + p] * x[xi];
                }
                storeOne(s, alpha, beta, y, yOff + i * incy);
            }
        } else {
            // y[j] = Σ_p x[p]·M[p][j]: the row kernel over panels of M's rows, summed p = 0, 1, …
            // across all of them (no K blocks).
            Workspace ws = WS.get();
            float[][] pr = ws.rows;
            float[] t = ws.t0;
            for (int q = 0; q < cols; q += NR) {
                int w = Math.min(NR, cols - q);
                java.util.Arrays.fill(t, 0, w, 0f);
                for (int p0 = 0; p0 < rows; p0 += KC) {
                    int kb = Math.min(KC, rows - p0);
                    for (int p = 0, s = mOff + p0 * ldm + q; p < kb; p++, s += ldm) {
                        System.arraycopy(mat, s, pr[p], 0, w);
                    }
                    single(w, kb, x, xOff + p0 * incx, incx, pr, t);
                }
                if (incy == 1) {
                    store(t, w, alpha, beta, y, yOff + q, ws.u);
                } else {
                    for (int j = 0; j < w; j++) {
                        storeOne(t[j], alpha, beta, y, yOff + (q + j) * incy);
                    }
                }
            }
        }
    }

    /** y[yi] = α·s + β·y[yi]; with β = 0 the old value is not read. */
    private static void storeOne(float s, float alpha, float beta, float[] y, int yi) {
        y[yi] = beta == 0f ? alpha * s : alpha * s + beta * y[yi];
    }
}
