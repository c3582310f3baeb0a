package dev.vecrnn.kernel;

/**
 * Single-precision matrix multiply, row-major: C = α·op(A)·op(B) + β·C, with op(A) m × k and
 * op(B) k × n, op ∈ {none, transpose}, explicit leading dimensions (any sub-block of a larger array
 * can be passed). With β = 0 whatever C held, NaN included, is ignored; with α = 0 or k = 0, A and B
 * are not read and C = β·C.
 *
 * <p>How it runs:
 * <ul>
 *   <li>m = 1 or n = 1: a GEMV (one pass over the matrix operand, no packing);</li>
 *   <li>otherwise the BLIS-style blocked product of the engine {@link Vectorization} chose once per
 *       JVM with the other kernels: {@code SimdGemm} (Vector API, an 8 × 2-vector micro-kernel on
 *       packed panels) when the module {@code jdk.incubator.vector} is present and
 *       {@code -Dvecrnn.simd=false} is not set, else {@link PlainGemm};</li>
 *   <li>a right-hand factor used in many products (a recurrent weight) can be packed once with
 *       {@link PackedMatrix#pack} and passed to
 *       {@link #sgemm(boolean, int, float, float[], int, int, PackedMatrix, float, float[], int, int)};</li>
 *   <li>with {@link #setThreads(int)} &gt; 1 (or {@code -Dvecrnn.threads=N}), products of at least
 *       {@value #PARALLEL_MIN_WORK} multiply-adds are cut into independent column (or row) blocks of C
 *       run on a daemon pool. Every element is summed in the same order as on one thread, so the
 *       result does not depend on the thread count.</li>
 * </ul>
 * Nothing is allocated per call in steady state (per-thread packing buffers, grown once): JMH
 * {@code -prof gc} ≤ 0.2 B/op on the small shapes (JMH's own background), and
 * {@code ThreadMXBean.getCurrentThreadAllocatedBytes} reads 0 bytes over 300 warm calls.
 *
 * <p>Measured (JMH {@code GemmBench}, JDK 25, 512-bit species, 8 × 32 micro-kernel, KC 256, MC 256,
 * NC 4096; 2-core shared machine, median of 5 × 1 s after 3 × 1 s warm-up; GFLOPS = 2·M·N·K / time;
 * 2026-11-23):
 * <pre>
 * ./vecrnn jmh GemmBench -wi 3 -w 1 -i 5 -r 1 -f 1 -rf json -rff r.json &amp;&amp; python3 bench/gflops.py r.json
 *
 * M×K×N            sgemm 1 thread   2 threads   packed B 1 thread   target (1 thread)
 * 128³             157.8            155.1       150.1
 * 256³             182.7            277.0       188.1
 * 512³             181.8            337.4       196.4               ≥ 100
 * 1024³            178.8            334.9       193.6               ≥ 100; 2 threads ≥ 1.8×
 * 32×256×256       168.2            158.4       148.5               ≥ 80
 * 64×512×512       132.9            260.9       183.4               ≥ 92
 * 1×256×256         45.9 (GEMV)      52.9        76.5               ≥ 30
 * 700×100×10000    179.8            311.7       184.9               ≥ 85
 * </pre>
 * The machine is shared and noisy: the same shape ranged by up to 20 % between runs, so compare
 * variants within one run. Two threads scale only when the second core is free.
 */
public final class Gemm {
    /** {@code -Dvecrnn.threads=N}: initial size of the thread pool ({@link Parallel}). */
    public static final String THREADS_PROPERTY = Parallel.THREADS_PROPERTY;
    /** m·n·k below which a product runs on the calling thread alone (about 40 µs of work). */
    public static final long PARALLEL_MIN_WORK = 1L << 22;
    /** Parts per thread: slack for a thread that is descheduled on a busy machine. */
    private static final int PARTS_PER_THREAD = 4;
    /**
     * Rows per part when cutting along M. Each row part packs all of B again, and its K × NC block
     * stays in that core's L2 only while the part runs: measured with {@code vecrnn bench --only
     * gemm-1024 --threads 2} in one session, parts of 512 rows gave 324–347 GFLOPS, 256 rows
     * 257–302, 128 rows 266–287 (one thread 177–184). Packing B once into a buffer shared by the
     * row parts was slower still (277–315: every core then streams the whole 4 MB of B from L3).
     */
    private static final int ROWS_PER_PART = 512;
    /** Columns per part when cutting along N (re-packing A per part then costs a few % at most). */
    private static final int COLS_PER_PART = 512;

    /** The engine of every product, SIMD or plain as {@link Vectorization} chose for all kernels. */
    static final GemmEngine ENGINE = Vectorization.GEMM;
    // Used only by the thread holding the pool.
    private static final GemmJob JOB = new GemmJob();

    private Gemm() {}

    /** The engine in use, its species and block sizes, e.g. {@code "Species[float, 16, S_512_BIT] ..."}. */
    public static String describe() {
        return ENGINE.describe() + ", threads " + Parallel.threads();
    }

    /** The GEMM's block sizes and how they follow from this host's caches ({@link GemmBlocking}). */
    public static GemmBlocking blocking() {
        return ENGINE.blocking();
    }

    /**
     * Sets the number of threads used by large products (1 = the calling thread only); the same as
     * {@link Parallel#setThreads(int)}.
     *
     * @throws IllegalArgumentException if n &lt; 1
     */
    public static void setThreads(int n) {
        Parallel.setThreads(n);
    }

    /** The number of threads large products use. */
    public static int threads() {
        return Parallel.threads();
    }

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
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (m == 1) {
            // C row = α·op(B)ᵀ·(row of op(A)) + β·C: B stored k × n is used transposed.
            ENGINE.gemv(!transB, transB ? n : k, transB ? k : n, alpha, b, bOff, ldb,
                    a, aOff, transA ? lda : 1, beta, c, cOff, 1);
        } else if (n == 1) {
            // C column = α·op(A)·(column of op(B)) + β·C.
            ENGINE.gemv(transA, transA ? k : m, transA ? m : k, alpha, a, aOff, lda,
                    b, bOff, transB ? 1 : ldb, beta, c, cOff, ldc);
        } else {
            run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
        }
    }

    /**
     * C = α·op(A)·B + β·C with B packed once by {@link PackedMatrix#pack}: op(A) is m × b.rows(),
     * C is m × b.cols(). Same arithmetic as the unpacked call, without re-packing B each time.
     *
     * @param transA A is stored k × m (lda ≥ m) and used transposed; else m × k (lda ≥ k)
     * @throws IllegalArgumentException for a negative size, a null B, a leading dimension smaller
     *                                  than its row, or a view past its array; nothing is written then
     */
    public static void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                             PackedMatrix b, float beta, float[] c, int cOff, int ldc) {
        Checks.size("m", m);
        if (b == null) {
            throw new IllegalArgumentException("packed B is null");
        }
        int k = b.rows();
        int n = b.cols();
        if (transA) {
            Checks.matrix("A", a, aOff, k, m, lda);
        } else {
            Checks.matrix("A", a, aOff, m, k, lda);
        }
        Checks.matrix("C", c, cOff, m, n, ldc);
        if (b.kc() != ENGINE.kcFor(k) || b.nr() != ENGINE.nr()) {
            throw new IllegalArgumentException("packed B has layout kc " + b.kc() + ", nr " + b.nr()
                    + " but the engine uses kc " + ENGINE.kcFor(k) + ", nr " + ENGINE.nr());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
        } else {
            run(transA, false, m, n, k, alpha, a, aOff, lda, null, 0, 0, b, beta, c, cOff, ldc);
        }
    }

    /** C = β·C, with β = 0 writing zeros (NaN in C ignored). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, r, r + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[r + j] *= beta;
                }
            }
        }
    }

    /** The blocked product, on the pool when it is large enough and the pool is free. */
    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedMatrix packed,
                            float beta, float[] c, int cOff, int ldc) {
        if (Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_MIN_WORK) {
            WorkerPool p = Parallel.acquire();
            if (p != null) {
                try {
                    if (runParallel(p, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, packed,
                            beta, c, cOff, ldc)) {
                        return;
                    }
                } finally {
                    p.release();
                }
            }
        }
        if (packed != null) {
            ENGINE.gemmPacked(transA, m, n, alpha, a, aOff, lda, packed, 0, beta, c, cOff, ldc);
        } else {
            ENGINE.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** The product on the held pool, cut into independent row or column blocks of C; false when it is too narrow to cut. */
    private static boolean runParallel(WorkerPool p, boolean transA, boolean transB, int m, int n, int k,
                                       float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       PackedMatrix packed, float beta, float[] c, int cOff, int ldc) {
        int t = p.size;
        int nr = ENGINE.nr();
        int mr = ENGINE.mr();
        int colBlocks = (n + nr - 1) / nr;
        int rowBlocks = (m + mr - 1) / mr;
        // Every part re-packs its own operands: a row part packs all of op(B) (fast vector copies
        // for a row-major B), a column part all of op(A) (a scalar transpose, ~50× the cost of a
        // multiply-add per element). So cut rows when there are enough of them, parts of at least
        // ROWS_PER_PART rows or COLS_PER_PART columns, up to PARTS_PER_THREAD parts per thread.
        boolean splitN = m < ROWS_PER_PART * t;
        int blocks = splitN ? colBlocks : rowBlocks;
        int wanted = splitN ? n / COLS_PER_PART : m / ROWS_PER_PART;
        int parts = Math.min(blocks, Math.min(t * PARTS_PER_THREAD, Math.max(t, wanted)));
        if (parts < 2) {
            return false;
        }
        GemmJob j = JOB;
        j.engine = ENGINE;
        j.transA = transA;
        j.transB = transB;
        j.splitN = splitN;
        j.m = m;
        j.n = n;
        j.k = k;
        j.alpha = alpha;
        j.beta = beta;
        j.a = a;
        j.aOff = aOff;
        j.lda = lda;
        j.b = b;
        j.bOff = bOff;
        j.ldb = ldb;
        j.packed = packed;
        j.c = c;
        j.cOff = cOff;
        j.ldc = ldc;
        j.per = (blocks + parts - 1) / parts * (splitN ? nr : mr);
        p.run(j, ((splitN ? n : m) + j.per - 1) / j.per);
        j.clear();
        return true;
    }
}
