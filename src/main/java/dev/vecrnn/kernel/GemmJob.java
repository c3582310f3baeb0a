package dev.vecrnn.kernel;

/**
 * The arguments of one multi-threaded product and how it is cut: into {@code parts} slices of whole
 * register blocks along N (NR columns) or M (MR rows). Slices are independent blocks of C, and each
 * slice runs the same engine code with the same K blocking, so every element of C is summed in the
 * same order as on one thread. Reused for every job (mutable, used only while its caller holds the pool).
 */
final class GemmJob implements Parallel.Task {
    GemmEngine engine;
    boolean transA, transB, splitN;
    int m, n, k, lda, ldb, ldc, aOff, bOff, cOff, per;
    float alpha, beta;
    float[] a, b, c;
    PackedMatrix packed;

    @Override
    public void runPart(int part) {
        int total = splitN ? n : m;
        int lo = part * per;
        int hi = Math.min(total, lo + per);
        if (lo >= hi) {
            return;
        }
        if (splitN) {
            int nn = hi - lo;
            if (packed != null) {
                engine.gemmPacked(transA, m, nn, alpha, a, aOff, lda, packed, lo, beta, c, cOff + lo, ldc);
            } else {
                engine.gemm(transA, transB, m, nn, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? lo * ldb : lo), ldb, beta, c, cOff + lo, ldc);
            }
        } else {
            int mm = hi - lo;
            int ao = aOff + (transA ? lo : lo * lda);
            int co = cOff + lo * ldc;
            if (packed != null) {
                engine.gemmPacked(transA, mm, n, alpha, a, ao, lda, packed, 0, beta, c, co, ldc);
            } else {
                engine.gemm(transA, transB, mm, n, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, co, ldc);
            }
        }
    }

    void clear() {
        a = b = c = null;
        packed = null;
    }
}
