package dev.vecrnn.kernel;

/**
 * The block sizes of a GEMM engine, derived from the cache geometry of the host ({@link HostCpu})
 * and the micro-kernel's shape, with the reason for each, so that a block that fits one host's L1
 * does not overfill another's.
 *
 * <p><b>SIMD engine</b> ({@link #simd}): BLIS's analytical model (Low, Igual, Smith and
 * Quintana-Ortí, "Analytical modeling is enough for high-performance BLIS", ACM TOMS 43(2), 2016).
 * The micro-kernel keeps an MR × NR block of C in registers (8 rows × 2 vectors: 16 of the 32
 * vector registers of AVX-512; the shape is fixed by the register file, not by the caches).
 * <ul>
 *   <li>KC: a KC × NR micro-panel of B stays in L1 while the MR × KC micro-panels of A stream past
 *       it. Of the W ways of an L1d with S sets of lines of C bytes, the A micro-panel gets
 *       C_A = ⌊(W − 1)/(1 + NR/MR)⌋ ways, the B micro-panel NR/MR times as many, one way is left for
 *       C: KC = C_A·S·C/(MR·4), a multiple of 8 (when C_A would be 0, both panels share W − 1 ways).</li>
 *   <li>MC: the packed MC × KC block of A stays in L2 while the B micro-panels pass through it: it
 *       gets a quarter of L2's ways, MC = ⌊W₂/4⌋·S₂·C/(KC·4), a multiple of MR; the rest holds the
 *       B micro-panels coming from L3, the lines of C each micro-kernel call updates, and what the
 *       L1 evicts. BLIS's model would give A half of L2; measured on the Zen 5 host (vecrnn bench,
 *       512 bits, 3 alternating runs, busy machine), half (MC 512) ran 700 × 100 × 10000 at
 *       172–189 GFLOPS against 209–215 for a quarter (MC 256), and gemm-512 179–214 against
 *       187–228.</li>
 *   <li>NC: the packed KC × NC block of B stays in L3, shared by the cores of a complex (up to 8 on
 *       current server parts): one eighth of it, NC = L3/(8·KC·4), a multiple of NR.</li>
 *   <li>One pass: a product of depth k up to {@code onePass} runs as one K block of k, so C is
 *       written once and never read back (β = 0) — each further K block is a pass that reads and
 *       writes all of C, from L3 once C outgrows L2. The B micro-panel (k × NR) then streams from
 *       L2 instead of staying in L1, which L2's bandwidth covers: a k × NR panel in an eighth of L2,
 *       onePass = L2/(8·NR·4), and at least 1.5·KC (measured first for E2's k = 320 and 350). For
 *       such a block the A block keeps its quarter of L2 and the B block its eighth of L3: MC and NC
 *       shrink by KC/kc ({@link #mcFor}, {@link #ncFor}). Measured (Zen 5, 512 bits, plain timing
 *       loop, medians): 1024³ as one block with MC 64 250–258 GFLOPS against 241–248 in four blocks
 *       of 256; 2048 × 2048 × 1024 236–240 against 227–231; 512³ the same in that loop (1–4 %
 *       faster in {@code vecrnn bench}, see SimdGemm's KC_ONE_PASS).</li>
 * </ul>
 * For the hosts of this project (AMD EPYC, 512-bit vectors, MR × NR = 8 × 32): Zen 5 (L1d 48 KiB
 * 12-way, L2 1 MiB 16-way, L3 32 MiB) gets KC 256, MC 256, NC 4096 — KC 256 is also what measuring
 * KC 128…1120 found best there; Zen 4 (L1d 32 KiB 8-way, L2 1 MiB 8-way) gets KC 128, MC 512,
 * NC 8192: its B micro-panel (16 KiB) leaves half its L1d free, where KC 256 would fill all of it.
 * Both have 1 MiB of L2, so both run products up to k = 1024 in one pass (MC 64 at k = 1024); on
 * Zen 4 the half-rate FMAs need half the L2 bandwidth per cycle that Zen 5's full-width ones do.
 *
 * <p><b>Plain engine</b> ({@link #plain}): a row-axpy kernel over MR = 2 rows and KU = 4 k-steps per
 * pass, each B row of the panel NR floats wide: the 2 accumulator rows and the 4 B rows of a pass
 * share half of L1d (NR a multiple of 64 in [64, 512]: 1024 was slower), and the KC × NR panel,
 * re-read by every pair of rows, takes a quarter of L2 (KC a multiple of 4 in [32, 512]).
 *
 * <p>Results depend on the K blocks (C is updated once per block): a product of depth k ≤ onePass
 * is one block on every host with the same L2 and vector width; a deeper one is cut at KC, which
 * follows L1d, so two hosts with different L1 caches may round it differently. On one host results
 * are the same on every run and thread count.
 *
 * @param mr  rows of the micro-kernel
 * @param nr  columns of the micro-kernel (floats)
 * @param kc  depth of a K block
 * @param mc  rows of A packed at a time (SIMD engine; 0 for the plain engine)
 * @param nc  columns of B packed at a time (SIMD engine; 0 for the plain engine)
 * @param onePass the deepest product run as one K block (SIMD engine; kc for the plain engine)
 * @param why how each size was chosen, for {@code vecrnn info}
 */
public record GemmBlocking(int mr, int nr, int kc, int mc, int nc, int onePass, String why) {

    /** The depth of the K blocks of a product of depth k: all of k up to {@link #onePass}, else KC. */
    public int kcFor(int k) {
        return k <= onePass ? k : kc;
    }

    /** Rows of A packed at a time for K blocks of depth {@code depth}: MC, or fewer so that the A block stays as large. */
    public int mcFor(int depth) {
        return depth <= kc ? mc : Math.max(mr, (int) ((long) mc * kc / depth) / mr * mr);
    }

    /** Columns of B packed at a time for K blocks of depth {@code depth}: NC, or fewer so that the B block stays as large. */
    public int ncFor(int depth) {
        return depth <= kc ? nc : Math.max(nr, (int) ((long) nc * kc / depth) / nr * nr);
    }

    /**
     * The SIMD engine's blocks for a micro-kernel of {@code mr} rows × {@code nr} floats on
     * {@code host} (see the class comment).
     */
    public static GemmBlocking simd(HostCpu host, int mr, int nr) {
        int line = host.lineBytes();
        int l1Sets = host.l1dBytes() / (host.l1dWays() * line);
        int aWays = (int) Math.floor((host.l1dWays() - 1) / (1.0 + (double) nr / mr));
        int kc = aWays > 0
                ? aWays * l1Sets * line / (mr * 4) / 8 * 8
                : (host.l1dWays() - 1) * l1Sets * line / ((mr + nr) * 4) / 8 * 8; // too few ways to give A whole ones
        kc = clamp(kc, 32, 2048);
        int l2Sets = host.l2Bytes() / (host.l2Ways() * line);
        int mc = clamp(Math.max(1, host.l2Ways() / 4) * l2Sets * line / (kc * 4) / mr * mr, mr, 4096 / mr * mr);
        int nc = clamp((int) Math.min(16384L, host.l3Bytes() / (8L * kc * 4)) / nr * nr, nr, 16384 / nr * nr);
        int onePass = onePass(host, nr, kc);
        String why = (aWays > 0
                ? "kc " + kc + ": A micro-panel (" + mr + " x kc) in " + aWays + " of " + host.l1dWays()
                        + " L1d ways, B micro-panel (kc x " + nr + ") in " + ceilDiv(nr * aWays, mr)
                : "kc " + kc + ": A and B micro-panels in " + (host.l1dWays() - 1) + " of " + host.l1dWays()
                        + " L1d ways") + "; mc " + mc
                + ": A block (mc x kc) in a quarter of L2; nc " + nc + ": B block (kc x nc) in 1/8 of L3"
                + "; one K block up to k " + onePass + ": a k x " + nr + " B micro-panel in 1/8 of L2 (mc, nc scaled by kc/k)";
        return new GemmBlocking(mr, nr, kc, mc, nc, onePass, why);
    }

    /** The deepest single K block: a B micro-panel of NR floats per k in an eighth of L2, at least 1.5·KC, a multiple of 8. */
    private static int onePass(HostCpu host, int nr, int kc) {
        return Math.max(kc + kc / 2, host.l2Bytes() / 8 / (nr * 4) / 8 * 8);
    }

    /** The plain engine's blocks: row-axpy passes of {@code mr} rows and {@code ku} k-steps (see the class comment). */
    public static GemmBlocking plain(HostCpu host, int mr, int ku) {
        int nr = clamp(host.l1dBytes() / 2 / (4 * (mr + ku)) / 64 * 64, 64, 512);
        int kc = clamp(host.l2Bytes() / 4 / (4 * nr) / ku * ku, 32, 512);
        String why = "panel width " + nr + ": " + (mr + ku) + " rows in half of L1d; kc " + kc
                + ": kc x " + nr + " panel in a quarter of L2";
        return new GemmBlocking(mr, nr, kc, 0, 0, kc, why);
    }

    /**
     * These blocks with the sizes given in {@code settings} (the {@code -Dvecrnn.gemm.*} properties;
     * 0 = keep the derived one) put in their place, MC and NC rounded up to whole micro-kernels.
     */
    GemmBlocking withOverrides(int kcOverride, int mcOverride, int ncOverride) {
        if (kcOverride == 0 && mcOverride == 0 && ncOverride == 0) {
            return this;
        }
        int k = kcOverride > 0 ? kcOverride : kc;
        int m = mcOverride > 0 ? roundUp(mcOverride, mr) : mc;
        int n = ncOverride > 0 ? roundUp(ncOverride, nr) : nc;
        int one = kcOverride > 0 ? Math.max(k + k / 2, onePass) : onePass;
        return new GemmBlocking(mr, nr, k, m, n, one, why + " (overridden by -Dvecrnn.gemm.*: kc " + k + ", mc " + m
                + ", nc " + n + ", one K block up to k " + one + ")");
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static int roundUp(int x, int m) {
        return Math.max(m, (x + m - 1) / m * m);
    }
}
