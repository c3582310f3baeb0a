package dev.vecrnn.kernel;

/**
 * One implementation of the GEMM kernels: {@link PlainGemm} (plain Java) or {@code SimdGemm}
 * (Vector API). {@link Gemm} checks the arguments, handles the degenerate shapes, picks GEMV or
 * GEMM, and splits the work between threads; an engine may assume every index is in range,
 * m, n, k &gt; 0 and α ≠ 0.
 *
 * <p>Contract that makes threading bit-exact: the value written to C[i, j] depends only on row i of
 * op(A), column j of op(B), α, β and C[i, j] — never on m or n or on where the view starts — because
 * the K loop is always split into the same blocks of {@link #kcFor kcFor(k)} from p = 0 and each
 * element's sum runs p = 0, 1, ... inside a block.
 */
interface GemmEngine {
    /** One line naming the implementation, its species and block sizes. */
    String describe();

    /** Rows of the register block (the unit of an M split between threads). */
    int mr();

    /** Columns of a packed B panel (the unit of an N split and of {@link PackedMatrix}). */
    int nr();

    /** Depth of a K block of a deep product. */
    int kc();

    /**
     * Depth of the K blocks of a product of depth k (the layout of a {@link PackedMatrix} of k rows):
     * {@link #kc()}, or a single block where the engine runs a shallow product in one pass.
     */
    default int kcFor(int k) {
        return kc();
    }

    /** The block sizes in use and how they were derived from the host's caches. */
    GemmBlocking blocking();

    /**
     * Packs op(B) — k × n as {@code p} says, B stored k × n (ldb ≥ n) or, transposed, n × k
     * (ldb ≥ k) — into {@code p} in this engine's form, which {@link #gemmPacked} reads; allocates
     * that form the first time only. The caller ({@link PackedMatrix#repack}) has checked the view.
     */
    void pack(PackedMatrix p, float[] b, int bOff, int ldb);

    /** C = α·op(A)·op(B) + β·C for an m × n view of C (m, n, k &gt; 0). */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * C = α·op(A)·B[:, j0 .. j0+n) + β·C with B pre-packed; j0 is a multiple of {@link #nr()},
     * k = b.rows().
     */
    void gemmPacked(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                    PackedMatrix b, int j0, float beta, float[] c, int cOff, int ldc);

    /**
     * y = α·op(M)·x + β·y, M stored rows × cols row-major (leading dimension ldm); op(M) is M
     * (y has rows entries, x cols) or Mᵀ (y has cols entries, x rows). x and y may be strided.
     */
    void gemv(boolean trans, int rows, int cols, float alpha, float[] mat, int mOff, int ldm,
              float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy);
}
