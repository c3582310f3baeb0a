package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.PackedMatrix;

/**
 * Tags a sentence one word at a time with an {@link ElmanTagger}: the label of word k needs the
 * words up to k + lag (lag = (cs − 1)/2, the right half of its window), so {@link #push(int)} of word
 * i returns the label of word i − lag, and {@link #finish(int[], int)} flushes the last lag labels
 * (their windows padded on the right) and starts a new sentence. The labels equal
 * {@link ElmanTagger#tag(int[], int[])} on the whole sentence.
 *
 * <pre>{@code
 * StreamingTagger st = tagger.newStreamingTagger();
 * for (int word : sentence) { int label = st.push(word); if (label >= 0) emit(label); }
 * int n = st.finish(buf, 0);   // buf[0..n) are the last labels
 * }</pre>
 *
 * <p>With precomputed projections (the default) the tagger keeps P_j = emb·wx[j·de:(j+1)·de, :] for
 * each window slot j ((ne+1) × nh each, bh folded into P_0), so a word's input projection is cs row
 * additions instead of a (de·cs) × nh product; they are recomputed at the start of a sentence when
 * the model's parameters were changed by the library (updates, set(), copyValuesFrom), or on
 * {@link #refresh()}. They take cs·(ne+1)·nh floats (3.2 MB on the E1 shape; for a large vocabulary
 * use {@code newStreamingTagger(false)}) and cost (ne+1)·de·cs·nh multiply-adds to build. Measured on
 * the E1 shape (R1w, JMH p50, shared machine): 2.2–2.3 µs per word against 4.7–5.0 µs without them.
 * The recurrent and output weights are kept packed in the GEMM's panel layout too (refreshed with
 * the projections): about 1.3 µs of the 2.2 are the two one-row products, bound by reading the
 * weights from L2 (see {@code SimdGemm.packedRow}).
 * Nothing is allocated per word.
 *
 * <p><b>State outside the tagger.</b> {@link #saveState} and {@link #restoreState} copy the state of
 * the sentence in progress (1 + cs ints and nh floats) out and back in, so that one tagger can serve
 * many streams (one saved state per stream, as a stream processor keeps per-key state) with the same
 * labels as one tagger per stream.
 *
 * <p><b>Threads.</b> Not thread-safe: one per thread (or per stream). Any number may share one
 * {@link ElmanTagger}, on any threads, as long as no thread trains it or sets its parameters meanwhile
 * (the tagger's own batch methods and {@link ElmanTagger#tag} are for one thread at a time; use
 * {@link ElmanTagger#newTaggingSession()} for whole sentences on several threads).
 */
public final class StreamingTagger {
    private final ElmanTagger model;
    private final boolean precomputed;
    private final int ne, nc, de, cs, nh, win, lag;
    private final float[] proj;      // cs × (ne+1) × nh, or null
    private final float[] x;         // de·cs window, without precomputation
    private final float[] h, z, logits;
    private final PackedMatrix whPacked, wPacked; // wh and w in the GEMM's panel layout, refreshed with proj
    private final int[] ring;        // the last cs word ids, by position mod cs
    private final int[] rowOffsets;  // the cs rows of proj summed for one word
    private int pushed;              // words pushed in this sentence
    private long versionSeen = Long.MIN_VALUE;

    StreamingTagger(ElmanTagger model, boolean precomputed) {
        ElmanConfig c = model.config();
        this.model = model;
        this.precomputed = precomputed;
        this.ne = c.vocabularySize();
        this.nc = c.numLabels();
        this.de = c.embeddingDim();
        this.cs = c.windowSize();
        this.nh = c.hiddenSize();
        this.win = de * cs;
        this.lag = cs / 2;
        long projSize = (long) cs * (ne + 1) * nh;
        if (precomputed && projSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("precomputed projections need " + projSize + " floats; too large");
        }
        this.proj = precomputed ? new float[(int) projSize] : null;
        this.x = precomputed ? null : new float[win];
        this.h = new float[nh];
        this.z = new float[nh];
        this.logits = new float[nc];
        this.ring = new int[cs];
        this.rowOffsets = new int[cs];
        this.whPacked = PackedMatrix.pack(false, nh, nh, model.wh().values(), 0, nh);
        this.wPacked = PackedMatrix.pack(false, nh, nc, model.w().values(), 0, nc);
        refresh();
    }

    /** (cs − 1)/2: how many words a label trails behind the word pushed. */
    public int lag() {
        return lag;
    }

    /** Words pushed in the current sentence whose labels are not yet out (at most {@link #lag()}). */
    public int pending() {
        return Math.min(pushed, lag);
    }

    /** Whether this tagger uses the precomputed per-slot projections. */
    public boolean precomputed() {
        return precomputed;
    }

    /**
     * Appends the next word of the sentence.
     *
     * @return the label of word (position − lag), or −1 while the first lag words are buffered
     * @throws IllegalArgumentException for a word id outside [0, ne)
     */
    public int push(int word) {
        if (word < 0 || word >= ne) {
            throw new IllegalArgumentException("position " + pushed + ": word id " + word + " outside [0, " + ne + ")");
        }
        if (pushed == 0) {
            startSentence();
        }
        ring[pushed % cs] = word;
        pushed++;
        int k = pushed - 1 - lag;
        return k >= 0 ? step(k) : -1;
    }

    /**
     * Ends the sentence: writes the labels of its last {@link #pending()} words into
     * labelsOut[off..], then resets for a new sentence.
     *
     * @return the number of labels written
     * @throws IllegalArgumentException when labelsOut has no room for them (nothing is changed then)
     */
    public int finish(int[] labelsOut, int off) {
        int n = pending();
        if (labelsOut == null || off < 0 || (long) off + n > labelsOut.length) {
            throw new IllegalArgumentException("labelsOut needs room for " + n + " labels at offset " + off
                    + (labelsOut == null ? " (null)" : " (length " + labelsOut.length + ")"));
        }
        for (int i = 0; i < n; i++) {
            labelsOut[off + i] = step(pushed - n + i);
        }
        pushed = 0;
        return n;
    }

    /** Words pushed in the current sentence so far (0 at the start of a sentence). */
    public int position() {
        return pushed;
    }

    /**
     * The ints of this tagger's state in {@link #saveState}: the position in the sentence, then the
     * word ids of the last cs positions by position mod cs (1 + cs in all).
     */
    public int stateIntCount() {
        return 1 + cs;
    }

    /** The floats of this tagger's state in {@link #saveState}: the hidden vector h (nh). */
    public int stateFloatCount() {
        return nh;
    }

    /**
     * Writes the state of the sentence in progress — the position, the window of pending words and the
     * hidden vector — into ints[intOff .. intOff + {@link #stateIntCount()}) and
     * floats[floatOff .. floatOff + {@link #stateFloatCount()}), so that it can be kept outside the
     * tagger (a stream processor's per-key state) and given back with {@link #restoreState}. A tagger
     * of the same model that restores it continues with bit-identical labels. Allocation-free.
     *
     * @throws IllegalArgumentException when a view runs outside its array
     */
    public void saveState(int[] ints, int intOff, float[] floats, int floatOff) {
        checkStateViews(ints, intOff, floats, floatOff);
        ints[intOff] = pushed;
        System.arraycopy(ring, 0, ints, intOff + 1, cs);
        System.arraycopy(h, 0, floats, floatOff, nh);
    }

    /**
     * Replaces the state of this tagger by one written by {@link #saveState} (from this tagger or
     * another of the same model); the next {@link #push} continues that sentence. Like the start of a
     * sentence, it first recomputes the precomputed projections when the model's parameters changed.
     * Allocation-free.
     *
     * @throws IllegalArgumentException when a view runs outside its array, the position is negative, or
     *                                  a word id of the window is outside [0, ne); the tagger is unchanged then
     */
    public void restoreState(int[] ints, int intOff, float[] floats, int floatOff) {
        checkStateViews(ints, intOff, floats, floatOff);
        int position = ints[intOff];
        if (position < 0) {
            throw new IllegalArgumentException("saved position " + position + " is negative");
        }
        for (int p = Math.max(0, position - cs); p < position; p++) {
            int word = ints[intOff + 1 + p % cs];
            if (word < 0 || word >= ne) {
                throw new IllegalArgumentException("saved word id " + word + " at position " + p + " outside [0, " + ne + ")");
            }
        }
        if (model.parameters().version() != versionSeen) {
            refresh();
        }
        pushed = position;
        System.arraycopy(ints, intOff + 1, ring, 0, cs);
        System.arraycopy(floats, floatOff, h, 0, nh);
    }

    private void checkStateViews(int[] ints, int intOff, float[] floats, int floatOff) {
        if (ints == null || intOff < 0 || (long) intOff + stateIntCount() > ints.length) {
            throw new IllegalArgumentException("ints needs " + stateIntCount() + " entries at offset " + intOff
                    + (ints == null ? " (null)" : " (length " + ints.length + ")"));
        }
        if (floats == null || floatOff < 0 || (long) floatOff + nh > floats.length) {
            throw new IllegalArgumentException("floats needs " + nh + " entries at offset " + floatOff
                    + (floats == null ? " (null)" : " (length " + floats.length + ")"));
        }
    }

    /** Abandons the current sentence. */
    public void reset() {
        pushed = 0;
    }

    /**
     * Recomputes the precomputed projections from the model's current parameters (needed only after
     * writing into {@link Parameter#values()} arrays directly). Takes effect at the next sentence.
     */
    public void refresh() {
        versionSeen = model.parameters().version();
        whPacked.repack(model.wh().values(), 0, nh);
        wPacked.repack(model.w().values(), 0, nc);
        if (!precomputed) {
            return;
        }
        float[] ev = model.emb().values();
        float[] wxv = model.wx().values();
        int rows = ne + 1;
        for (int j = 0; j < cs; j++) {
            Gemm.sgemm(false, false, rows, nh, de, 1f, ev, 0, de, wxv, j * de * nh, nh, 0f, proj, j * rows * nh, nh);
        }
        Blas.addRowVector(rows, nh, model.bh().values(), 0, proj, 0, nh);
    }

    private void startSentence() {
        if (model.parameters().version() != versionSeen) {
            refresh();
        }
        System.arraycopy(model.h0().values(), 0, h, 0, nh);
    }

    /** Runs the recurrence for word k (its window's words all known or past the end) and returns its label. */
    private int step(int k) {
        if (precomputed) {
            int rows = ne + 1;
            for (int j = 0; j < cs; j++) {
                rowOffsets[j] = (j * rows + idAt(k - lag + j)) * nh;
            }
            Blas.sumRows(nh, proj, rowOffsets, cs, z, 0);
        } else {
            float[] ev = model.emb().values();
            for (int j = 0; j < cs; j++) {
                System.arraycopy(ev, idAt(k - lag + j) * de, x, j * de, de);
            }
            System.arraycopy(model.bh().values(), 0, z, 0, nh);
            MatVec.addRowTimes(win, nh, x, 0, model.wx().values(), 0, nh, z, 0);
        }
        Gemm.sgemm(false, 1, 1f, h, 0, nh, whPacked, 1f, z, 0, nh);
        Activation.sigmoid(z, 0, h, 0, nh);
        System.arraycopy(model.b().values(), 0, logits, 0, nc);
        Gemm.sgemm(false, 1, 1f, h, 0, nh, wPacked, 1f, logits, 0, nc);
        return MatVec.argmax(logits, 0, nc);
    }

    /** The embedding row of sentence position pos: its word, or the padding row outside [0, pushed). */
    private int idAt(int pos) {
        return pos < 0 || pos >= pushed ? ne : ring[pos % cs];
    }
}
