package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Softmax;

import java.util.Arrays;

/**
 * The Elman tagger of the RNNSLU tutorial (SPEC §1): word embeddings over a context window, a sigmoid
 * hidden layer whose state before the first word is the learned parameter h0, and a softmax over
 * labels. For a sentence of word ids l[0..T) and windows win_t (cs ids centred on word t, −1 =
 * padding = row ne of {@code emb}):
 *
 * <pre>
 *   x_t = emb[win_t[0]] ‖ … ‖ emb[win_t[cs−1]]
 *   h_t = σ(x_t·wx + h_{t−1}·wh + bh),   h_{−1} = h0
 *   s_t = softmax(h_t·w + b)
 *   L   = −(1/T) Σ_t log s_t[y_t]          (a batch sums its sentences' L)
 * </pre>
 *
 * <p>Parameters (in this order): {@code emb} (ne+1) × de, {@code wx} (de·cs) × nh, {@code wh} nh × nh,
 * {@code w} nh × nc, {@code bh} nh, {@code b} nc, {@code h0} nh; the four matrices start at
 * 0.2·U(−1, 1) from the library's seeded generator (SplitMix64, in the order above, row-major), the
 * three vectors at 0.
 *
 * <p><b>How it computes.</b> A batch of B sentences is laid out time-major (step t is one contiguous
 * B × n block) with the sentences sorted by decreasing length, so the sentences still running at step
 * t are the first B_t rows of its block. Forward: the windows of all steps are gathered into one
 * (T·B) × (de·cs) matrix X and projected by one GEMM straight into the hidden-state buffer, plus bh;
 * each recurrent step is then a GEMM accumulating h_{t−1}·wh into that pre-activation (B_t rows), and σ
 * in place; the output projection of all steps is one GEMM, then a fused softmax + cross-entropy that
 * leaves (s − onehot)/T_s in the logits. Backward mirrors it: dH = dlogits·wᵀ for all steps in one
 * GEMM, then per step backwards σ′ in place and dh_{t−1} += dz_t·whᵀ; the weight gradients are one GEMM
 * each over all steps (Hᵀ·dlogits, H_prevᵀ·dZ, Xᵀ·dZ), bias gradients column sums, ∂h0 = (Σ_b dz_{0,b})·whᵀ,
 * and dX = dZ·wxᵀ is scatter-added into the embedding rows of the windows only. Padded steps carry
 * target −1, so they add no loss and their gradient rows are exactly zero. Workspaces grow to the
 * largest batch seen and are reused: nothing is allocated in the steady state.
 *
 * <p>An instance is not thread-safe.
 */
public final class ElmanTagger {
    /** Below this many running sentences a recurrent step uses row-vector products instead of a GEMM. */
    private static final int SMALL_M = 2;
    /** loss() runs this many sentences at a time, so evaluating a whole corpus keeps workspaces small. */
    private static final int LOSS_CHUNK = 64;

    private final ElmanConfig config;
    private final int ne, nc, de, cs, nh, win;
    private final Parameter emb, wx, wh, w, bh, b, h0;
    private final ParameterSet params;
    private final Parameter[] denseParams;

    // ---- batch workspace (time-major rows r = t·B + slot), grown to the largest batch seen ----
    private int capSlots, capRows;
    private int[] slotSentence = new int[0];   // sentence index of each slot (sorted by decreasing length)
    private int[] slotLength = new int[0];
    private int[] running = new int[0];        // B_t: slots still running at step t (capacity: max T)
    private int[] targets = new int[0];        // slot-major: targets[slot·T + t], −1 past the sentence's end
    private int[] windows = new int[0];        // rows × cs embedding-row ids (ne = padding)
    private float[] x = new float[0];          // rows × (de·cs): gathered windows; reused for dX in backward
    private float[] hs = new float[0];         // (rows + B) × nh: block 0 = h0, block t+1 = h_t
    private float[] logits = new float[0];     // rows × nc; after the loss, (s − onehot)/T_s
    private float[] dh = new float[0];         // rows × nh: dH, then dZ in place
    private final float[] colSum;              // nh scratch
    private int batchSlots, batchSteps;        // shape of the batch in the workspace

    // ---- embedding rows touched ----
    private final int[] gradRows;              // rows of emb.gradient() that may be non-zero
    private int gradRowCount;
    private final boolean[] gradRowMark;
    private boolean gradRowsUnknown = true;    // gradient array never cleared by us yet
    private final int[] pendingRows;           // rows updated since the last normalizeEmbeddings()
    private int pendingCount;
    private final boolean[] pendingMark;
    private boolean normalizedOnce;
    private long embVersionSeen;

    /**
     * A tagger with parameters initialised per SPEC §1 from {@code seed} (same seed ⇒ bit-identical
     * parameters).
     */
    public ElmanTagger(ElmanConfig config, long seed) {
        if (config == null) {
            throw new IllegalArgumentException("config is null");
        }
        this.config = config;
        this.ne = config.vocabularySize();
        this.nc = config.numLabels();
        this.de = config.embeddingDim();
        this.cs = config.windowSize();
        this.nh = config.hiddenSize();
        this.win = de * cs;
        emb = new Parameter("emb", ne + 1, de);
        wx = new Parameter("wx", win, nh);
        wh = new Parameter("wh", nh, nh);
        w = new Parameter("w", nh, nc);
        bh = new Parameter("bh", nh);
        b = new Parameter("b", nc);
        h0 = new Parameter("h0", nh);
        params = new ParameterSet(emb, wx, wh, w, bh, b, h0);
        denseParams = new Parameter[] {wx, wh, w, bh, b, h0};
        SeededRandom rng = new SeededRandom(seed);
        rng.fillUniform(emb.values(), 0.2f);
        rng.fillUniform(wx.values(), 0.2f);
        rng.fillUniform(wh.values(), 0.2f);
        rng.fillUniform(w.values(), 0.2f);
        colSum = new float[nh];
        gradRows = new int[ne + 1];
        gradRowMark = new boolean[ne + 1];
        pendingRows = new int[ne + 1];
        pendingMark = new boolean[ne + 1];
    }

    public ElmanConfig config() {
        return config;
    }

    /** The parameters {@code emb wx wh w bh b h0}, live. */
    public ParameterSet parameters() {
        return params;
    }

    /**
     * Loss and gradients, no update: L = Σ over sentences s in [from, from+count) of each one's mean
     * NLL. Every gradient array is overwritten with ∂L/∂θ (for {@code emb}, the rows outside the
     * batch's windows are zero).
     *
     * @return L
     * @throws IllegalArgumentException for a bad range, a null or empty sentence, a word id outside
     *                                  [0, ne), a label outside [0, nc) or a length mismatch, naming the
     *                                  sentence and position; nothing is changed then
     */
    public double computeGradients(int[][] words, int[][] labels, int from, int count) {
        validate(words, labels, true, from, count);
        if (count == 0) {
            zeroAllGradients();
            return 0;
        }
        layoutBatch(words, labels, from, count);
        forward(words, from);
        double loss = softmaxLoss();
        backward(words, from);
        return loss;
    }

    /**
     * One SGD step θ ← θ − lr·∂L/∂θ with the gradients of the last {@link #computeGradients} (for
     * {@code emb}, only the rows that batch touched).
     */
    public void applySgd(float lr) {
        if (!Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite, got " + lr);
        }
        noticeExternalEmbeddingChange();
        for (Parameter p : denseParams) {
            Blas.axpy(p.size(), -lr, p.gradient(), 0, p.values(), 0);
            p.markModified();
        }
        if (gradRowsUnknown) {
            // no gradient computed here yet: the array may hold anything, so update (and later normalise) it all
            Blas.axpy(emb.size(), -lr, emb.gradient(), 0, emb.values(), 0);
            normalizedOnce = false;
        } else {
            float[] ev = emb.values();
            float[] eg = emb.gradient();
            for (int i = 0; i < gradRowCount; i++) {
                int row = gradRows[i];
                Blas.axpy(de, -lr, eg, row * de, ev, row * de);
                if (!pendingMark[row]) {
                    pendingMark[row] = true;
                    pendingRows[pendingCount++] = row;
                }
            }
        }
        emb.markModified();
        embVersionSeen = emb.version();
    }

    /** After emb was set from outside (set(), copyValuesFrom), the next normalisation covers every row. */
    private void noticeExternalEmbeddingChange() {
        if (emb.version() != embVersionSeen) {
            normalizedOnce = false;
            embVersionSeen = emb.version();
        }
    }

    /**
     * Scales rows of {@code emb} to unit L2 norm (an all-zero row stays zero): every row (padding row
     * included) on the first call or after {@code emb} was set from outside, afterwards only the rows
     * updated since the previous call.
     */
    public void normalizeEmbeddings() {
        float[] ev = emb.values();
        noticeExternalEmbeddingChange();
        if (!normalizedOnce) {
            Blas.normalizeRows(ne + 1, de, ev, 0, de);
            normalizedOnce = true;
        } else {
            for (int i = 0; i < pendingCount; i++) {
                Blas.normalizeRows(1, de, ev, pendingRows[i] * de, de);
            }
        }
        for (int i = 0; i < pendingCount; i++) {
            pendingMark[pendingRows[i]] = false;
        }
        pendingCount = 0;
        emb.markModified();
        embVersionSeen = emb.version();
    }

    /** {@link #computeGradients}, {@link #applySgd}, {@link #normalizeEmbeddings}: the tutorial's update. */
    public double trainStep(int[][] words, int[][] labels, int from, int count, float lr) {
        double loss = computeGradients(words, labels, from, count);
        applySgd(lr);
        normalizeEmbeddings();
        return loss;
    }

    /** The loss of {@link #computeGradients} without touching any gradient (forward only). */
    public double loss(int[][] words, int[][] labels, int from, int count) {
        validate(words, labels, true, from, count);
        double total = 0;
        for (int s = from; s < from + count; s += LOSS_CHUNK) {
            int n = Math.min(LOSS_CHUNK, from + count - s);
            layoutBatch(words, labels, s, n);
            forward(words, s);
            total += softmaxLoss();
        }
        return total;
    }

    /**
     * Tags one sentence: labelsOut[t] = argmax_j s_t[j] for t in [0, words.length). Allocation-free once
     * the workspace has seen a sentence this long.
     *
     * @throws IllegalArgumentException for a word id outside [0, ne) or a too-short labelsOut
     */
    public void tag(int[] words, int[] labelsOut) {
        if (words == null || labelsOut == null) {
            throw new IllegalArgumentException("words and labelsOut must not be null");
        }
        if (labelsOut.length < words.length) {
            throw new IllegalArgumentException("labelsOut has length " + labelsOut.length + " < " + words.length + " words");
        }
        for (int t = 0; t < words.length; t++) {
            checkWord(words[t], 0, t);
        }
        int steps = words.length;
        if (steps == 0) {
            return;
        }
        ensureCapacity(1, steps);
        batchSlots = 1;
        batchSteps = steps;
        slotSentence[0] = 0;
        slotLength[0] = steps;
        for (int t = 0; t < steps; t++) {
            running[t] = 1;
        }
        forwardOne(words);
        for (int t = 0; t < steps; t++) {
            labelsOut[t] = MatVec.argmax(logits, t * nc, nc);
        }
    }

    /** A streaming tagger over the precomputed per-slot projections emb·wx (see {@link StreamingTagger}). */
    public StreamingTagger newStreamingTagger() {
        return new StreamingTagger(this, true);
    }

    /**
     * A streaming tagger; with {@code precomputeProjections} false each word's window is projected by a
     * (de·cs) × nh product instead of cs row additions (for comparison).
     */
    public StreamingTagger newStreamingTagger(boolean precomputeProjections) {
        return new StreamingTagger(this, precomputeProjections);
    }

    // ------------------------------------------------------------------ validation

    private void validate(int[][] words, int[][] labels, boolean needLabels, int from, int count) {
        if (words == null || (needLabels && labels == null)) {
            throw new IllegalArgumentException("words and labels must not be null");
        }
        if (from < 0 || count < 0 || (long) from + count > words.length
                || (needLabels && (long) from + count > labels.length)) {
            throw new IllegalArgumentException("sentences [" + from + ", " + ((long) from + count) + ") out of range: "
                    + words.length + " word sentences" + (needLabels ? ", " + labels.length + " label sentences" : ""));
        }
        for (int s = from; s < from + count; s++) {
            int[] ws = words[s];
            if (ws == null || ws.length == 0) {
                throw new IllegalArgumentException("sentence " + s + " is " + (ws == null ? "null" : "empty"));
            }
            for (int t = 0; t < ws.length; t++) {
                checkWord(ws[t], s, t);
            }
            if (needLabels) {
                int[] ls = labels[s];
                if (ls == null || ls.length != ws.length) {
                    throw new IllegalArgumentException("sentence " + s + " has " + ws.length + " words but "
                            + (ls == null ? "null labels" : ls.length + " labels"));
                }
                for (int t = 0; t < ls.length; t++) {
                    if (ls[t] < 0 || ls[t] >= nc) {
                        throw new IllegalArgumentException("sentence " + s + ", position " + t + ": label " + ls[t]
                                + " outside [0, " + nc + ")");
                    }
                }
            }
        }
    }

    private void checkWord(int id, int s, int t) {
        if (id < 0 || id >= ne) {
            throw new IllegalArgumentException("sentence " + s + ", position " + t + ": word id " + id
                    + " outside [0, " + ne + ")");
        }
    }

    // ------------------------------------------------------------------ workspace

    private void ensureCapacity(int slots, int steps) {
        long rows = (long) slots * steps;
        if (rows + slots > Integer.MAX_VALUE / Math.max(Math.max(win, nh), Math.max(nc, cs))) {
            throw new IllegalArgumentException("batch of " + slots + " sentences × " + steps + " steps is too large");
        }
        if (slots > capSlots) {
            capSlots = slots;
            slotSentence = new int[slots];
            slotLength = new int[slots];
        }
        if (steps > running.length) {
            running = new int[steps];
        }
        if (rows > capRows || slots > capSlots || hs.length < (rows + slots) * nh) {
            capRows = (int) Math.max(rows, capRows);
            int r = capRows;
            targets = new int[r];
            windows = new int[r * cs];
            x = new float[r * win];
            logits = new float[r * nc];
            dh = new float[r * nh];
            hs = new float[(r + capSlots) * nh];
        }
    }

    /** Sorts the sentences by decreasing length (stable) into slots, fills running[], targets, windows. */
    private void layoutBatch(int[][] words, int[][] labels, int from, int count) {
        int steps = 0;
        for (int s = from; s < from + count; s++) {
            steps = Math.max(steps, words[s].length);
        }
        ensureCapacity(count, steps);
        batchSlots = count;
        batchSteps = steps;
        // stable insertion sort by decreasing length (no allocation, batches are small)
        for (int i = 0; i < count; i++) {
            int s = from + i;
            int len = words[s].length;
            int j = i;
            while (j > 0 && slotLength[j - 1] < len) {
                slotLength[j] = slotLength[j - 1];
                slotSentence[j] = slotSentence[j - 1];
                j--;
            }
            slotLength[j] = len;
            slotSentence[j] = s;
        }
        int active = count;
        for (int t = 0; t < steps; t++) {
            while (active > 0 && slotLength[active - 1] <= t) {
                active--;
            }
            running[t] = active;
        }
        if (labels != null) {
            for (int slot = 0; slot < count; slot++) {
                int[] ls = labels[slotSentence[slot]];
                int o = slot * steps;
                System.arraycopy(ls, 0, targets, o, ls.length);
                Arrays.fill(targets, o + ls.length, o + steps, -1);
            }
        }
    }

    // ------------------------------------------------------------------ forward

    /** Forward of the laid-out batch up to the logits (h in hs, logits = H·w + b). */
    private void forward(int[][] words, int from) {
        final int slots = batchSlots, steps = batchSteps, rows = slots * steps;
        // gather the windows of every running (step, slot); padded rows are zero
        for (int t = 0; t < steps; t++) {
            int bt = running[t];
            for (int slot = 0; slot < slots; slot++) {
                int r = t * slots + slot;
                if (slot < bt) {
                    gatherWindow(words[slotSentence[slot]], t, r);
                } else {
                    Arrays.fill(x, r * win, (r + 1) * win, 0f);
                }
            }
        }
        forwardFromX(rows);
    }

    /** Forward of one sentence (the laid-out batch of one slot). */
    private void forwardOne(int[] sentence) {
        for (int t = 0; t < batchSteps; t++) {
            gatherWindow(sentence, t, t);
        }
        forwardFromX(batchSteps);
    }

    private void gatherWindow(int[] sentence, int t, int row) {
        int half = cs / 2;
        float[] ev = emb.values();
        int xo = row * win;
        int wo = row * cs;
        for (int j = 0; j < cs; j++) {
            int pos = t - half + j;
            int id = pos >= 0 && pos < sentence.length ? sentence[pos] : ne;
            windows[wo + j] = id;
            System.arraycopy(ev, id * de, x, xo + j * de, de);
        }
    }

    private void forwardFromX(int rows) {
        final int slots = batchSlots, steps = batchSteps;
        final int hOff = slots * nh; // block t+1 holds h_t
        // pre-activations of all steps: X·wx + bh, written straight into the hidden-state blocks
        Gemm.sgemm(false, false, rows, nh, win, 1f, x, 0, win, wx.values(), 0, nh, 0f, hs, hOff, nh);
        Blas.addRowVector(rows, nh, bh.values(), 0, hs, hOff, nh);
        for (int slot = 0; slot < slots; slot++) {
            System.arraycopy(h0.values(), 0, hs, slot * nh, nh);
        }
        float[] whv = wh.values();
        for (int t = 0; t < steps; t++) {
            int bt = running[t];
            int prev = t * slots * nh;
            int cur = prev + slots * nh;
            if (bt <= SMALL_M) {
                for (int i = 0; i < bt; i++) {
                    MatVec.addRowTimes(nh, nh, hs, prev + i * nh, whv, 0, nh, hs, cur + i * nh);
                }
            } else {
                Gemm.sgemm(false, false, bt, nh, nh, 1f, hs, prev, nh, whv, 0, nh, 1f, hs, cur, nh);
            }
            Activation.sigmoid(hs, cur, hs, cur, bt * nh);
        }
        // output projection of all steps
        Gemm.sgemm(false, false, rows, nc, nh, 1f, hs, hOff, nh, w.values(), 0, nc, 0f, logits, 0, nc);
        Blas.addRowVector(rows, nc, b.values(), 0, logits, 0, nc);
    }

    /** Fused softmax + cross-entropy per sentence (scale 1/T_s); returns Σ_s mean NLL. */
    private double softmaxLoss() {
        final int slots = batchSlots, steps = batchSteps;
        double loss = 0;
        for (int slot = 0; slot < slots; slot++) {
            int len = slotLength[slot];
            double sum = Softmax.softmaxCrossEntropy(steps, nc, logits, slot * nc, slots * nc,
                    targets, slot * steps, 1f / len);
            loss += sum / len;
        }
        return loss;
    }

    // ------------------------------------------------------------------ backward

    private void backward(int[][] words, int from) {
        final int slots = batchSlots, steps = batchSteps, rows = slots * steps;
        final int hOff = slots * nh;
        final float[] whv = wh.values();
        // output layer: ∂w = Hᵀ·dlogits, ∂b = Σ rows, dH = dlogits·wᵀ (all steps at once)
        Gemm.sgemm(true, false, nh, nc, rows, 1f, hs, hOff, nh, logits, 0, nc, 0f, w.gradient(), 0, nc);
        Arrays.fill(b.gradient(), 0f);
        Blas.addColumnSums(rows, nc, logits, 0, nc, b.gradient(), 0);
        Gemm.sgemm(false, true, rows, nh, nc, 1f, logits, 0, nc, w.values(), 0, nc, 0f, dh, 0, nh);
        // through time: dz_t = dh_t ⊙ σ′ in place, dh_{t−1} += dz_t·whᵀ (running rows only; the others stay 0)
        for (int t = steps - 1; t >= 0; t--) {
            int bt = running[t];
            int cur = t * slots * nh;
            Activation.sigmoidBackward(hs, cur + hOff, dh, cur, dh, cur, bt * nh);
            if (t > 0) {
                int prev = cur - slots * nh;
                if (bt <= SMALL_M) {
                    for (int i = 0; i < bt; i++) {
                        MatVec.addRowTimesTransposed(nh, nh, dh, cur + i * nh, whv, 0, nh, dh, prev + i * nh);
                    }
                } else {
                    Gemm.sgemm(false, true, bt, nh, nh, 1f, dh, cur, nh, whv, 0, nh, 1f, dh, prev, nh);
                }
            }
        }
        // ∂wh = H_prevᵀ·dZ (block 0 of hs is h0), ∂bh = Σ rows of dZ
        Gemm.sgemm(true, false, nh, nh, rows, 1f, hs, 0, nh, dh, 0, nh, 0f, wh.gradient(), 0, nh);
        Arrays.fill(bh.gradient(), 0f);
        Blas.addColumnSums(rows, nh, dh, 0, nh, bh.gradient(), 0);
        // ∂h0 = (Σ_slots dz_0)·whᵀ
        Arrays.fill(colSum, 0f);
        Blas.addColumnSums(slots, nh, dh, 0, nh, colSum, 0);
        Arrays.fill(h0.gradient(), 0f);
        MatVec.addRowTimesTransposed(nh, nh, colSum, 0, whv, 0, nh, h0.gradient(), 0);
        // ∂wx = Xᵀ·dZ, then dX = dZ·wxᵀ overwrites X
        Gemm.sgemm(true, false, win, nh, rows, 1f, x, 0, win, dh, 0, nh, 0f, wx.gradient(), 0, nh);
        Gemm.sgemm(false, true, rows, win, nh, 1f, dh, 0, nh, wx.values(), 0, nh, 0f, x, 0, win);
        scatterEmbeddingGradient();
    }

    /** ∂emb: zero the rows of the previous batch, then add each running row's dX slices to its window's rows. */
    private void scatterEmbeddingGradient() {
        float[] eg = emb.gradient();
        if (gradRowsUnknown) {
            Arrays.fill(eg, 0f);
            gradRowsUnknown = false;
        } else {
            for (int i = 0; i < gradRowCount; i++) {
                int row = gradRows[i];
                Arrays.fill(eg, row * de, (row + 1) * de, 0f);
                gradRowMark[row] = false;
            }
        }
        gradRowCount = 0;
        final int slots = batchSlots, steps = batchSteps;
        for (int t = 0; t < steps; t++) {
            int bt = running[t];
            for (int slot = 0; slot < bt; slot++) {
                int r = t * slots + slot;
                for (int j = 0; j < cs; j++) {
                    int id = windows[r * cs + j];
                    if (!gradRowMark[id]) {
                        gradRowMark[id] = true;
                        gradRows[gradRowCount++] = id;
                    }
                    Blas.axpy(de, 1f, x, r * win + j * de, eg, id * de);
                }
            }
        }
    }

    private void zeroAllGradients() {
        params.zeroGradients();
        for (int i = 0; i < gradRowCount; i++) {
            gradRowMark[gradRows[i]] = false;
        }
        gradRowCount = 0;
        gradRowsUnknown = false;
    }

    // ------------------------------------------------------------------ for the streaming tagger

    Parameter emb() {
        return emb;
    }

    Parameter wx() {
        return wx;
    }

    Parameter wh() {
        return wh;
    }

    Parameter w() {
        return w;
    }

    Parameter bh() {
        return bh;
    }

    Parameter b() {
        return b;
    }

    Parameter h0() {
        return h0;
    }
}
