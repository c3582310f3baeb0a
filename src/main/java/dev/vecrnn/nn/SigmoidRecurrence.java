package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.PackedMatrix;

import java.util.Arrays;

/**
 * The sigmoid recurrence over a time-major batch, shared by the Elman tagger, the Elman language
 * model and the SCRN's hidden layer:
 *
 * <pre>
 *   h_t = σ(a_t + h_{t−1}·wh)      t = 0 .. T−1
 * </pre>
 *
 * where a_t, the rest of the pre-activation (input projections, bias, the SCRN's s_t·sh), is computed
 * by the network for all steps at once before the recurrence runs, and h_{−1} is an input: the
 * tagger's learned h0, or a language model's zero or carried state.
 *
 * <p>Layout: a buffer of T + 1 blocks of {@code slots} rows, block t at {@code off + t·slots·ld},
 * each row nh floats at leading dimension ld (ld &gt; nh when the rows sit beside other units, as the
 * SCRN's [h ‖ s]). Block 0 holds h_{−1}; on entry block t + 1 holds a_t, on return h_t. Only the first
 * running[t] rows of step t are computed (the batch is sorted by decreasing length); the others are
 * left as they are.
 *
 * <p>Backward takes ∂L/∂h_t from the layers above in blocks of the same shape (block t for step t) and
 * turns them, in place and backwards through time, into dz_t = ∂L/∂(pre-activation of step t), adding
 * dz_t·whᵀ into block t − 1 on the way; then ∂wh = Σ_t h_{t−1}ᵀ·dz_t is one product over all steps.
 *
 * <p>The per-step products read their right-hand factor packed in the GEMM's panel layout
 * ({@link PackedMatrix}), once per pass rather than at every step: forward packs wh into the
 * caller's {@link Workspace} (one per shard, so shards on several threads never share it, and a
 * pass always sees the current weights); backward reads whᵀ packed once per batch by
 * {@link #prepareBackward}. Packed, a 16 × 200 × 200 step took 6.8 µs against 9.1 reading wh in
 * place (its ragged last panel re-packed at every step; Zen 5, 512 bits, a plain timing loop);
 * packing 200 × 200 costs about one step. Steps of one or two rows (a tagger on one sentence) read
 * the packed panels too: a 1 × 200 × 200 step took 0.90 µs against 1.35 for the GEMV on wh in place
 * and 2.0 on whᵀ (512 bits), and with the plain-Java engine 2.1 against 4.5 and 7.9 µs. Only a
 * forward pass of a single step reads wh in place.
 */
final class SigmoidRecurrence {
    /** At or below this many running rows a step uses row-vector products instead of a GEMM. */
    private static final int SMALL_M = 2;

    /** A forward pass of fewer steps than this reads wh in place instead of packing it. */
    private static final int PACK_MIN_STEPS = 2;

    private final Parameter wh;
    private final int nh;
    private final PackedWeight whT; // whᵀ in panels, refreshed by prepareBackward

    /** A forward pass's copy of wh in panels: one per shard (see the class comment). */
    static final class Workspace {
        private PackedMatrix wh;
    }

    SigmoidRecurrence(Parameter wh) {
        int[] s = wh.shape();
        if (s.length != 2 || s[0] != s[1]) {
            throw new IllegalArgumentException("a recurrent weight is nh × nh, got " + wh);
        }
        this.wh = wh;
        this.nh = s[0];
        this.whT = new PackedWeight(wh, true);
    }

    Parameter weight() {
        return wh;
    }

    int hiddenSize() {
        return nh;
    }

    /**
     * h_t = σ(a_t + h_{t−1}·wh) for every step, in place (see the class comment for the layout);
     * {@code ws} holds this pass's packed copy of wh (not shared with a pass on another thread).
     */
    void forward(Workspace ws, int slots, int steps, int[] running, float[] hs, int off, int ld) {
        float[] w = wh.values();
        int wOff = wh.offset();
        int block = slots * ld;
        PackedMatrix packed = null;
        if (steps >= PACK_MIN_STEPS) {
            if (ws.wh == null) {
                ws.wh = PackedMatrix.pack(false, nh, nh, w, wOff, nh);
            } else {
                ws.wh.repack(w, wOff, nh);
            }
            packed = ws.wh;
        }
        for (int t = 0; t < steps; t++) {
            int bt = running[t];
            int prev = off + t * block;
            int cur = prev + block;
            if (packed != null) {
                Gemm.sgemm(false, bt, 1f, hs, prev, ld, packed, 1f, hs, cur, ld);
            } else if (bt <= SMALL_M) {
                for (int i = 0; i < bt; i++) {
                    MatVec.addRowTimes(nh, nh, hs, prev + i * ld, w, wOff, nh, hs, cur + i * ld);
                }
            } else {
                Gemm.sgemm(false, false, bt, nh, nh, 1f, hs, prev, ld, w, wOff, nh, 1f, hs, cur, ld);
            }
            if (ld == nh) {
                Activation.sigmoid(hs, cur, hs, cur, bt * nh);
            } else {
                for (int i = 0; i < bt; i++) {
                    Activation.sigmoid(hs, cur + i * ld, hs, cur + i * ld, nh);
                }
            }
        }
    }

    /**
     * Refreshes the packed copy of whᵀ that {@link #backward} reads at every step; call once per
     * batch, after the last change of wh and before the shards run.
     */
    void prepareBackward() {
        whT.refresh(); // packed straight from wh as a transposed B (no transposed copy first)
    }

    /**
     * Backward through time: on entry block t of dz (t = 0 .. T−1, at {@code dOff + t·slots·ldd}) holds
     * ∂L/∂h_t from above; on return dz_t. Writes ∂wh (overwritten) at gWh[gOff ..]. Rows past
     * running[t] must hold zero on entry.
     */
    void backward(int slots, int steps, int[] running, float[] hs, int off, int ld,
                  float[] dz, int dOff, int ldd, float[] gWh, int gOff) {
        int hBlock = slots * ld;
        int dBlock = slots * ldd;
        for (int t = steps - 1; t >= 0; t--) {
            int bt = running[t];
            int cur = dOff + t * dBlock;
            int h = off + (t + 1) * hBlock;
            if (ld == nh && ldd == nh) {
                Activation.sigmoidBackward(hs, h, dz, cur, dz, cur, bt * nh);
            } else {
                for (int i = 0; i < bt; i++) {
                    Activation.sigmoidBackward(hs, h + i * ld, dz, cur + i * ldd, dz, cur + i * ldd, nh);
                }
            }
            if (t > 0) {
                int prev = cur - dBlock;
                Gemm.sgemm(false, bt, 1f, dz, cur, ldd, whT.packed(), 1f, dz, prev, ldd);
            }
        }
        Gemm.sgemm(true, false, nh, nh, slots * steps, 1f, hs, off, ld, dz, dOff, ldd, 0f, gWh, gOff, nh);
    }

    /**
     * ∂L/∂h_{−1} summed over the slots, for a learned initial state (the tagger's h0):
     * out = (Σ_slots dz_0)·whᵀ, overwritten; colSum is nh floats of scratch.
     */
    void initialStateGradient(int slots, float[] dz, int dOff, int ldd, float[] colSum, float[] out, int oOff) {
        Arrays.fill(colSum, 0, nh, 0f);
        Blas.addColumnSums(slots, nh, dz, dOff, ldd, colSum, 0);
        Arrays.fill(out, oOff, oOff + nh, 0f);
        MatVec.addRowTimesTransposed(nh, nh, colSum, 0, wh.values(), wh.offset(), nh, out, oOff);
    }
}
