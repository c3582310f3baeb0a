package dev.vecrnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GEMM engine, BLIS-style: five loops around one register-blocked micro-kernel.
 *
 * <pre>
 * for jc in N step NC            B block in L3
 *   for pc in K step kc          pack op(B)[pc.., jc..] into kc × NR panels (kc = KC, or all of a
 *                                K of at most KC_ONE_PASS; NC and MC then scaled by KC/kc)
 *     for ic in M step MC        pack op(A)[ic.., pc..] into MR × kc panels (A block in L2)
 *       for jr in NC step NR     one B panel, stays in L1 across the ir loop (a one-pass panel
 *                                deeper than KC streams from L2)
 *         for ir in MC step MR   micro-kernel: C[ir.., jr..] (MR × NR) += A panel · B panel
 * </pre>
 *
 * The four transpose cases are handled by the packing routines of {@link PackedMatrix} and
 * {@link #packA}, except where an operand is read in place with a stride instead: a row-major A and
 * B in the few-row products of a recurrent step ({@link #DIRECT_MAX_M}), and a transposed A always
 * (a row panel's MR values at one k are contiguous there too, only lda apart instead of MR; see
 * {@link #macro}). Edge blocks (fewer than MR rows or NR columns) run
 * the micro-kernel, or its variant of 4 rows ({@link #microHalf}) or one vector of columns
 * ({@link #narrow}) when the block fits one, on zero-padded panels into a small C tile, then copy the
 * valid part; with 32 vector registers a narrow last panel runs together with the full panel before
 * it ({@link #wide}: 8 rows × 3 vectors). A row-major B's ragged last panel is packed with masked
 * vector loads.
 *
 * <p><b>Where the last 10 % of the FMA peak goes</b> (Zen 5 host, 512 bits, 2026-11-29). A copy of
 * the 512³ loop timed part by part: the micro-kernel calls, C updates included, run at 0.97 of
 * {@code fma-peak} (250–258 GFLOPS); packing A was 7.5 % of the product while it was a scalar
 * transpose, 2 % with the vector transpose of {@link #packA}; packing B (vector copies) 2–3 %.
 * {@code vecrnn bench --only fma,gemm-512,gemm-1024,...}, four runs: 0.90–0.93 of {@code fma-peak} at
 * 512³, 0.87–0.90 at 1024³ (before the vector transpose 0.84–0.90 and 0.80–0.86). Unrolling the
 * kernel's k loop by two made the kernel alone 0.97 instead of 0.93 in a timing loop but the
 * product no faster (and the in-place variant slower: C2 spilled its row indexes), so it is not
 * done. The passes that read C back cost the next few per cent: at 1024³ four K blocks of 256 read
 * and rewrite all 4 MB of C three times, from L3, rows 4 KiB apart in the same L1 sets; one block
 * of 1024 with the A block kept at a quarter of L2 (MC 64) writes C once and ran 3–6 % faster,
 * 512³ as one block 1–4 % (see KC_ONE_PASS); two 512-deep blocks with MC 256 (an A block of half
 * of L2), tried before, had made 1024³ slower (0.75–0.78). Prefetching the C tile at the
 * start of the kernel (a load of each of its lines) made 1024³ 2 % slower. Packing pays for
 * itself: reading A and B in place ({@code -Dvecrnn.gemm.direct=1024}) gave 0.82–0.83 at 512³ and
 * 0.60–0.63 at 1024³; packing B ahead of the timed loop ({@link PackedMatrix}) gains 1.5–2.5 % at
 * both sizes, reading a transposed A in place without packing it 2.5 % at 512³ (timing loops).
 * The leading dimensions of these shapes are powers of two: the 1024³ product with every leading
 * dimension 1040 instead ran 1–1.5 % faster (plain timing loop, six alternating series:
 * 241.7–245.2 against 243.9–248.8 GFLOPS medians), but C's layout is the caller's. A row-major
 * layout for the packed A (a plain copy instead of a transpose, read by a kernel with constant row
 * offsets) ran as fast in the kernel but gained under 1 % in the product and in E2, so the
 * transpose stays.
 */
final class SimdGemm implements GemmEngine {
    /**
     * The species of every SIMD kernel family (chosen by {@link Vectorization}, see its DEFAULT_BITS),
     * a constant: read from a non-constant field it would box every vector.
     */
    static final VectorSpecies<Float> S = SimdSpecies.FLOATS;
    static final int L = S.length();

    // Lane rotations for summing a vector's lanes by a fixed tree: add the vector rotated by L/2,
    // then L/4, ..., 1; lane 0 then holds the total. The same in every JIT tier, unlike
    // reduceLanes(ADD), which C2 sums in another order than the interpreter and C1, so results
    // (and training runs with one seed) would depend on how far the JIT had got.
    static final VectorShuffle<Float> ROT8 = VectorShuffle.fromOp(S, i -> (i + 8) % S.length());
    static final VectorShuffle<Float> ROT4 = VectorShuffle.fromOp(S, i -> (i + 4) % S.length());
    static final VectorShuffle<Float> ROT2 = VectorShuffle.fromOp(S, i -> (i + 2) % S.length());
    static final VectorShuffle<Float> ROT1 = VectorShuffle.fromOp(S, i -> (i + 1) % S.length());
    /** Register block: MR rows of C × NR = 2 vectors. */
    static final int MR = 8;
    static final int NR = 2 * L;
    /**
     * Block sizes from this host's caches (BLIS's analytical model, see {@link GemmBlocking#simd}),
     * or from {@code -Dvecrnn.gemm.kc/mc/nc} (checked by {@link Vectorization}).
     */
    static final GemmBlocking BLOCKING = GemmBlocking.simd(HostCpu.THIS, MR, NR)
            .withOverrides(Vectorization.SETTINGS.kc(), Vectorization.SETTINGS.mc(), Vectorization.SETTINGS.nc());
    /**
     * K block: a KC × NR panel of B stays in L1 while the A panels stream past it. KC = 256 on a
     * Zen 5 host (48 KiB 12-way L1d), which is also what measuring 128…1120 there found fastest
     * (JMH, 512 bits, alternating runs: 512³ 187 / 181 vs KC 128 179 / 128 GFLOPS) — fewer passes
     * over C pay more than L1 misses cost; 128 on a Zen 4 host (32 KiB 8-way).
     */
    static final int KC = BLOCKING.kc();
    /**
     * A product of depth k &lt;= KC_ONE_PASS runs as one K block of k instead of blocks of KC (see
     * {@link GemmBlocking#onePass}): C is then written once, never read back. 1024 here (a 1024 × 32
     * B panel in an eighth of the 1 MiB L2), with MC and NC scaled by KC/k. First measured for E2
     * (k = 320, 350; three alternating runs with one block against KC 256: 243–255k against
     * 243–248k tokens/s). Then for 512³ and 1024³ (Zen 5, 512 bits, {@code vecrnn bench --only
     * fma,gemm-512,gemm-1024,E2}, three alternating pairs against KC_ONE_PASS = 384): gemm-512
     * 256.7 / 259.7 / 250.0 against 248.6 / 250.6 / 243.7 GFLOPS, gemm-1024 251.4 / 257.3 / 253.2
     * against 237.3 / 249.6 / 244.1, E2 unchanged (257.8k / 257.7k / 255.6k against 258.3k / 256.1k /
     * 253.9k). Two blocks of 512 at 1024³ gained nothing in a timing loop: what costs is a pass
     * that reads C back, not the depth of the B panel.
     */
    static final int KC_ONE_PASS = BLOCKING.onePass();
    /** Rows of A packed at a time: the MC × KC block sits in L2 while every B panel passes. */
    static final int MC = BLOCKING.mc();
    /**
     * Products with at most this many rows (the recurrent steps) read a row-major A and B in place
     * instead of packing them: each B panel then serves only m / MR kernel calls, and packing
     * (a scalar transpose for A) would cost a good part of the product. Default 64,
     * {@code -Dvecrnn.gemm.direct} (0: always pack).
     */
    static final int DIRECT_MAX_M = Vectorization.SETTINGS.directMaxM();
    /**
     * A row-major A is also read in place, whatever m, when a column block of B has at most this many
     * columns (8 panels), unless its last panel is narrow ({@link #wide} reads a packed A): packing A
     * is repaid only by the panels of B that reuse it. Measured when packing A was a scalar transpose
     * (plain timing loop, 512 bits, m = 1024, k = 2048): packed vs in place 104 / 181 GFLOPS at n = 64,
     * 138 / 186 at 128, 171 / 183 at 256, 188 / 187 at 384, 196 / 187 at 512; the SCRN's dX = dZ·Wᵀ
     * (1120 × 141 × 10000) 124 / 159. With the vector transpose, packing A for every n ≤ 256 product
     * too made E2 no faster and no slower (three alternating runs), so the rule stays.
     */
    static final int DIRECT_A_MAX_N = 8 * NR;
    /** Columns of B packed at a time: the KC × NC block sits in L3. */
    static final int NC = BLOCKING.nc();

    /**
     * Rows of a row-major B copied into each full panel before moving to the next panel
     * ({@link #packB}): the PACK_ROWS source rows are then read as short sequential streams, which
     * the prefetchers follow, instead of one panel's whole column strip at a time (kb rows ldb apart:
     * a new page at every row when ldb is 1024). Packing 1024 × 1024 (Zen 5, 512 bits, a timing
     * loop in one JVM): 281-284 µs by strips, 196-199 by blocks of 8 rows (4: the same; 16: 209-217,
     * 32: 237-246, 64: 258-263).
     */
    static final int PACK_ROWS = 8;

    private static final ThreadLocal<GemmWorkspace> WS = ThreadLocal.withInitial(GemmWorkspace::new);

    @Override
    public String describe() {
        return S + " (" + L + " lanes), micro-kernel " + MR + "x" + NR + ", kc " + KC + " (one block up to k " + KC_ONE_PASS
                + ", mc " + BLOCKING.mcFor(KC_ONE_PASS) + " there), mc " + MC + ", nc " + NC;
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
    public int kcFor(int k) {
        return BLOCKING.kcFor(k);
    }

    /**
     * This thread's workspace, grown for K blocks of depth at most kc (an A block of
     * {@code mcFor(d)} × d for any d ≤ kc fits: MC × kc up to KC, mcFor(kc) × kc ≤ MC × KC beyond)
     * and B blocks of nc columns (0: none).
     */
    private static GemmWorkspace workspace(int kc, int nc) {
        GemmWorkspace ws = WS.get();
        ws.a = GemmWorkspace.grow(ws.a, MC * Math.min(kc, KC) + MR * kc);
        ws.b = GemmWorkspace.grow(ws.b, kc * GemmBlocking.roundUp(Math.max(nc, NR), NR));
        ws.tile = GemmWorkspace.grow(ws.tile, MR * NR);
        return ws;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        int kc = kcFor(k), ncMax = BLOCKING.ncFor(kc);
        GemmWorkspace ws = workspace(kc, Math.min(n, ncMax));
        // Few rows: each B panel would be used by only m / MR micro-kernel calls, too few to repay
        // packing it; a row-major B is read in place (its rows are contiguous), only the ragged
        // last panel is packed (zero-padded so the kernel never reads past the view).
        boolean direct = !transB && m <= DIRECT_MAX_M;
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int p0 = 0; p0 < k; p0 += kc) {
                int kb = Math.min(kc, k - p0);
                float bt = p0 == 0 ? beta : 1f;
                if (direct) {
                    macro(transA, m, nc, kb, p0, alpha, a, aOff, lda, b, bOff + p0 * ldb + jc, ldb, bt,
                            c, cOff + jc, ldc, ws);
                } else {
                    packB(transB, b, bOff, ldb, p0, kb, jc, nc, ws.b, 0);
                    macro(transA, m, nc, kb, p0, alpha, a, aOff, lda, ws.b, 0, 0, bt, c, cOff + jc, ldc, ws);
                }
            }
        }
    }

    /** This engine's packed form: the panel layout of {@link PackedMatrix} in {@link PackedMatrix#data}. */
    @Override
    public void pack(PackedMatrix p, float[] b, int bOff, int ldb) {
        int k = p.rows();
        if (p.data == null) {
            p.data = new float[Math.multiplyExact(k, p.panels() * NR)];
        }
        for (int p0 = 0; p0 < k; p0 += p.kc()) {
            packB(p.transposed(), b, bOff, ldb, p0, Math.min(p.kc(), k - p0), 0, p.cols(), p.data, p.panel(p0, 0));
        }
    }

    /** {@link PackedMatrix#packB} with vector copies for the full panels of a row-major B. */
    void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kb, int j0, int nc,
                      float[] dst, int dOff) {
        int full = trans ? 0 : nc - nc % NR;
        // PACK_ROWS rows at a time across all the panels (see there)
        for (int p1 = 0; p1 < kb && full > 0; p1 += PACK_ROWS) {
            int rows = Math.min(PACK_ROWS, kb - p1);
            for (int q = 0; q < full; q += NR) {
                int s = bOff + (p0 + p1) * ldb + j0 + q;
                int d = dOff + q * kb + p1 * NR;
                for (int p = 0; p < rows; p++, s += ldb, d += NR) {
                    FloatVector.fromArray(S, b, s).intoArray(dst, d);
                    FloatVector.fromArray(S, b, s + L).intoArray(dst, d + L);
                }
            }
        }
        if (trans) {
            // op(B)[p][j] = b[j·ldb + p]: each group of 8 columns of a panel is a transpose of 8 rows of b
            int vec = L == 8 || L == 16 ? nc - nc % NR : 0;
            for (int q = 0; q < vec; q += NR) {
                for (int g = 0; g < NR; g += 8) {
                    packRowsTransposed(b, bOff + (j0 + q + g) * ldb + p0, ldb, kb, dst, dOff + q * kb + g, NR);
                }
            }
            if (vec < nc) {
                PackedMatrix.packB(true, b, bOff, ldb, p0, kb, j0 + vec, nc - vec, NR, dst, dOff + vec * kb);
            }
        } else if (full < nc) {
            packRaggedPanel(b, bOff + p0 * ldb + j0 + full, ldb, kb, nc - full, dst, dOff + full * kb);
        }
    }

    /**
     * Packs the last w &lt; NR columns of kb rows of a row-major B (rows ldb apart from b[s]) into one
     * zero-padded NR-wide panel at dst[d..]: per row one or two vector loads under a lane mask. The
     * small products of a recurrent step read B in place and pack only this panel, at every step: the
     * scalar packing of its 8 columns past 192 (with 24 zeros per row) cost a 16 × 200 × 200 step as
     * much as half the rest of the product.
     */
    private static void packRaggedPanel(float[] b, int s, int ldb, int kb, int w, float[] dst, int d) {
        VectorMask<Float> m0 = VectorMask.fromLong(S, SimdSpecies.lanesBelow(w));
        VectorMask<Float> m1 = VectorMask.fromLong(S, SimdSpecies.lanesBelow(w - L));
        for (int p = 0; p < kb; p++, s += ldb, d += NR) {
            FloatVector.fromArray(S, b, s, m0).intoArray(dst, d);
            FloatVector.fromArray(S, b, s + L, m1).intoArray(dst, d + L);
        }
    }

    // Two-vector lane permutations for the vector packing (packRowsTransposed):
    // LO(g) takes groups of g lanes alternately from the first halves of two vectors, HI(g) from their
    // second halves.
    private static final VectorShuffle<Float> LO1 = interleave(1, 0), HI1 = interleave(1, L / 2);
    private static final VectorShuffle<Float> LO2 = interleave(2, 0), HI2 = interleave(2, L / 2);
    private static final VectorShuffle<Float> LO4 = interleave(4, 0), HI4 = interleave(4, L / 2);

    /** Lane t: group t/(2g) of g lanes taken alternately from the first and the second vector, from lane {@code from}. */
    private static VectorShuffle<Float> interleave(int g, int from) {
        // source indexes L.. select the second vector of rearrange(shuffle, v)
        return VectorShuffle.fromOp(S, t -> (t % (2 * g) < g ? 0 : L) + from + t / (2 * g) * g + t % g);
    }

    /**
     * {@link PackedMatrix#packA} for this engine and a row-major A (a transposed A is read in place,
     * see {@link #macro}): the full MR-row panels (a transpose: panel element p·MR + i = A[i][p]) with
     * vector loads and lane permutations, L columns of the 8 rows at a time; ragged rows (and lane
     * counts below 8) as there. Measured in a copy of the 512³ loop (Zen 5, 512 bits): the scalar
     * transpose was 7.5 % of the product, this one 2 %.
     */
    private static void packA(float[] a, int aOff, int lda, int i0, int mc, int p0, int kb, float[] dst) {
        int full = MR == 8 && L >= 8 ? mc - mc % MR : 0;
        for (int q = 0; q < full; q += MR) {
            packRowsTransposed(a, aOff + (i0 + q) * lda + p0, lda, kb, dst, q * kb, 8);
        }
        if (full < mc) {
            PackedMatrix.packA(false, a, aOff, lda, i0 + full, mc - full, p0, kb, MR, dst, full * kb);
        }
    }

    /**
     * dst[d + p·cs + i] = a[s + i·lda + p] for 8 rows i and p in [0, kb): three rounds of
     * interleaving turn 8 rows of L columns into L chunks of 8 floats, one per column. cs = 8 makes
     * the chunks contiguous (an A panel); a B panel (cs = NR) takes them NR apart, one store per
     * chunk (a vector of 16 lanes holds two: each stored under a mask). Needs L = 8 or 16 when
     * cs ≠ 8, L ≥ 8 otherwise.
     */
    private static void packRowsTransposed(float[] a, int s, int lda, int kb, float[] dst, int d, int cs) {
        VectorMask<Float> lo = VectorMask.fromLong(S, 0xFFL);   // lanes 0-7: a chunk
        VectorMask<Float> hi = VectorMask.fromLong(S, 0xFF00L); // lanes 8-15: the next one (16 lanes)
        int p = 0;
        for (; p + L <= kb; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, a, s + p);
            FloatVector v1 = FloatVector.fromArray(S, a, s + lda + p);
            FloatVector v2 = FloatVector.fromArray(S, a, s + 2 * lda + p);
            FloatVector v3 = FloatVector.fromArray(S, a, s + 3 * lda + p);
            FloatVector v4 = FloatVector.fromArray(S, a, s + 4 * lda + p);
            FloatVector v5 = FloatVector.fromArray(S, a, s + 5 * lda + p);
            FloatVector v6 = FloatVector.fromArray(S, a, s + 6 * lda + p);
            FloatVector v7 = FloatVector.fromArray(S, a, s + 7 * lda + p);
            // pairs of rows, lane by lane: [A0[c], A1[c], A0[c+1], A1[c+1], ...]
            FloatVector w0 = v0.rearrange(LO1, v1), w1 = v0.rearrange(HI1, v1);
            FloatVector w2 = v2.rearrange(LO1, v3), w3 = v2.rearrange(HI1, v3);
            FloatVector w4 = v4.rearrange(LO1, v5), w5 = v4.rearrange(HI1, v5);
            FloatVector w6 = v6.rearrange(LO1, v7), w7 = v6.rearrange(HI1, v7);
            // quads: [A0[c] .. A3[c], A0[c+1] .. A3[c+1], ...]
            FloatVector x0 = w0.rearrange(LO2, w2), x1 = w0.rearrange(HI2, w2);
            FloatVector x2 = w1.rearrange(LO2, w3), x3 = w1.rearrange(HI2, w3);
            FloatVector x4 = w4.rearrange(LO2, w6), x5 = w4.rearrange(HI2, w6);
            FloatVector x6 = w5.rearrange(LO2, w7), x7 = w5.rearrange(HI2, w7);
            // all 8 rows of consecutive columns: o_r holds the chunks of columns p + r·L/8 ..
            FloatVector o0 = x0.rearrange(LO4, x4), o1 = x0.rearrange(HI4, x4);
            FloatVector o2 = x1.rearrange(LO4, x5), o3 = x1.rearrange(HI4, x5);
            FloatVector o4 = x2.rearrange(LO4, x6), o5 = x2.rearrange(HI4, x6);
            FloatVector o6 = x3.rearrange(LO4, x7), o7 = x3.rearrange(HI4, x7);
            int q = d + p * cs;
            if (cs == 8) {
                o0.intoArray(dst, q);
                o1.intoArray(dst, q + L);
                o2.intoArray(dst, q + 2 * L);
                o3.intoArray(dst, q + 3 * L);
                o4.intoArray(dst, q + 4 * L);
                o5.intoArray(dst, q + 5 * L);
                o6.intoArray(dst, q + 6 * L);
                o7.intoArray(dst, q + 7 * L);
            } else if (L == 8) {
                o0.intoArray(dst, q);
                o1.intoArray(dst, q + cs);
                o2.intoArray(dst, q + 2 * cs);
                o3.intoArray(dst, q + 3 * cs);
                o4.intoArray(dst, q + 4 * cs);
                o5.intoArray(dst, q + 5 * cs);
                o6.intoArray(dst, q + 6 * cs);
                o7.intoArray(dst, q + 7 * cs);
            } else { // 16 lanes: columns 2r and 2r + 1
                o0.intoArray(dst, q, lo);
                o0.intoArray(dst, q + cs - 8, hi);
                o1.intoArray(dst, q + 2 * cs, lo);
                o1.intoArray(dst, q + 3 * cs - 8, hi);
                o2.intoArray(dst, q + 4 * cs, lo);
                o2.intoArray(dst, q + 5 * cs - 8, hi);
                o3.intoArray(dst, q + 6 * cs, lo);
                o3.intoArray(dst, q + 7 * cs - 8, hi);
                o4.intoArray(dst, q + 8 * cs, lo);
                o4.intoArray(dst, q + 9 * cs - 8, hi);
                o5.intoArray(dst, q + 10 * cs, lo);
                o5.intoArray(dst, q + 11 * cs - 8, hi);
                o6.intoArray(dst, q + 12 * cs, lo);
                o6.intoArray(dst, q + 13 * cs - 8, hi);
                o7.intoArray(dst, q + 14 * cs, lo);
                o7.intoArray(dst, q + 15 * cs - 8, hi);
            }
        }
        for (; p < kb; p++) {
            for (int i = 0; i < 8; i++) {
                dst[d + p * cs + i] = a[s + i * lda + p];
            }
        }
    }

    @Override
    public void gemmPacked(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                           PackedMatrix b, int j0, float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = workspace(b.kc(), 0);
        int k = b.rows();
        for (int p0 = 0, kc = b.kc(); p0 < k; p0 += kc) {
            int kb = Math.min(kc, k - p0);
            float bt = p0 == 0 ? beta : 1f;
            if (m == 1) {
                packedRow(n, kb, alpha, a, aOff + (transA ? p0 * lda : p0), transA ? lda : 1,
                        b.data, b.panel(p0, j0), bt, c, cOff, ws.tile);
            } else {
                macro(transA, m, n, kb, p0, alpha, a, aOff, lda, b.data, b.panel(p0, j0), 0, bt, c, cOff, ldc, ws);
            }
        }
    }

    /**
     * C[0..m, 0..nc) = α·op(A)[:, p0..p0+kb)·B + β·C, B either packed panels at bp[bIdx..]
     * ({@code ldb = 0}) or read in place, row-major with leading dimension ldb, from bp[bIdx..].
     */
    private static void macro(boolean transA, int m, int nc, int kb, int p0, float alpha,
                              float[] a, int aOff, int lda, float[] bp, int bIdx, int ldb, float beta,
                              float[] c, int cOff, int ldc, GemmWorkspace ws) {
        float[] ap = ws.a;
        float[] tile = ws.tile;
        boolean direct = ldb != 0;
        // The last full panel and a narrow one after it (at most L columns) run as one (see wide),
        // from a packed A.
        int tail = nc > NR ? nc % NR : 0;
        boolean wideTail = WIDE && tail > 0 && tail <= L;
        int jEnd = wideTail ? nc - NR - tail : nc; // columns of the ordinary panel loop
        // Few rows of a row-major A: read in place too (see DIRECT_MAX_M); only a ragged last row
        // panel is packed, zero-padded, so the kernel never reads past the view.
        boolean directA = !wideTail && !transA && (m <= DIRECT_MAX_M || nc <= DIRECT_A_MAX_N);
        // A stored transposed (k × m, a weight gradient Xᵀ·dZ) is always read in place: the MR values
        // of a row panel at one k are contiguous as in a packed panel, only lda apart from one k to
        // the next instead of MR, so the kernels take that stride and only a ragged last row panel is
        // packed. Measured (plain timing loop, Zen 5, 512 bits): 350 × 200 × 320 from 217-230 to
        // 231-241 GFLOPS; E2's backward pass 1,514-1,530 → 1,475-1,503 µs per batch (three
        // alternating runs).
        boolean directAT = transA;
        int mcBlock = BLOCKING.mcFor(kb);
        for (int ic = 0; ic < m; ic += mcBlock) {
            int mc = Math.min(mcBlock, m - ic);
            int fullRows = mc - mc % MR;
            if (!directA && !directAT) {
                packA(a, aOff, lda, ic, mc, p0, kb, ap);
            } else if (fullRows < mc) {
                PackedMatrix.packA(transA, a, aOff, lda, ic + fullRows, mc - fullRows, p0, kb, MR, ap, 0);
            }
            // row panel ir of op(A) at aArr[aBase + ir·aStep], k steps as apart (ragged: ap[0..], MR)
            float[] aArr = directAT ? a : ap;
            int aBase = directAT ? aOff + p0 * lda + ic : 0;
            int aStep = directAT ? 1 : kb;
            int as = directAT ? lda : MR;
            for (int jr = 0; jr < jEnd; jr += NR) {
                int w = Math.min(NR, nc - jr);
                float[] bArr = bp;
                int bi = bIdx + jr * kb;
                int bs = NR;
                if (direct) {
                    if (w == NR) {
                        bi = bIdx + jr;
                        bs = ldb;
                    } else {
                        packRaggedPanel(bp, bIdx + jr, ldb, kb, w, ws.b, 0);
                        bArr = ws.b;
                        bi = 0;
                    }
                }
                for (int ir = 0; ir < mc; ir += MR) {
                    int h = Math.min(MR, mc - ir);
                    int ci = cOff + (ic + ir) * ldc + jr;
                    if (directA && h == MR) {
                        int ai = aOff + (ic + ir) * lda + p0;
                        if (w == NR) {
                            microA(kb, a, ai, lda, bArr, bi, bs, c, ci, ldc, alpha, beta);
                        } else if (w <= L) {
                            narrow(kb, a, ai, lda, 1, bArr, bi, bs, tile);
                            edge(tile, h, w, alpha, beta, c, ci, ldc);
                        } else {
                            microA(kb, a, ai, lda, bArr, bi, bs, tile, 0, NR, 1f, 0f);
                            edge(tile, h, w, alpha, beta, c, ci, ldc);
                        }
                        continue;
                    }
                    boolean packedRows = h < MR && (directA || directAT); // the ragged panel at ap[0..]
                    float[] ar = packedRows ? ap : aArr;
                    int ai = packedRows ? 0 : aBase + ir * aStep;
                    int ars = packedRows ? MR : as;
                    if (h == MR && w == NR) {
                        micro(kb, ar, ai, ars, bArr, bi, bs, c, ci, ldc, alpha, beta);
                    } else if (w <= L) {
                        narrow(kb, ar, ai, 1, ars, bArr, bi, bs, tile);
                        edge(tile, h, w, alpha, beta, c, ci, ldc);
                    } else if (h <= MR / 2) {
                        microHalf(kb, ar, ai, ars, bArr, bi, bs, tile);
                        edge(tile, h, w, alpha, beta, c, ci, ldc);
                    } else {
                        micro(kb, ar, ai, ars, bArr, bi, bs, tile, 0, NR, 1f, 0f);
                        edge(tile, h, w, alpha, beta, c, ci, ldc);
                    }
                }
            }
            if (wideTail) {
                widePanels(mc, kb, alpha, directAT, aArr, aBase, aStep, as, ap, bp, bIdx, ldb, jEnd, tail, beta,
                        c, cOff + ic * ldc, ldc, ws);
            }
        }
    }

    /**
     * The last full column panel (from column jr) and the narrow one after it (tail &lt;= L columns)
     * for every row panel of an A block: {@link #wide} where the row panel is full, else the edge
     * kernels. Row panel ir of A at a[aBase + ir·aStep], k steps as apart; a ragged last one is
     * packed at ap[0..] when A is read in place. B as in {@link #macro} (ldb = 0: packed
     * panels, else in place).
     */
    private static void widePanels(int mc, int kb, float alpha, boolean inPlace, float[] a, int aBase, int aStep, int as,
                                   float[] ap, float[] bp, int bIdx, int ldb, int jr, int tail, float beta,
                                   float[] c, int cOff, int ldc, GemmWorkspace ws) {
        float[] tile = ws.tile;
        float[] bArr = bp, tArr = bp;
        int bi = bIdx + jr * kb, bs = NR, ti = bIdx + (jr + NR) * kb;
        if (ldb != 0) {
            bi = bIdx + jr;
            bs = ldb;
            packRaggedPanel(bp, bIdx + jr + NR, ldb, kb, tail, ws.b, 0);
            tArr = ws.b;
            ti = 0;
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int h = Math.min(MR, mc - ir);
            int ci = cOff + ir * ldc + jr;
            if (h == MR) {
                wide(kb, a, aBase + ir * aStep, as, bArr, bi, bs, tArr, ti, c, ci, ldc, alpha, beta, tile);
            } else {
                float[] ar = inPlace ? ap : a;
                int ai = inPlace ? 0 : aBase + ir * aStep;
                int ars = inPlace ? MR : as;
                if (h <= MR / 2) {
                    microHalf(kb, ar, ai, ars, bArr, bi, bs, tile);
                } else {
                    micro(kb, ar, ai, ars, bArr, bi, bs, tile, 0, NR, 1f, 0f);
                }
                edge(tile, h, NR, alpha, beta, c, ci, ldc);
                narrow(kb, ar, ai, 1, ars, tArr, ti, NR, tile);
            }
            edge(tile, h, tail, alpha, beta, c, ci + NR, ldc);
        }
    }

    /**
     * One row of C (m = 1) from a packed B: the micro-kernel's arithmetic for a single row (so the
     * result is bit-identical to the blocked path), but several panels per pass over K. With one row
     * a pass is bound by the FMA latency unless it has enough independent chains, and by the L2 when
     * B does not fit in L1 (a recurrent weight): 4 panels (8 chains) per pass, then the last 1–3
     * panels in one pass (the zero-padded columns of a partial last panel are computed and dropped).
     * Measured on the R1w shapes (a plain timing loop, 512 bits, same session): 200 × 127 from 1076
     * to 730 ns per row, 200 × 200 from 1430 to 1275 ns (later code and host: 565 and 950 ns, about
     * 190 bytes of B per ns). Where the panels start relative to a cache line does not matter here:
     * 200 × 200 from L2 with its panels copied to each of the 16 float offsets of one array ran
     * 890–1050 ns at every offset, the 64-byte aligned one included (reflection-called timing loop,
     * 2026-11-30), so the L2 stream bounds it, not loads split across two lines.
     */
    private static void packedRow(int n, int kb, float alpha, float[] a, int ai, int as, float[] bp, int bIdx,
                                  float beta, float[] c, int cOff, float[] tile) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        int jr = 0;
        for (; jr + 3 * NR < n; jr += 4 * NR) { // four panels exist (the last may be partial)
            int q0 = bIdx + jr * kb, q1 = q0 + NR * kb, q2 = q1 + NR * kb, q3 = q2 + NR * kb;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0; p < kb; p++) {
                FloatVector x = FloatVector.broadcast(S, a[ai + p * as]);
                int o = p * NR;
                s0 = x.fma(FloatVector.fromArray(S, bp, q0 + o), s0);
                s1 = x.fma(FloatVector.fromArray(S, bp, q0 + o + L), s1);
                s2 = x.fma(FloatVector.fromArray(S, bp, q1 + o), s2);
                s3 = x.fma(FloatVector.fromArray(S, bp, q1 + o + L), s3);
                s4 = x.fma(FloatVector.fromArray(S, bp, q2 + o), s4);
                s5 = x.fma(FloatVector.fromArray(S, bp, q2 + o + L), s5);
                s6 = x.fma(FloatVector.fromArray(S, bp, q3 + o), s6);
                s7 = x.fma(FloatVector.fromArray(S, bp, q3 + o + L), s7);
            }
            int ci = cOff + jr;
            if (jr + 4 * NR > n) {
                s0.intoArray(tile, 0);
                s1.intoArray(tile, L);
                s2.intoArray(tile, 2 * L);
                s3.intoArray(tile, 3 * L);
                s4.intoArray(tile, 4 * L);
                s5.intoArray(tile, 5 * L);
                s6.intoArray(tile, 6 * L);
                s7.intoArray(tile, 7 * L);
                edge(tile, 1, n - jr, alpha, beta, c, ci, 0);
            } else if (beta == 0f) {
                s0.mul(va).intoArray(c, ci);
                s1.mul(va).intoArray(c, ci + L);
                s2.mul(va).intoArray(c, ci + 2 * L);
                s3.mul(va).intoArray(c, ci + 3 * L);
                s4.mul(va).intoArray(c, ci + 4 * L);
                s5.mul(va).intoArray(c, ci + 5 * L);
                s6.mul(va).intoArray(c, ci + 6 * L);
                s7.mul(va).intoArray(c, ci + 7 * L);
            } else {
                s0.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
                s1.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
                s2.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
                s3.fma(va, FloatVector.fromArray(S, c, ci + 3 * L).mul(vb)).intoArray(c, ci + 3 * L);
                s4.fma(va, FloatVector.fromArray(S, c, ci + 4 * L).mul(vb)).intoArray(c, ci + 4 * L);
                s5.fma(va, FloatVector.fromArray(S, c, ci + 5 * L).mul(vb)).intoArray(c, ci + 5 * L);
                s6.fma(va, FloatVector.fromArray(S, c, ci + 6 * L).mul(vb)).intoArray(c, ci + 6 * L);
                s7.fma(va, FloatVector.fromArray(S, c, ci + 7 * L).mul(vb)).intoArray(c, ci + 7 * L);
            }
        }
        if (jr >= n) {
            return;
        }
        // 1–3 panels left, in one pass; panels past the last are not read (q1, q2 clamped to q0),
        // their sums land in tile columns that edge() does not copy.
        int left = (n - jr + NR - 1) / NR;
        int q0 = bIdx + jr * kb;
        int q1 = left > 1 ? q0 + NR * kb : q0;
        int q2 = left > 2 ? q0 + 2 * NR * kb : q0;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
        for (int p = 0; p < kb; p++) {
            FloatVector x = FloatVector.broadcast(S, a[ai + p * as]);
            int o = p * NR;
            s0 = x.fma(FloatVector.fromArray(S, bp, q0 + o), s0);
            s1 = x.fma(FloatVector.fromArray(S, bp, q0 + o + L), s1);
            s2 = x.fma(FloatVector.fromArray(S, bp, q1 + o), s2);
            s3 = x.fma(FloatVector.fromArray(S, bp, q1 + o + L), s3);
            s4 = x.fma(FloatVector.fromArray(S, bp, q2 + o), s4);
            s5 = x.fma(FloatVector.fromArray(S, bp, q2 + o + L), s5);
        }
        s0.intoArray(tile, 0);
        s1.intoArray(tile, L);
        s2.intoArray(tile, 2 * L);
        s3.intoArray(tile, 3 * L);
        s4.intoArray(tile, 4 * L);
        s5.intoArray(tile, 5 * L);
        edge(tile, 1, n - jr, alpha, beta, c, cOff + jr, 0);
    }

    /** Copies the valid h × w part of an edge tile into C with the same arithmetic as the micro-kernel. */
    private static void edge(float[] tile, int h, int w, float alpha, float beta, float[] c, int ci, int ldc) {
        for (int r = 0; r < h; r++) {
            int t = r * NR;
            int cr = ci + r * ldc;
            if (beta == 0f) {
                for (int j = 0; j < w; j++) {
                    c[cr + j] = tile[t + j] * alpha;
                }
            } else {
                for (int j = 0; j < w; j++) {
                    c[cr + j] = Math.fma(tile[t + j], alpha, beta * c[cr + j]);
                }
            }
        }
    }

    /**
     * The micro-kernel: an MR × NR block of C (8 rows × 2 vectors) from a packed A panel (MR floats
     * per k) and a B panel (NR floats per k, rows {@code bs} apart). 16 accumulators + 2 B vectors +
     * 1 broadcast stay in registers (32 on AVX-512); each k step is 2 loads, 8 broadcasts, 16 FMAs.
     * Then C = α·acc + β·C (β = 0: C is not read).
     */
    private static void micro(int kb, float[] a, int ai, int as, float[] b, int bi, int bs,
                              float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kb; p++) {
            int ap = ai + p * as;
            int bp = bi + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ap + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c00.mul(va).intoArray(c, ci + 0 * ldc);
            c01.mul(va).intoArray(c, ci + 0 * ldc + L);
            c10.mul(va).intoArray(c, ci + 1 * ldc);
            c11.mul(va).intoArray(c, ci + 1 * ldc + L);
            c20.mul(va).intoArray(c, ci + 2 * ldc);
            c21.mul(va).intoArray(c, ci + 2 * ldc + L);
            c30.mul(va).intoArray(c, ci + 3 * ldc);
            c31.mul(va).intoArray(c, ci + 3 * ldc + L);
            c40.mul(va).intoArray(c, ci + 4 * ldc);
            c41.mul(va).intoArray(c, ci + 4 * ldc + L);
            c50.mul(va).intoArray(c, ci + 5 * ldc);
            c51.mul(va).intoArray(c, ci + 5 * ldc + L);
            c60.mul(va).intoArray(c, ci + 6 * ldc);
            c61.mul(va).intoArray(c, ci + 6 * ldc + L);
            c70.mul(va).intoArray(c, ci + 7 * ldc);
            c71.mul(va).intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc).mul(vb)).intoArray(c, ci + 0 * ldc);
            c01.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc + L).mul(vb)).intoArray(c, ci + 0 * ldc + L);
            c10.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc).mul(vb)).intoArray(c, ci + 1 * ldc);
            c11.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc + L).mul(vb)).intoArray(c, ci + 1 * ldc + L);
            c20.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc).mul(vb)).intoArray(c, ci + 2 * ldc);
            c21.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(vb)).intoArray(c, ci + 2 * ldc + L);
            c30.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc).mul(vb)).intoArray(c, ci + 3 * ldc);
            c31.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(vb)).intoArray(c, ci + 3 * ldc + L);
            c40.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc).mul(vb)).intoArray(c, ci + 4 * ldc);
            c41.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc + L).mul(vb)).intoArray(c, ci + 4 * ldc + L);
            c50.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc).mul(vb)).intoArray(c, ci + 5 * ldc);
            c51.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc + L).mul(vb)).intoArray(c, ci + 5 * ldc + L);
            c60.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc).mul(vb)).intoArray(c, ci + 6 * ldc);
            c61.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc + L).mul(vb)).intoArray(c, ci + 6 * ldc + L);
            c70.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc).mul(vb)).intoArray(c, ci + 7 * ldc);
            c71.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc + L).mul(vb)).intoArray(c, ci + 7 * ldc + L);
        }
    }

    /**
     * A last column panel of at most L columns (n = 200 is 6 panels of 32 and 8 columns): the first
     * vector of {@link #micro}'s columns for MR rows into the edge tile (β = 0, α = 1), half the work
     * of a full panel. A is read at a[ai + r·ra + p·pa] (packed: ra = 1, pa = MR; in place: ra = lda,
     * pa = 1). Each accumulator sums as in micro, so the result is bit-identical; 8 chains of FMAs
     * still cover the FMA latency.
     */
    private static void narrow(int kb, float[] a, int ai, int ra, int pa, float[] b, int bi, int bs, float[] tile) {
        int a0 = ai + 0 * ra;
        int a1 = ai + 1 * ra;
        int a2 = ai + 2 * ra;
        int a3 = ai + 3 * ra;
        int a4 = ai + 4 * ra;
        int a5 = ai + 5 * ra;
        int a6 = ai + 6 * ra;
        int a7 = ai + 7 * ra;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kb; p++) {
            int o = p * pa;
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * bs);
            c0 = FloatVector.broadcast(S, a[a0 + o]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + o]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + o]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + o]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + o]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + o]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + o]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + o]).fma(b0, c7);
        }
        c0.intoArray(tile, 0 * NR);
        c1.intoArray(tile, 1 * NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
    }

    /**
     * The first MR/2 = 4 rows of {@link #micro} into the edge tile (β = 0, α = 1): a last row panel
     * of at most 4 rows (a sentence of 20 words is 8 + 8 + 4 rows) no longer pays for 8. Each
     * accumulator sums as in micro, so the rows are bit-identical; 8 chains of FMAs still cover
     * the FMA latency.
     */
    private static void microHalf(int kb, float[] a, int ai, int as, float[] b, int bi, int bs, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kb; p++) {
            int ap = ai + p * as;
            int bp = bi + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ap + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * With 32 vector registers (AVX-512, at any species width) a full panel and the narrow last one
     * (at most L columns: n = 200 is 5 panels of 32, then 32 + 8) are computed together: 8 rows × 3
     * vectors, 24 accumulators + 3 B vectors + 1 broadcast, 24 FMAs per k step. On its own the narrow
     * panel has only 8 chains of FMAs, the bare minimum to cover the FMA latency on two pipes, and
     * it ran at half the kernel's rate: a 16 × 200 × 200 product took 5.9–6.1 µs against 5.0–5.3
     * for 16 × 192 × 200 (5.8 with this kernel; plain timing loop, Zen 5, 512 bits), and E2, whose
     * hidden layer is 200 wide, trains 4–5 % faster (three alternating runs, 234 → 244k tokens/s).
     * A is packed for it (reading A in place as {@link #microA} does would leave too few general
     * registers for 8 row indexes beside two B panels). The first two vectors go to C as in
     * {@link #micro}, the third into the tile for {@link #edge}; each accumulator sums as in micro,
     * so the result is bit-identical.
     */
    static final boolean WIDE = SimdSpecies.MACHINE_BITS >= 512;

    /** {@link #micro} over the panel at b[bi..] (rows bs apart) and a third vector from the NR-wide panel at t[ti..]. */
    private static void wide(int kb, float[] a, int ai, int as, float[] b, int bi, int bs, float[] t, int ti,
                             float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = FloatVector.zero(S), c11 = c10, c12 = c10;
        FloatVector c20 = FloatVector.zero(S), c21 = c20, c22 = c20;
        FloatVector c30 = FloatVector.zero(S), c31 = c30, c32 = c30;
        FloatVector c40 = FloatVector.zero(S), c41 = c40, c42 = c40;
        FloatVector c50 = FloatVector.zero(S), c51 = c50, c52 = c50;
        FloatVector c60 = FloatVector.zero(S), c61 = c60, c62 = c60;
        FloatVector c70 = FloatVector.zero(S), c71 = c70, c72 = c70;
        for (int p = 0; p < kb; p++) {
            int ap = ai + p * as;
            int bp = bi + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, t, ti + p * NR);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ap + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            c72 = x.fma(b2, c72);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c00.mul(va).intoArray(c, ci + 0 * ldc);
            c01.mul(va).intoArray(c, ci + 0 * ldc + L);
            c10.mul(va).intoArray(c, ci + 1 * ldc);
            c11.mul(va).intoArray(c, ci + 1 * ldc + L);
            c20.mul(va).intoArray(c, ci + 2 * ldc);
            c21.mul(va).intoArray(c, ci + 2 * ldc + L);
            c30.mul(va).intoArray(c, ci + 3 * ldc);
            c31.mul(va).intoArray(c, ci + 3 * ldc + L);
            c40.mul(va).intoArray(c, ci + 4 * ldc);
            c41.mul(va).intoArray(c, ci + 4 * ldc + L);
            c50.mul(va).intoArray(c, ci + 5 * ldc);
            c51.mul(va).intoArray(c, ci + 5 * ldc + L);
            c60.mul(va).intoArray(c, ci + 6 * ldc);
            c61.mul(va).intoArray(c, ci + 6 * ldc + L);
            c70.mul(va).intoArray(c, ci + 7 * ldc);
            c71.mul(va).intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc).mul(vb)).intoArray(c, ci + 0 * ldc);
            c01.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc + L).mul(vb)).intoArray(c, ci + 0 * ldc + L);
            c10.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc).mul(vb)).intoArray(c, ci + 1 * ldc);
            c11.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc + L).mul(vb)).intoArray(c, ci + 1 * ldc + L);
            c20.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc).mul(vb)).intoArray(c, ci + 2 * ldc);
            c21.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(vb)).intoArray(c, ci + 2 * ldc + L);
            c30.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc).mul(vb)).intoArray(c, ci + 3 * ldc);
            c31.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(vb)).intoArray(c, ci + 3 * ldc + L);
            c40.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc).mul(vb)).intoArray(c, ci + 4 * ldc);
            c41.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc + L).mul(vb)).intoArray(c, ci + 4 * ldc + L);
            c50.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc).mul(vb)).intoArray(c, ci + 5 * ldc);
            c51.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc + L).mul(vb)).intoArray(c, ci + 5 * ldc + L);
            c60.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc).mul(vb)).intoArray(c, ci + 6 * ldc);
            c61.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc + L).mul(vb)).intoArray(c, ci + 6 * ldc + L);
            c70.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc).mul(vb)).intoArray(c, ci + 7 * ldc);
            c71.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc + L).mul(vb)).intoArray(c, ci + 7 * ldc + L);
        }
        c02.intoArray(tile, 0 * NR);
        c12.intoArray(tile, 1 * NR);
        c22.intoArray(tile, 2 * NR);
        c32.intoArray(tile, 3 * NR);
        c42.intoArray(tile, 4 * NR);
        c52.intoArray(tile, 5 * NR);
        c62.intoArray(tile, 6 * NR);
        c72.intoArray(tile, 7 * NR);
    }

    /**
     * The same micro-kernel reading a row-major A in place: row r of the block is a[ai + r·lda + p].
     * Generated from the same text as {@link #micro} (only the A index differs), used for the small
     * products of a recurrent step where packing A costs as much as a good part of the product.
     */
    private static void microA(int kb, float[] a, int ai, int lda, float[] b, int bi, int bs,
                               float[] c, int ci, int ldc, float alpha, float beta) {
        int a0 = ai + 0 * lda;
        int a1 = ai + 1 * lda;
        int a2 = ai + 2 * lda;
        int a3 = ai + 3 * lda;
        int a4 = ai + 4 * lda;
        int a5 = ai + 5 * lda;
        int a6 = ai + 6 * lda;
        int a7 = ai + 7 * lda;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kb; p++) {
            int bp = bi + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c00.mul(va).intoArray(c, ci + 0 * ldc);
            c01.mul(va).intoArray(c, ci + 0 * ldc + L);
            c10.mul(va).intoArray(c, ci + 1 * ldc);
            c11.mul(va).intoArray(c, ci + 1 * ldc + L);
            c20.mul(va).intoArray(c, ci + 2 * ldc);
            c21.mul(va).intoArray(c, ci + 2 * ldc + L);
            c30.mul(va).intoArray(c, ci + 3 * ldc);
            c31.mul(va).intoArray(c, ci + 3 * ldc + L);
            c40.mul(va).intoArray(c, ci + 4 * ldc);
            c41.mul(va).intoArray(c, ci + 4 * ldc + L);
            c50.mul(va).intoArray(c, ci + 5 * ldc);
            c51.mul(va).intoArray(c, ci + 5 * ldc + L);
            c60.mul(va).intoArray(c, ci + 6 * ldc);
            c61.mul(va).intoArray(c, ci + 6 * ldc + L);
            c70.mul(va).intoArray(c, ci + 7 * ldc);
            c71.mul(va).intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc).mul(vb)).intoArray(c, ci + 0 * ldc);
            c01.fma(va, FloatVector.fromArray(S, c, ci + 0 * ldc + L).mul(vb)).intoArray(c, ci + 0 * ldc + L);
            c10.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc).mul(vb)).intoArray(c, ci + 1 * ldc);
            c11.fma(va, FloatVector.fromArray(S, c, ci + 1 * ldc + L).mul(vb)).intoArray(c, ci + 1 * ldc + L);
            c20.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc).mul(vb)).intoArray(c, ci + 2 * ldc);
            c21.fma(va, FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(vb)).intoArray(c, ci + 2 * ldc + L);
            c30.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc).mul(vb)).intoArray(c, ci + 3 * ldc);
            c31.fma(va, FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(vb)).intoArray(c, ci + 3 * ldc + L);
            c40.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc).mul(vb)).intoArray(c, ci + 4 * ldc);
            c41.fma(va, FloatVector.fromArray(S, c, ci + 4 * ldc + L).mul(vb)).intoArray(c, ci + 4 * ldc + L);
            c50.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc).mul(vb)).intoArray(c, ci + 5 * ldc);
            c51.fma(va, FloatVector.fromArray(S, c, ci + 5 * ldc + L).mul(vb)).intoArray(c, ci + 5 * ldc + L);
            c60.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc).mul(vb)).intoArray(c, ci + 6 * ldc);
            c61.fma(va, FloatVector.fromArray(S, c, ci + 6 * ldc + L).mul(vb)).intoArray(c, ci + 6 * ldc + L);
            c70.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc).mul(vb)).intoArray(c, ci + 7 * ldc);
            c71.fma(va, FloatVector.fromArray(S, c, ci + 7 * ldc + L).mul(vb)).intoArray(c, ci + 7 * ldc + L);
        }
    }

    @Override
    public void gemv(boolean trans, int rows, int cols, float alpha, float[] mat, int mOff, int ldm,
                     float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
        GemmWorkspace ws = WS.get();
        int nx = trans ? rows : cols;
        int ny = trans ? cols : rows;
        float[] xs = x;
        int xb = xOff;
        if (incx != 1) {
            ws.x = GemmWorkspace.grow(ws.x, nx);
            xs = ws.x;
            xb = 0;
            for (int p = 0; p < nx; p++) {
                xs[p] = x[xOff + p * incx];
            }
        }
        ws.y = GemmWorkspace.grow(ws.y, ny + 16 * L);
        float[] acc = ws.y;
        if (trans) {
            ws.tile = GemmWorkspace.grow(ws.tile, 16 * L);
            axpyRows(rows, cols, mat, mOff, ldm, xs, xb, acc, ws.tile);
        } else {
            dotRows(rows, cols, mat, mOff, ldm, xs, xb, acc);
        }
        for (int j = 0; j < ny; j++) {
            int yi = yOff + j * incy;
            y[yi] = beta == 0f ? acc[j] * alpha : Math.fma(acc[j], alpha, beta * y[yi]);
        }
    }

    /**
     * Vectors of columns per GEMV pass over the rows: up to 16 where the CPU has 32 vector registers
     * (AVX-512, whose preferred species is 512 bits), else up to 8. One pass reads each row's piece
     * once; two passes of 8 vectors over a 200 × 256 matrix in L2 ran at half the bandwidth of one
     * (the prefetchers fetch every row whole): one row × 200 × 256 took 2,324 ns, 1,360 ns from
     * packed panels.
     */
    static final int GEMV_VECTORS = SimdSpecies.MACHINE_BITS >= 512 ? 16 : 8;

    /**
     * acc[j] = Σ_p x[p]·M[p][j] for j &lt; cols, in passes of 16, 8 or 4 vectors of columns (the
     * smallest that covers what is left, at most {@link #GEMV_VECTORS}), each column one chain over
     * p = 0, 1, … as in the micro-kernel. A pass loads whole vectors at fixed distances from the row
     * start, also past column cols − 1: those lanes read whatever follows in the array (the next
     * row) and are never used; acc must have room for cols + 16·L floats. Rows too close to the end
     * of the array for that go through a zero-padded copy in {@code tail} (16·L floats). The three
     * passes are one loop written out for 16, 8 and 4 accumulators: accumulators kept in an array,
     * or passed to a helper, would be boxed.
     */
    private static void axpyRows(int rows, int cols, float[] mat, int mOff, int ldm, float[] x, int xb,
                                 float[] acc, float[] tail) {
        int j = 0;
        while (j < cols) {
            int left = cols - j;
            if (GEMV_VECTORS == 16 && left > 8 * L) {
                axpyPass16(rows, cols, mat, mOff, ldm, x, xb, acc, j, tail);
                j += 16 * L;
            } else if (left > 4 * L) {
                axpyPass8(rows, cols, mat, mOff, ldm, x, xb, acc, j, tail);
                j += 8 * L;
            } else {
                axpyPass4(rows, cols, mat, mOff, ldm, x, xb, acc, j, tail);
                j += 4 * L;
            }
        }
    }

    /** Rows p in [0, rows) whose w floats from start + p·ldm lie inside an array of the given length. */
    private static int fastRows(int rows, int length, int start, int ldm, int w) {
        long last = Math.floorDiv((long) length - w - start, (long) ldm); // the last such p
        return (int) Math.max(0, Math.min(rows, last + 1));
    }

    /** tail[0 .. w) = mat[from ..], zeros past the end of mat. */
    private static void copyTail(float[] mat, int from, int w, float[] tail) {
        int n = Math.min(w, mat.length - from);
        System.arraycopy(mat, from, tail, 0, n);
        java.util.Arrays.fill(tail, n, w, 0f);
    }

    /** One pass of 16 vectors of columns from column j (see {@link #axpyRows}). */
    private static void axpyPass16(int rows, int cols, float[] mat, int mOff, int ldm, float[] x, int xb,
                                   float[] acc, int j, float[] tail) {
        int w = 16 * L;
        int fast = fastRows(rows, mat.length, mOff + j, ldm, w);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0, s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
        for (int p = 0; p < fast; p++) {
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            int r = mOff + p * ldm + j;
            s0 = xv.fma(FloatVector.fromArray(S, mat, r), s0);
            s1 = xv.fma(FloatVector.fromArray(S, mat, r + L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, mat, r + 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, mat, r + 3 * L), s3);
            s4 = xv.fma(FloatVector.fromArray(S, mat, r + 4 * L), s4);
            s5 = xv.fma(FloatVector.fromArray(S, mat, r + 5 * L), s5);
            s6 = xv.fma(FloatVector.fromArray(S, mat, r + 6 * L), s6);
            s7 = xv.fma(FloatVector.fromArray(S, mat, r + 7 * L), s7);
            s8 = xv.fma(FloatVector.fromArray(S, mat, r + 8 * L), s8);
            s9 = xv.fma(FloatVector.fromArray(S, mat, r + 9 * L), s9);
            s10 = xv.fma(FloatVector.fromArray(S, mat, r + 10 * L), s10);
            s11 = xv.fma(FloatVector.fromArray(S, mat, r + 11 * L), s11);
            s12 = xv.fma(FloatVector.fromArray(S, mat, r + 12 * L), s12);
            s13 = xv.fma(FloatVector.fromArray(S, mat, r + 13 * L), s13);
            s14 = xv.fma(FloatVector.fromArray(S, mat, r + 14 * L), s14);
            s15 = xv.fma(FloatVector.fromArray(S, mat, r + 15 * L), s15);
        }
        for (int p = fast; p < rows; p++) { // the last rows, through a zero-padded copy
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            copyTail(mat, mOff + p * ldm + j, w, tail);
            s0 = xv.fma(FloatVector.fromArray(S, tail, 0), s0);
            s1 = xv.fma(FloatVector.fromArray(S, tail, L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, tail, 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, tail, 3 * L), s3);
            s4 = xv.fma(FloatVector.fromArray(S, tail, 4 * L), s4);
            s5 = xv.fma(FloatVector.fromArray(S, tail, 5 * L), s5);
            s6 = xv.fma(FloatVector.fromArray(S, tail, 6 * L), s6);
            s7 = xv.fma(FloatVector.fromArray(S, tail, 7 * L), s7);
            s8 = xv.fma(FloatVector.fromArray(S, tail, 8 * L), s8);
            s9 = xv.fma(FloatVector.fromArray(S, tail, 9 * L), s9);
            s10 = xv.fma(FloatVector.fromArray(S, tail, 10 * L), s10);
            s11 = xv.fma(FloatVector.fromArray(S, tail, 11 * L), s11);
            s12 = xv.fma(FloatVector.fromArray(S, tail, 12 * L), s12);
            s13 = xv.fma(FloatVector.fromArray(S, tail, 13 * L), s13);
            s14 = xv.fma(FloatVector.fromArray(S, tail, 14 * L), s14);
            s15 = xv.fma(FloatVector.fromArray(S, tail, 15 * L), s15);
        }
        s0.intoArray(acc, j);
        s1.intoArray(acc, j + L);
        s2.intoArray(acc, j + 2 * L);
        s3.intoArray(acc, j + 3 * L);
        s4.intoArray(acc, j + 4 * L);
        s5.intoArray(acc, j + 5 * L);
        s6.intoArray(acc, j + 6 * L);
        s7.intoArray(acc, j + 7 * L);
        s8.intoArray(acc, j + 8 * L);
        s9.intoArray(acc, j + 9 * L);
        s10.intoArray(acc, j + 10 * L);
        s11.intoArray(acc, j + 11 * L);
        s12.intoArray(acc, j + 12 * L);
        s13.intoArray(acc, j + 13 * L);
        s14.intoArray(acc, j + 14 * L);
        s15.intoArray(acc, j + 15 * L);
    }

    /** One pass of 8 vectors of columns from column j (see {@link #axpyRows}). */
    private static void axpyPass8(int rows, int cols, float[] mat, int mOff, int ldm, float[] x, int xb,
                                   float[] acc, int j, float[] tail) {
        int w = 8 * L;
        int fast = fastRows(rows, mat.length, mOff + j, ldm, w);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int p = 0; p < fast; p++) {
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            int r = mOff + p * ldm + j;
            s0 = xv.fma(FloatVector.fromArray(S, mat, r), s0);
            s1 = xv.fma(FloatVector.fromArray(S, mat, r + L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, mat, r + 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, mat, r + 3 * L), s3);
            s4 = xv.fma(FloatVector.fromArray(S, mat, r + 4 * L), s4);
            s5 = xv.fma(FloatVector.fromArray(S, mat, r + 5 * L), s5);
            s6 = xv.fma(FloatVector.fromArray(S, mat, r + 6 * L), s6);
            s7 = xv.fma(FloatVector.fromArray(S, mat, r + 7 * L), s7);
        }
        for (int p = fast; p < rows; p++) { // the last rows, through a zero-padded copy
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            copyTail(mat, mOff + p * ldm + j, w, tail);
            s0 = xv.fma(FloatVector.fromArray(S, tail, 0), s0);
            s1 = xv.fma(FloatVector.fromArray(S, tail, L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, tail, 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, tail, 3 * L), s3);
            s4 = xv.fma(FloatVector.fromArray(S, tail, 4 * L), s4);
            s5 = xv.fma(FloatVector.fromArray(S, tail, 5 * L), s5);
            s6 = xv.fma(FloatVector.fromArray(S, tail, 6 * L), s6);
            s7 = xv.fma(FloatVector.fromArray(S, tail, 7 * L), s7);
        }
        s0.intoArray(acc, j);
        s1.intoArray(acc, j + L);
        s2.intoArray(acc, j + 2 * L);
        s3.intoArray(acc, j + 3 * L);
        s4.intoArray(acc, j + 4 * L);
        s5.intoArray(acc, j + 5 * L);
        s6.intoArray(acc, j + 6 * L);
        s7.intoArray(acc, j + 7 * L);
    }

    /** One pass of 4 vectors of columns from column j (see {@link #axpyRows}). */
    private static void axpyPass4(int rows, int cols, float[] mat, int mOff, int ldm, float[] x, int xb,
                                   float[] acc, int j, float[] tail) {
        int w = 4 * L;
        int fast = fastRows(rows, mat.length, mOff + j, ldm, w);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < fast; p++) {
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            int r = mOff + p * ldm + j;
            s0 = xv.fma(FloatVector.fromArray(S, mat, r), s0);
            s1 = xv.fma(FloatVector.fromArray(S, mat, r + L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, mat, r + 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, mat, r + 3 * L), s3);
        }
        for (int p = fast; p < rows; p++) { // the last rows, through a zero-padded copy
            FloatVector xv = FloatVector.broadcast(S, x[xb + p]);
            copyTail(mat, mOff + p * ldm + j, w, tail);
            s0 = xv.fma(FloatVector.fromArray(S, tail, 0), s0);
            s1 = xv.fma(FloatVector.fromArray(S, tail, L), s1);
            s2 = xv.fma(FloatVector.fromArray(S, tail, 2 * L), s2);
            s3 = xv.fma(FloatVector.fromArray(S, tail, 3 * L), s3);
        }
        s0.intoArray(acc, j);
        s1.intoArray(acc, j + L);
        s2.intoArray(acc, j + 2 * L);
        s3.intoArray(acc, j + 3 * L);
    }

    /**
     * acc[i] = Σ_p M[i][p]·x[p] for i &lt; rows: 4 rows × 2 vectors of p at a time (8 chains, x loaded
     * once for 4 rows), a masked tail, then a lane reduction per row.
     */
    private static void dotRows(int rows, int cols, float[] mat, int mOff, int ldm, float[] x, int xb, float[] acc) {
        int i = 0;
        int pb = cols - cols % (2 * L);
        for (; i + 4 <= rows; i += 4) {
            int r0 = mOff + i * ldm, r1 = r0 + ldm, r2 = r1 + ldm, r3 = r2 + ldm;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int p = 0;
            for (; p < pb; p += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, x, xb + p);
                FloatVector x1 = FloatVector.fromArray(S, x, xb + p + L);
                a0 = FloatVector.fromArray(S, mat, r0 + p).fma(x0, a0);
                b0 = FloatVector.fromArray(S, mat, r0 + p + L).fma(x1, b0);
                a1 = FloatVector.fromArray(S, mat, r1 + p).fma(x0, a1);
                b1 = FloatVector.fromArray(S, mat, r1 + p + L).fma(x1, b1);
                a2 = FloatVector.fromArray(S, mat, r2 + p).fma(x0, a2);
                b2 = FloatVector.fromArray(S, mat, r2 + p + L).fma(x1, b2);
                a3 = FloatVector.fromArray(S, mat, r3 + p).fma(x0, a3);
                b3 = FloatVector.fromArray(S, mat, r3 + p + L).fma(x1, b3);
            }
            for (; p < cols; p += L) {
                VectorMask<Float> mask = VectorMask.fromLong(S, SimdSpecies.lanesBelow(cols - p));
                FloatVector x0 = FloatVector.fromArray(S, x, xb + p, mask);
                a0 = FloatVector.fromArray(S, mat, r0 + p, mask).fma(x0, a0);
                a1 = FloatVector.fromArray(S, mat, r1 + p, mask).fma(x0, a1);
                a2 = FloatVector.fromArray(S, mat, r2 + p, mask).fma(x0, a2);
                a3 = FloatVector.fromArray(S, mat, r3 + p, mask).fma(x0, a3);
            }
            FloatVector s0 = a0.add(b0), s1 = a1.add(b1), s2 = a2.add(b2), s3 = a3.add(b3);
            if (L >= 16) { // lanes summed by the fixed tree of ROT8..ROT1
                s0 = s0.add(s0.rearrange(ROT8));
                s1 = s1.add(s1.rearrange(ROT8));
                s2 = s2.add(s2.rearrange(ROT8));
                s3 = s3.add(s3.rearrange(ROT8));
            }
            if (L >= 8) {
                s0 = s0.add(s0.rearrange(ROT4));
                s1 = s1.add(s1.rearrange(ROT4));
                s2 = s2.add(s2.rearrange(ROT4));
                s3 = s3.add(s3.rearrange(ROT4));
            }
            s0 = s0.add(s0.rearrange(ROT2));
            s1 = s1.add(s1.rearrange(ROT2));
            s2 = s2.add(s2.rearrange(ROT2));
            s3 = s3.add(s3.rearrange(ROT2));
            acc[i] = s0.add(s0.rearrange(ROT1)).lane(0);
            acc[i + 1] = s1.add(s1.rearrange(ROT1)).lane(0);
            acc[i + 2] = s2.add(s2.rearrange(ROT1)).lane(0);
            acc[i + 3] = s3.add(s3.rearrange(ROT1)).lane(0);
        }
        for (; i < rows; i++) {
            int r0 = mOff + i * ldm;
            FloatVector a0 = FloatVector.zero(S), b0 = a0;
            int p = 0;
            for (; p < pb; p += 2 * L) {
                a0 = FloatVector.fromArray(S, mat, r0 + p).fma(FloatVector.fromArray(S, x, xb + p), a0);
                b0 = FloatVector.fromArray(S, mat, r0 + p + L).fma(FloatVector.fromArray(S, x, xb + p + L), b0);
            }
            for (; p < cols; p += L) {
                VectorMask<Float> mask = VectorMask.fromLong(S, SimdSpecies.lanesBelow(cols - p));
                a0 = FloatVector.fromArray(S, mat, r0 + p, mask).fma(FloatVector.fromArray(S, x, xb + p, mask), a0);
            }
            FloatVector s0 = a0.add(b0); // lanes summed by the fixed tree of ROT8..ROT1
            if (L >= 16) {
                s0 = s0.add(s0.rearrange(ROT8));
            }
            if (L >= 8) {
                s0 = s0.add(s0.rearrange(ROT4));
            }
            s0 = s0.add(s0.rearrange(ROT2));
            s0 = s0.add(s0.rearrange(ROT1));
            acc[i] = s0.lane(0);
        }
    }
}
