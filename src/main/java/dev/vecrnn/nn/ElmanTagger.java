package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.util.HeapCheck;
import dev.vecrnn.util.SeededRandom;

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
 * <p><b>Shards.</b> A batch of more than {@value #SHARD_SENTENCES} sentences is dealt out (by sorted
 * length, round robin) to ceil(B / {@value #SHARD_SENTENCES}) shards, each with its own workspace,
 * which run the passes above independently — on the {@link Parallel} pool's threads when it has
 * them — and whose gradients are then summed in shard order. The cut depends only on the batch, so
 * the result is the same bit for bit on any number of threads. Measured (E2, batch 32, {@code vecrnn
 * bench --only E2 --threads 2}, three runs): 2 threads 219–248k tokens/s against 137–139k on one;
 * on one thread the two shards of 16 cost about 10–15 % against one shard of 32 (smaller recurrent
 * products reuse each panel of wh less), and splitting each step's product by columns instead gave
 * only 172–194k on 2 threads. The weights every shard multiplies by (wx, wxᵀ, w, wᵀ) are packed
 * into the GEMM's panel layout once per batch, before the shards run, rather than by each shard's
 * products ({@link PackedWeight}): 29 µs per shard of E2 (a plain timing loop, Zen 5).
 *
 * <p><b>Threads.</b> The tagger's own methods ({@link #tag}, {@link #computeGradients}, {@link #loss},
 * {@link #trainStep}, {@link #applySgd}, …) share its workspaces: one thread at a time. To tag on
 * several threads at once, give each thread its own {@link #newTaggingSession()} (whole sentences, the
 * same labels as {@link #tag} bit for bit) or {@link #newStreamingTagger()} (word by word): they only
 * read the parameters, so any number may share one tagger while no thread trains it or sets its
 * parameters. A batch of more than {@value #SHARD_SENTENCES} sentences runs its shards on the
 * {@link Parallel} pool; {@link Parallel#setThreads} may be called meanwhile from another thread (the
 * result does not depend on the thread count).
 */
public final class ElmanTagger {
    /** loss() runs this many sentences at a time, so evaluating a whole corpus keeps workspaces small. */
    private static final int LOSS_CHUNK = 64;

    private final ElmanConfig config;
    private final int ne, nc, de, cs, nh, win;
    private final Parameter emb, wx, wh, w, bh, b, h0;
    private final ParameterSet params;
    private final Parameter[] denseParams;
    // the layers: embedding rows (emb), the sigmoid recurrence (wh), the softmax output (w, b)
    private final EmbeddingRows embedding;
    private final SigmoidRecurrence recurrence;
    private final SoftmaxOutput output;
    private final PackedWeight wxPacked, wxTPacked; // for batches of several shards (see runShards)

    /**
     * Sentences per shard: a batch of more than this many is cut into ceil(count / SHARD_SENTENCES)
     * shards that run forward and backward independently (on the {@link Parallel} pool when it has
     * threads), their gradients then summed in shard order. The cut depends only on the batch, so a
     * run gives the same result bit for bit on any number of threads.
     */
    static final int SHARD_SENTENCES = 16;

    private Shard[] shards = new Shard[1];     // grown to the most shards a batch needed
    private int[] order = new int[0];          // the batch's sentences by decreasing length (stable)
    private int[] orderLength = new int[0];
    private int shardCount;
    private int[][] taskWords;                 // argument of the running shard task
    private boolean taskBackward;
    private final Parallel.Task shardTask = this::runShard;

    /**
     * A tagger with parameters initialised per SPEC §1 from {@code seed} (same seed ⇒ bit-identical
     * parameters).
     */
    public ElmanTagger(ElmanConfig config, long seed) {
        if (config == null) {
            throw new IllegalArgumentException("config is null");
        }
        HeapCheck.require(parameterBytes(parameterShapes(config).values()), "a tagger of " + config);
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
        embedding = new EmbeddingRows(emb);
        recurrence = new SigmoidRecurrence(wh);
        output = new SoftmaxOutput(w, b, false);
        wxPacked = new PackedWeight(wx, false);
        wxTPacked = new PackedWeight(wx, true);
        shards[0] = new Shard(true);
    }

    public ElmanConfig config() {
        return config;
    }

    /**
     * The names and shapes of the parameters a tagger of this config has, in order (what
     * {@link #parameters()} holds), without building one: for readers that check a file's tensors
     * before they allocate a model.
     */
    /** Bytes of the values and gradients of parameters of these shapes (float32, two arrays each). */
    static long parameterBytes(java.util.Collection<int[]> shapes) {
        long n = 0;
        for (int[] s : shapes) {
            long k = 1;
            for (int d : s) {
                k *= d;
            }
            n += k;
        }
        return 8 * n;
    }

    public static java.util.LinkedHashMap<String, int[]> parameterShapes(ElmanConfig c) {
        java.util.LinkedHashMap<String, int[]> m = new java.util.LinkedHashMap<>();
        int nh = c.hiddenSize();
        m.put("emb", new int[] {c.vocabularySize() + 1, c.embeddingDim()});
        m.put("wx", new int[] {c.embeddingDim() * c.windowSize(), nh});
        m.put("wh", new int[] {nh, nh});
        m.put("w", new int[] {nh, c.numLabels()});
        m.put("bh", new int[] {nh});
        m.put("b", new int[] {c.numLabels()});
        m.put("h0", new int[] {nh});
        return m;
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
        double loss = runShards(words, labels, from, count, true);
        for (int i = 1; i < shardCount; i++) {
            shards[i].addGradientsTo(shards[0]);
        }
        scatterEmbeddingGradient();
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
        for (Parameter p : denseParams) {
            Blas.axpy(p.size(), -lr, p.gradient(), 0, p.values(), 0);
            p.markModified();
        }
        embedding.sgd(lr);
    }

    /**
     * Scales rows of {@code emb} to unit L2 norm (an all-zero row stays zero): every row (padding row
     * included) on the first call or after {@code emb} was set from outside, afterwards only the rows
     * updated since the previous call.
     */
    public void normalizeEmbeddings() {
        embedding.normalizeUpdatedRows();
    }

    /**
     * Declares that every row of {@code emb} already has unit norm, as between training epochs: the next
     * {@link #normalizeEmbeddings} then covers only rows updated after this call, as it would have in
     * the run the parameters came from. A trainer resuming from a checkpoint calls it, so the resumed
     * run is the same bit for bit as an uninterrupted one (normalising a unit row again can move its
     * last bits).
     */
    public void markEmbeddingsNormalized() {
        embedding.markNormalized();
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
            total += runShards(words, labels, s, Math.min(LOSS_CHUNK, from + count - s), false);
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
        if (checkTagging(words, labelsOut)) {
            shards[0].tag(words, labelsOut);
        }
    }

    /** Checks tag()'s arguments; false when there is nothing to tag. */
    private boolean checkTagging(int[] words, int[] labelsOut) {
        if (words == null || labelsOut == null) {
            throw new IllegalArgumentException("words and labelsOut must not be null");
        }
        if (labelsOut.length < words.length) {
            throw new IllegalArgumentException("labelsOut has length " + labelsOut.length + " < " + words.length + " words");
        }
        for (int t = 0; t < words.length; t++) {
            checkWord(words[t], 0, t);
        }
        return words.length > 0;
    }

    /**
     * A tagging workspace of its own, for one thread: {@link TaggingSession#tag} gives the labels of
     * {@link #tag}, bit for bit, without touching this tagger's workspaces, so any number of sessions
     * (and {@link StreamingTagger}s) may tag at the same time on different threads, as long as no
     * thread changes the parameters meanwhile.
     */
    public TaggingSession newTaggingSession() {
        return new TaggingSession();
    }

    /**
     * Whole-sentence tagging with a workspace of its own (see {@link #newTaggingSession()}): one per
     * thread, not thread-safe itself; reads the tagger's parameters live. Allocation-free once it has
     * seen a sentence this long.
     */
    public final class TaggingSession {
        private final Shard workspace = new Shard(true); // forward only: never writes a gradient

        private TaggingSession() {}

        /** {@link ElmanTagger#tag(int[], int[])} on this session's workspace. */
        public void tag(int[] words, int[] labelsOut) {
            if (checkTagging(words, labelsOut)) {
                workspace.tag(words, labelsOut);
            }
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

    // ------------------------------------------------------------------ shards

    /**
     * Sorts the sentences [from, from+count) by decreasing length (stable), deals them out to the
     * shards (shard i takes sorted positions i, i + shards, …, so the shards' lengths balance), runs
     * every shard's forward (and backward) and returns the sum of the shards' losses, in shard order.
     */
    private double runShards(int[][] words, int[][] labels, int from, int count, boolean backward) {
        if (order.length < count) {
            order = new int[count];
            orderLength = new int[count];
        }
        for (int i = 0; i < count; i++) { // stable insertion sort (no allocation, batches are small)
            int len = words[from + i].length;
            int j = i;
            while (j > 0 && orderLength[j - 1] < len) {
                orderLength[j] = orderLength[j - 1];
                order[j] = order[j - 1];
                j--;
            }
            orderLength[j] = len;
            order[j] = from + i;
        }
        shardCount = (count + SHARD_SENTENCES - 1) / SHARD_SENTENCES;
        if (shards.length < shardCount) {
            shards = Arrays.copyOf(shards, shardCount);
        }
        boolean share = shardCount > 1;
        for (int i = 0; i < shardCount; i++) {
            if (shards[i] == null) {
                shards[i] = new Shard(false);
            }
            shards[i].layout(words, labels, order, i, shardCount, count, share);
        }
        if (backward) {
            recurrence.prepareBackward();
        }
        if (share) { // the weights every shard multiplies by, packed once for all of them
            wxPacked.refresh();
            if (backward) {
                wxTPacked.refresh();
            }
            output.beginSharedBatch(backward);
        }
        taskWords = words;
        taskBackward = backward;
        try {
            Parallel.run(shardTask, shardCount);
        } finally {
            taskWords = null;
            if (share) {
                output.endSharedBatch();
            }
        }
        double loss = 0;
        for (int i = 0; i < shardCount; i++) {
            loss += shards[i].loss;
        }
        return loss;
    }

    private void runShard(int i) {
        Shard sh = shards[i];
        sh.forward(taskWords);
        sh.loss = sh.softmaxLoss();
        if (taskBackward) {
            sh.backward();
        }
    }

    /** ∂emb: zero the rows of the previous batch, then add each shard's dX slices to its windows' rows, shard by shard. */
    private void scatterEmbeddingGradient() {
        embedding.beginGradient();
        for (int i = 0; i < shardCount; i++) {
            shards[i].scatterInto();
        }
    }

    /**
     * The workspace of one shard of a batch, laid out time-major (row r = t·B + slot), grown to the
     * largest shard seen and reused. Shard 0 writes the dense gradients straight into the
     * parameters' gradient arrays; the others into their own, added to shard 0's afterwards.
     */
    private final class Shard {
        private int capSlots, capRows;
        private int[] slotSentence = new int[0];   // sentence index of each slot (decreasing length)
        private int[] slotLength = new int[0];
        private int[] running = new int[0];        // B_t: slots still running at step t (capacity: max T)
        private int[] targets = new int[0];        // time-major like the rows, −1 past the sentence's end
        private double[] rowWeight = new double[0]; // 1/T_s of the row's sentence: each sentence's loss is its mean
        private int[] windows = new int[0];        // rows × cs embedding-row ids (ne = padding)
        private float[] x = new float[0];          // rows × (de·cs): gathered windows; reused for dX in backward
        private float[] hs = new float[0];         // (rows + B) × nh: block 0 = h0, block t+1 = h_t
        private float[] dh = new float[0];         // rows × nh: dH, then dZ in place
        private final float[] colSum = new float[nh];
        private final SigmoidRecurrence.Workspace recWs = new SigmoidRecurrence.Workspace(); // packed wh
        private final OutputLayer.Workspace out;
        private final ShardGradients grads;        // wx, wh, bh, h0 (w and b: the output workspace's)
        private int batchSlots, batchSteps;        // shape of the batch in the workspace
        private boolean sharedWeights;             // this batch's products read the weights packed by runShards
        double loss;

        Shard(boolean first) {
            out = output.newWorkspace(first);
            grads = new ShardGradients(first, wx, wh, bh, h0);
        }

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
            if (rows > capRows || hs.length < (rows + slots) * nh) {
                capRows = (int) Math.max(rows, capRows);
                int r = capRows;
                targets = new int[r];
                rowWeight = new double[r];
                windows = new int[r * cs];
                x = new float[r * win];
                dh = new float[r * nh];
                hs = new float[(r + capSlots) * nh];
            }
        }

        /**
         * Takes sorted[first], sorted[first + stride], … (of count) as its slots; fills running[], targets.
         * With {@code sharedWeights} the products read wx, wxᵀ, w, wᵀ as packed for the batch by runShards.
         */
        void layout(int[][] words, int[][] labels, int[] sorted, int first, int stride, int count,
                    boolean sharedWeights) {
            int slots = (count - first + stride - 1) / stride;
            int steps = words[sorted[first]].length;
            ensureCapacity(slots, steps);
            this.sharedWeights = sharedWeights;
            batchSlots = slots;
            batchSteps = steps;
            for (int slot = 0; slot < slots; slot++) {
                int s = sorted[first + slot * stride];
                slotSentence[slot] = s;
                slotLength[slot] = words[s].length;
            }
            setRunning();
            for (int slot = 0; slot < slots; slot++) {
                int[] ls = labels[slotSentence[slot]];
                double weight = 1.0 / ls.length;
                for (int t = 0; t < steps; t++) {
                    int r = t * slots + slot;
                    targets[r] = t < ls.length ? ls[t] : -1;
                    rowWeight[r] = weight;
                }
            }
        }

        private void setRunning() {
            int active = batchSlots;
            for (int t = 0; t < batchSteps; t++) {
                while (active > 0 && slotLength[active - 1] <= t) {
                    active--;
                }
                running[t] = active;
            }
        }

        /** Whole-sentence tagging: one slot, forward only, argmax of the logits. */
        void tag(int[] words, int[] labelsOut) {
            int steps = words.length;
            ensureCapacity(1, steps);
            sharedWeights = false;
            batchSlots = 1;
            batchSteps = steps;
            slotLength[0] = steps;
            setRunning();
            for (int t = 0; t < steps; t++) {
                gatherWindow(words, t, t);
            }
            forwardHidden(steps);
            float[] logits = out.scores(steps, hs, nh, nh);
            for (int t = 0; t < steps; t++) {
                labelsOut[t] = MatVec.argmax(logits, t * nc, nc);
            }
        }

        /** Forward of the laid-out shard up to h (in hs). */
        void forward(int[][] words) {
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
            forwardHidden(rows);
        }

        private void gatherWindow(int[] sentence, int t, int row) {
            int half = cs / 2;
            int xo = row * win;
            int wo = row * cs;
            for (int j = 0; j < cs; j++) {
                int pos = t - half + j;
                int id = pos >= 0 && pos < sentence.length ? sentence[pos] : ne;
                windows[wo + j] = id;
                embedding.gather(id, x, xo + j * de);
            }
        }

        /** Pre-activations of all steps X·wx + bh straight into the hidden blocks, then the recurrence from h0. */
        private void forwardHidden(int rows) {
            final int slots = batchSlots, steps = batchSteps;
            final int hOff = slots * nh; // block t+1 holds h_t
            if (sharedWeights) {
                Gemm.sgemm(false, rows, 1f, x, 0, win, wxPacked.packed(), 0f, hs, hOff, nh);
            } else {
                Gemm.sgemm(false, false, rows, nh, win, 1f, x, 0, win, wx.values(), 0, nh, 0f, hs, hOff, nh);
            }
            Blas.addRowVector(rows, nh, bh.values(), 0, hs, hOff, nh);
            for (int slot = 0; slot < slots; slot++) {
                System.arraycopy(h0.values(), 0, hs, slot * nh, nh);
            }
            recurrence.forward(recWs, slots, steps, running, hs, 0, nh);
        }

        /** The output layer's fused softmax + cross-entropy, each sentence's rows weighted 1/T_s; returns Σ_s mean NLL. */
        double softmaxLoss() {
            return out.forward(batchSlots * batchSteps, hs, batchSlots * nh, nh, targets, 0, 1f, rowWeight);
        }

        /** Backward of the shard: the dense gradients into this shard's arrays, dX into x. */
        void backward() {
            final int slots = batchSlots, steps = batchSteps, rows = slots * steps;
            final int hOff = slots * nh;
            // output layer: ∂w, ∂b and dH = dlogits·wᵀ for all steps at once
            out.backward(rows, hs, hOff, nh, dh, 0, nh);
            // through time: dZ in place of dH, ∂wh = H_prevᵀ·dZ (block 0 of hs is h0)
            recurrence.backward(slots, steps, running, hs, 0, nh, dh, 0, nh, grads.array(1), grads.offset(1));
            // ∂bh = Σ rows of dZ, ∂h0 = (Σ_slots dz_0)·whᵀ
            float[] gBh = grads.array(2);
            Arrays.fill(gBh, 0f);
            Blas.addColumnSums(rows, nh, dh, 0, nh, gBh, 0);
            recurrence.initialStateGradient(slots, dh, 0, nh, colSum, grads.array(3), grads.offset(3));
            // ∂wx = Xᵀ·dZ, then dX = dZ·wxᵀ overwrites X
            Gemm.sgemm(true, false, win, nh, rows, 1f, x, 0, win, dh, 0, nh, 0f, grads.array(0), grads.offset(0), nh);
            if (sharedWeights) {
                Gemm.sgemm(false, rows, 1f, dh, 0, nh, wxTPacked.packed(), 0f, x, 0, win);
            } else {
                Gemm.sgemm(false, true, rows, win, nh, 1f, dh, 0, nh, wx.values(), 0, nh, 0f, x, 0, win);
            }
        }

        /** Adds this shard's dense gradients to {@code first}'s (the parameters' gradient arrays). */
        void addGradientsTo(Shard first) {
            grads.addTo(first.grads);
            out.addGradientsTo(first.out);
        }

        /** Adds each running row's dX slices to its window's embedding rows. */
        void scatterInto() {
            final int slots = batchSlots, steps = batchSteps;
            for (int t = 0; t < steps; t++) {
                int bt = running[t];
                for (int slot = 0; slot < bt; slot++) {
                    int r = t * slots + slot;
                    for (int j = 0; j < cs; j++) {
                        embedding.addGradient(windows[r * cs + j], x, r * win + j * de);
                    }
                }
            }
        }
    }

    private void zeroAllGradients() {
        params.zeroGradients();
        embedding.zeroGradient();
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
