package dev.vecrnn.kernel;

/**
 * A k × n matrix op(B) packed once into the panel layout of the GEMM micro-kernel, for a weight
 * that is the right-hand factor of many products: C = α·op(A)·B + β·C via
 * {@link Gemm#sgemm(boolean, int, float, float[], int, int, PackedMatrix, float, float[], int, int)}.
 * A recurrent layer packs W_hh once per weight update and uses it at every one of the T steps.
 *
 * <p>Layout: K is cut into blocks of {@code kc} rows (the engine's cache block); inside a block,
 * the columns are cut into panels of {@code nr} (the micro-kernel's width, zero-padded at the right
 * edge), and a panel is stored row after row, {@code nr} floats per row. This is exactly what the
 * GEMM would otherwise pack on every call. The SIMD engine keeps the panels one after another in one
 * array; the plain engine keeps each panel row as an array of its own (its kernel is vectorised by
 * C2 only over whole arrays, see {@code PlainGemm}), and only that: one packed copy per engine.
 */
public final class PackedMatrix {
    private final int k;
    private final int n;
    private final boolean trans;
    private final int kc;
    private final int nr;
    private final int nPadded;
    /** The SIMD engine's form: the panels as above, one after another; null for the plain engine. */
    float[] data;
    /**
     * The plain engine's form: panel q of K block b as its own arrays, rowPanels[b·panels + q][p] =
     * row p of the panel (its valid columns only); null for the SIMD engine.
     */
    float[][][] rowPanels;

    private PackedMatrix(boolean trans, int k, int n, int kc, int nr) {
        this.trans = trans;
        this.k = k;
        this.n = n;
        this.kc = kc;
        this.nr = nr;
        this.nPadded = (n + nr - 1) / nr * nr;
    }

    /**
     * Packs op(B), a k × n matrix: B is stored k × n (ldb ≥ n) or, with {@code transB}, n × k
     * (ldb ≥ k) and used transposed. Allocates the packed copy (once); refresh it with
     * {@link #repack(float[], int, int)} after the weights change.
     *
     * @throws IllegalArgumentException for a negative size or a view outside its array
     */
    public static PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Checks.size("k", k);
        Checks.size("n", n);
        GemmEngine e = Gemm.ENGINE;
        PackedMatrix p = new PackedMatrix(transB, k, n, Math.max(1, e.kcFor(k)), e.nr());
        p.repack(b, bOff, ldb);
        return p;
    }

    /**
     * Packs new values of the same shape and orientation into this object, allocating nothing.
     *
     * @throws IllegalArgumentException for a view outside its array
     */
    public void repack(float[] b, int bOff, int ldb) {
        if (trans) {
            Checks.matrix("B", b, bOff, n, k, ldb);
        } else {
            Checks.matrix("B", b, bOff, k, n, ldb);
        }
        Gemm.ENGINE.pack(this, b, bOff, ldb);
    }

    /** Column panels per K block. */
    int panels() {
        return nPadded / nr;
    }

    /** Rows of op(B) (the K of the product). */
    public int rows() {
        return k;
    }

    /** Columns of op(B) (the N of the product). */
    public int cols() {
        return n;
    }

    /** Whether the source was stored n × k and packed transposed. */
    public boolean transposed() {
        return trans;
    }

    int kc() {
        return kc;
    }

    int nr() {
        return nr;
    }

    /** Index in the SIMD form ({@link #data}) of the panel holding columns [j0, j0+nr) of the K block starting at p0. */
    int panel(int p0, int j0) {
        int kb = Math.min(kc, k - p0);
        return p0 * nPadded + (j0 / nr) * kb * nr;
    }

    /**
     * Packs rows [p0, p0+kb) × columns [j0, j0+nc) of op(B) into panels of nr columns at dst[dOff..]:
     * panel q holds columns j0+q·nr .. j0+q·nr+nr−1 (zeros past nc), row after row.
     */
    static void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kb, int j0, int nc, int nr,
                      float[] dst, int dOff) {
        for (int q = 0; q < nc; q += nr) {
            int w = Math.min(nr, nc - q);
            int d = dOff + q * kb;
            if (!trans) {
                // op(B) rows are contiguous: copy nr floats per row.
                int s = bOff + p0 * ldb + j0 + q;
                for (int p = 0; p < kb; p++, s += ldb, d += nr) {
                    System.arraycopy(b, s, dst, d, w);
                    for (int j = w; j < nr; j++) {
                        dst[d + j] = 0f;
                    }
                }
            } else {
                // op(B)[p][j] = b[j·ldb + p]: each panel row written contiguously, its w reads from w
                // source rows whose cache lines serve the next 15 p too. (Walking each source row
                // once instead wrote nr floats apart: with nr = 512 every store went to the same few
                // cache sets, and packing a 200 × 200 transposed took about 0.5 ms.)
                int s0 = bOff + (j0 + q) * ldb + p0;
                for (int p = 0; p < kb; p++, d += nr) {
                    for (int j = 0, s = s0 + p; j < w; j++, s += ldb) {
                        dst[d + j] = b[s];
                    }
                    java.util.Arrays.fill(dst, d + w, d + nr, 0f);
                }
            }
        }
    }

    /**
     * Packs rows [i0, i0+mc) × columns [p0, p0+kb) of op(A) into panels of mr rows at dst[dOff..]:
     * panel q holds rows i0+q·mr .. (zeros past mc), column after column, mr floats per column.
     */
    static void packA(boolean trans, float[] a, int aOff, int lda, int i0, int mc, int p0, int kb, int mr,
                      float[] dst, int dOff) {
        for (int q = 0; q < mc; q += mr) {
            int h = Math.min(mr, mc - q);
            int d = dOff + q * kb;
            if (trans) {
                // A stored k × m: the mr values of one column of op(A) are contiguous.
                int s = aOff + p0 * lda + i0 + q;
                for (int p = 0; p < kb; p++, s += lda, d += mr) {
                    System.arraycopy(a, s, dst, d, h);
                    for (int i = h; i < mr; i++) {
                        dst[d + i] = 0f;
                    }
                }
            } else {
                for (int i = 0; i < h; i++) {
                    int s = aOff + (i0 + q + i) * lda + p0;
                    for (int p = 0; p < kb; p++) {
                        dst[d + p * mr + i] = a[s + p];
                    }
                }
                for (int i = h; i < mr; i++) {
                    for (int p = 0; p < kb; p++) {
                        dst[d + p * mr + i] = 0f;
                    }
                }
            }
        }
    }
}
