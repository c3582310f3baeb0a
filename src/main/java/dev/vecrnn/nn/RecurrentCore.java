package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gating;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.kernel.Softmax;
import dev.vecrnn.util.HeapCheck;
import dev.vecrnn.util.SeededRandom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fused, batched, time-major forward and backward of the SCRN (SPEC §2), which with no context
 * units and a hidden bias is also the Elman language model's recurrence (SPEC §1 with one-hot input):
 *
 * <pre>
 *   u_t   = x_t·xs                                   (rows of xs gathered for word ids)
 *   s_t   = r ⊙ u_t + (1 − r) ⊙ s_{t−1}              (r = σ(r̂), constant, or r_t = σ(x_t·xr + br))
 *   h_t   = σ(x_t·xh + s_t·sh [+ bh] + h_{t−1}·hh)
 *   pre_t = [h_t ‖ s_t]·[ho ; so] + b,   out_t = g(pre_t)
 * </pre>
 *
 * <p>How it computes, for a shard of B streams × T steps (row t·B + b): the input projections of all
 * steps (one gather per id, or one GEMM for dense rows); the context recurrence, one gating kernel per
 * step (it does not depend on h); a := S·sh for all steps in one GEMM written straight into the hidden
 * blocks, plus the gathered x·xh rows; the {@link SigmoidRecurrence} (per step one GEMM accumulating
 * h_{t−1}·hh into a, then σ in place); the output of all steps through the {@link OutputLayer} as one
 * GEMM over [h ‖ s ‖ 1], which lie side by side in one buffer against the stacked weight
 * [ho ; so ; b] (the bias folded into the product, see {@link SoftmaxOutput}).
 * Backward mirrors it. Batches of more than {@value #SHARD_STREAMS} streams are cut into shards of
 * consecutive streams, each with its own workspace, run on the {@link Parallel} pool and summed in
 * shard order: the same bits on any number of threads. Nothing is allocated in the steady state.
 */
final class RecurrentCore {
    /** Streams per shard. */
    static final int SHARD_STREAMS = 16;

    /** ld = nh + ns + 1: a row of the state buffer is [h ‖ s ‖ 1], the 1 at column {@link #one}. */
    final int nin, nh, ns, nout, ld, one;
    final RateMode rateMode;
    final OutputActivation activation;
    final Parameter xs, xh, sh, hh, ho, so, b, r, xr, br, bh;
    private final Parameter outWeight;     // [ho ; so ; b], (nh + ns + 1) × nout; ho, so and b are views of it
    /** The hierarchical softmax's node vectors and biases (null with another output; then ho, so, b are null here). */
    final Parameter hv, hb;
    /** The class softmax's class vectors and biases, word vectors and biases (null with another output). */
    final Parameter cw, cb, ow, ob;
    /** What the output layer is built over: a Huffman tree, word classes, or null for the full softmax. */
    final OutputStructure structure;
    /** The Huffman tree of a hierarchical softmax, or null. */
    final HuffmanTree tree;
    /** The word classes of a class softmax, or null. */
    final WordClasses classes;
    final ParameterSet params;
    private final Parameter[] denseParams; // updated by dense SGD whatever the input kind
    private final EmbeddingRows[] tables;  // xs, xh, xr: sparse when the last gradient came from word ids
    private final EmbeddingRows outputRows; // hs node vectors or class-softmax word vectors (sparse gradient), or null
    private final EmbeddingRows xsRows, xhRows, xrRows;
    final SigmoidRecurrence recurrence;
    final OutputLayer output;
    /** The rates of the non-matrix modes: σ(r̂) (refreshed at every pass) or the constant ones. */
    final float[] rate;

    private Shard[] shards = new Shard[1];
    private int shardCount;

    // the running pass, read by the shard task
    private RecurrentState taskState;
    private int taskSteps;
    private int[] taskIds, taskTargets;
    private float[] taskX;
    private float taskScale;
    private boolean taskBackward;
    private final Parallel.Task shardTask = this::runShard;

    /**
     * @param names the parameter names in the order xs xh sh hh ho so b r xr br bh (null for an absent one)
     * @param structure the Huffman tree of a hierarchical softmax output (parameters {@code hv}, {@code hb}
     *              instead of ho, so, b), the word classes of a class softmax ({@code cw cb ow ob}), or null
     *              for the full softmax
     */
    RecurrentCore(int nin, int nh, int ns, int nout, RateMode rateMode, float alpha, OutputActivation activation,
                  boolean hiddenBias, String[] names, boolean elmanInit, long seed, OutputStructure structure) {
        long inputs = (long) nin * (nh + 2L * ns); // xs, xh and (matrix mode) xr
        long outputs = (long) (nh + ns + 1) * nout;
        HeapCheck.require(8 * (inputs + outputs + (long) nh * nh + (long) ns * nh), "a network of " + nin + " inputs, "
                + nh + " hidden and " + ns + " context units and " + nout + " outputs");
        this.nin = nin;
        this.nh = nh;
        this.ns = ns;
        this.nout = nout;
        this.one = nh + ns;
        this.ld = nh + ns + 1;
        this.rateMode = rateMode;
        this.activation = activation;
        boolean ctx = ns > 0;
        xs = ctx ? new Parameter(names[0], nin, ns) : null;
        xh = new Parameter(names[1], nin, nh);
        sh = ctx ? new Parameter(names[2], ns, nh) : null;
        hh = new Parameter(names[3], nh, nh);
        this.structure = structure;
        this.tree = structure instanceof HuffmanTree t ? t : null;
        this.classes = structure instanceof WordClasses c ? c : null;
        if (structure != null && structure.words() != nout) {
            throw new IllegalArgumentException("an output " + (tree != null ? "tree" : "class assignment") + " over "
                    + structure.words() + " words for " + nout + " outputs");
        }
        cw = classes == null ? null : new Parameter("cw", classes.classes(), nh + ns);
        cb = classes == null ? null : new Parameter("cb", classes.classes());
        ow = classes == null ? null : new Parameter("ow", nout, nh + ns);
        ob = classes == null ? null : new Parameter("ob", nout);
        if (structure == null) {
            outWeight = new Parameter("[" + names[4] + (ctx ? " ; " + names[5] : "") + " ; " + names[6] + "]", ld, nout);
            ho = Parameter.view(names[4], outWeight, 0, nh, nout);
            so = ctx ? Parameter.view(names[5], outWeight, nh * nout, ns, nout) : null;
            b = Parameter.view(names[6], outWeight, (nh + ns) * nout, nout);
            hv = null;
            hb = null;
        } else {
            outWeight = null;
            ho = null;
            so = null;
            b = null;
            hv = tree == null ? null : new Parameter("hv", nout - 1, nh + ns);
            hb = tree == null ? null : new Parameter("hb", nout - 1);
        }
        r = ctx && rateMode == RateMode.VECTOR ? new Parameter(names[7], ns) : null;
        xr = ctx && rateMode == RateMode.MATRIX ? new Parameter(names[8], nin, ns) : null;
        br = ctx && rateMode == RateMode.MATRIX ? new Parameter(names[9], ns) : null;
        bh = hiddenBias ? new Parameter(names[10], nh) : null;
        List<Parameter> all = new ArrayList<>();
        for (Parameter p : new Parameter[] {xs, xh, sh, hh, ho, so, hv, cw, ow, bh, b, hb, cb, ob, r, xr, br}) {
            if (p != null) {
                all.add(p);
            }
        }
        params = new ParameterSet(all.toArray(Parameter[]::new));
        List<Parameter> dense = new ArrayList<>();
        for (Parameter p : new Parameter[] {sh, hh, outWeight, hb, cw, cb, ob, r, br, bh}) {
            if (p != null) {
                dense.add(p);
            }
        }
        denseParams = dense.toArray(Parameter[]::new);
        xsRows = ctx ? new EmbeddingRows(xs) : null;
        xhRows = new EmbeddingRows(xh);
        xrRows = xr != null ? new EmbeddingRows(xr) : null;
        List<EmbeddingRows> t = new ArrayList<>();
        for (EmbeddingRows e : new EmbeddingRows[] {xsRows, xhRows, xrRows}) {
            if (e != null) {
                t.add(e);
            }
        }
        tables = t.toArray(EmbeddingRows[]::new);
        recurrence = new SigmoidRecurrence(hh);
        if (tree != null) {
            HierarchicalSoftmax hs = new HierarchicalSoftmax(tree, hv, hb);
            output = hs;
            outputRows = hs.nodeRows();
        } else if (classes != null) {
            ClassSoftmax cs = new ClassSoftmax(classes, cw, cb, ow, ob);
            output = cs;
            outputRows = cs.wordRows();
        } else {
            output = new SoftmaxOutput(outWeight, b, true);
            outputRows = null;
        }
        rate = new float[ns];
        initialise(seed, alpha, elmanInit);
        shards[0] = new Shard(true);
    }

    /**
     * SCRN (theanets' rule): each weight matrix N(0, 1/√(rows + cols)), b = 0, r̂ ~ N(0, 1), br = 0; the
     * constant rates drawn after the weights. Elman (SPEC §1): matrices 0.2·U(−1, 1), vectors 0.
     */
    private void initialise(long seed, float alpha, boolean elmanInit) {
        SeededRandom rng = new SeededRandom(seed);
        if (elmanInit) {
            rng.fillUniform(xh.values(), 0.2f);
            rng.fillUniform(hh.values(), 0.2f);
            if (outWeight != null) {
                rng.fillUniform(outWeight.values(), 0, nh * nout, 0.2f);
            }
            return;
        }
        for (Parameter p : new Parameter[] {xs, xh, sh, hh, ho, so, xr}) {
            if (p != null) {
                int[] s = p.shape();
                double sd = 1.0 / Math.sqrt(s[0] + s[1]);
                float[] v = p.values();
                for (int i = p.offset(); i < p.offset() + p.size(); i++) {
                    v[i] = (float) (sd * rng.nextGaussian());
                }
            }
        }
        if (r != null) {
            for (int i = 0; i < ns; i++) {
                r.values()[i] = (float) rng.nextGaussian();
            }
        }
        for (int i = 0; i < ns; i++) {
            switch (rateMode) {
                case FIXED -> rate[i] = 1f - alpha;
                case UNIFORM -> rate[i] = (float) (1e-4 + (1 - 2e-4) * (rng.nextFloat()));
                case LOG -> rate[i] = (float) Math.exp(-6 + (6 - 1e-4) * rng.nextFloat());
                default -> { }
            }
        }
    }

    /** The constant rates of the fixed, uniform and log modes (a copy). */
    float[] constantRates() {
        return rate.clone();
    }

    // ------------------------------------------------------------------ passes over a batch

    /**
     * Checks a pass's arguments before anything is changed.
     *
     * @param ids word ids in [−1, nin) (null for dense input)
     */
    void validate(RecurrentState state, int steps, int[] ids, float[] x, int[] targets, boolean needTargets) {
        if (state == null) {
            throw new IllegalArgumentException("state is null");
        }
        if (state.hiddenSize() != nh || state.contextSize() != ns) {
            throw new IllegalArgumentException("state of hidden " + state.hiddenSize() + ", context "
                    + state.contextSize() + " for a model of hidden " + nh + ", context " + ns);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        long rows = (long) steps * state.streams();
        if (rows * Math.max(ld, Math.max(nout, nin)) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(steps + " steps × " + state.streams() + " streams is too large");
        }
        if (ids != null) {
            if (ids.length < rows) {
                throw new IllegalArgumentException("inputs has " + ids.length + " ids, need steps·streams = " + rows);
            }
            for (int i = 0; i < rows; i++) {
                if (ids[i] < -1 || ids[i] >= nin) {
                    throw new IllegalArgumentException("input id " + ids[i] + " at step " + i / state.streams()
                            + ", stream " + i % state.streams() + " is outside [-1, " + nin + ")");
                }
            }
        } else if (x == null || x.length < rows * nin) {
            throw new IllegalArgumentException("inputs need steps·streams·inputSize = " + rows * nin + " floats, got "
                    + (x == null ? "null" : x.length));
        }
        if (needTargets) {
            if (targets == null || targets.length < rows) {
                throw new IllegalArgumentException("targets need steps·streams = " + rows + " ids, got "
                        + (targets == null ? "null" : targets.length));
            }
            for (int i = 0; i < rows; i++) {
                if (targets[i] < -1 || targets[i] >= nout) {
                    throw new IllegalArgumentException("target " + targets[i] + " at step " + i / state.streams()
                            + ", stream " + i % state.streams() + " is outside [-1, " + nout + ")");
                }
            }
        }
    }

    /**
     * Softmax NLL of a segment against targets (−1 = padding), forward and optionally backward; the
     * state advances. With backward, the gradients of L = (1/N)·Σ NLL are left in the parameters.
     *
     * @return Σ NLL over the N non-padded targets
     */
    double run(RecurrentState state, int steps, int[] ids, float[] x, int[] targets, boolean backward) {
        validate(state, steps, ids, x, targets, true);
        int rows = steps * state.streams();
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            if (targets[i] >= 0) {
                counted++;
            }
        }
        int streams = state.streams();
        shardCount = (streams + SHARD_STREAMS - 1) / SHARD_STREAMS;
        if (shards.length < shardCount) {
            shards = Arrays.copyOf(shards, shardCount);
        }
        for (int i = 0; i < shardCount; i++) {
            if (shards[i] == null) {
                shards[i] = new Shard(false);
            }
        }
        refreshRates();
        if (backward) {
            recurrence.prepareBackward();
        }
        taskState = state;
        taskSteps = steps;
        taskIds = ids;
        taskX = x;
        taskTargets = targets;
        taskScale = counted > 0 ? 1f / counted : 0f;
        taskBackward = backward;
        try {
            Parallel.run(shardTask, shardCount);
        } finally {
            taskState = null;
            taskIds = null;
            taskX = null;
            taskTargets = null;
        }
        double loss = 0;
        for (int i = 0; i < shardCount; i++) {
            loss += shards[i].loss;
        }
        if (backward) {
            for (int i = 1; i < shardCount; i++) {
                shards[i].addGradientsTo(shards[0], ids != null);
            }
            finishTableGradients(ids != null);
        }
        return loss;
    }

    private void runShard(int i) {
        Shard s = shards[i];
        int first = i * SHARD_STREAMS;
        int slots = Math.min(SHARD_STREAMS, taskState.streams() - first);
        s.load(taskState, first, slots, taskSteps, taskIds, taskX, taskTargets);
        s.forward();
        s.loss = s.softmaxLoss(taskScale);
        if (taskBackward) {
            s.backwardFromLogits();
        }
        s.storeState(taskState);
    }

    /** σ(r̂) into {@link #rate} in the vector mode (the other modes' rates are constant). */
    private void refreshRates() {
        if (rateMode == RateMode.VECTOR && ns > 0) {
            Activation.sigmoid(r.values(), 0, rate, 0, ns);
        }
    }

    /**
     * Forward of one segment as a single shard, keeping the per-step outputs (out pre hid state rate)
     * for {@link #outputOf}; the state advances.
     */
    Shard forwardOutputs(RecurrentState state, int steps, int[] ids, float[] x) {
        validate(state, steps, ids, x, null, false);
        refreshRates();
        Shard s = shards[0];
        s.load(state, 0, state.streams(), steps, ids, x, null);
        s.forward();
        s.activate();
        s.storeState(state);
        return s;
    }

    /**
     * Forward and backward of a segment for a loss given by its gradient with respect to the outputs,
     * dOut (rows × nout, time-major like the input), as a single shard; the state advances.
     */
    void backwardFromOutputs(RecurrentState state, int steps, int[] ids, float[] x, float[] dOut) {
        if (structure != null) {
            throw new IllegalStateException("a " + (tree != null ? "hierarchical" : "class") + " softmax has no loss over "
                    + "its outputs: train it on word targets");
        }
        validate(state, steps, ids, x, null, false);
        if (dOut == null || dOut.length < (long) steps * state.streams() * nout) {
            throw new IllegalArgumentException("output gradient needs steps·streams·outputSize = "
                    + (long) steps * state.streams() * nout + " floats, got " + (dOut == null ? "null" : dOut.length));
        }
        refreshRates();
        recurrence.prepareBackward();
        shardCount = 1;
        Shard s = shards[0];
        s.load(state, 0, state.streams(), steps, ids, x, null);
        s.forward();
        s.activate();
        s.outputGradient(dOut);
        s.backwardFromLogits();
        s.storeState(state);
        finishTableGradients(ids != null);
    }

    /**
     * Word input: the tables' gradients are the shards' rows scatter-added, shard by shard, into the
     * rows read (the others zero). Dense input: shard 0 wrote the whole arrays.
     */
    private void finishTableGradients(boolean wordInput) {
        for (EmbeddingRows t : tables) {
            if (wordInput) {
                t.beginGradient();
            } else {
                t.markWholeGradient();
            }
        }
        if (wordInput) {
            for (int i = 0; i < shardCount; i++) {
                shards[i].scatterTableGradients();
            }
        }
    }

    /** The shard whose buffers hold the outputs of the last single-shard pass. */
    Shard shardForOutputs() {
        return shards[0];
    }

    /** A per-step output of a single-shard pass, batch layout (see ScrnNetwork.output), a copy. */
    float[] outputOf(Shard s, String name) {
        int rows = s.rows;
        float[] o;
        switch (name) {
            case "out" -> o = java.util.Arrays.copyOf(s.act, rows * nout);
            case "pre" -> o = java.util.Arrays.copyOf(s.pre, rows * nout);
            case "hid", "state" -> {
                boolean hid = name.equals("hid");
                int w = hid ? nh : ns;
                o = new float[rows * w];
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(s.hs, s.slots * ld + row * ld + (hid ? 0 : nh), o, row * w, w);
                }
            }
            case "rate" -> {
                if (rateMode == RateMode.MATRIX) {
                    o = java.util.Arrays.copyOf(s.rates, rows * ns);
                } else {
                    o = new float[rows * ns];
                    for (int row = 0; row < rows; row++) {
                        System.arraycopy(rate, 0, o, row * ns, ns);
                    }
                }
            }
            default -> throw new IllegalArgumentException("no output named '" + name + "'; the outputs are out, pre, hid, state, rate");
        }
        return o;
    }

    // ------------------------------------------------------------------ updates

    /** Global L2 norm of the gradients (double); scales them by maxNorm / norm when larger; non-finite: untouched. */
    double clipGradients(float maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double ss = 0;
        for (Parameter p : denseParams) {
            ss += Blas.sumOfSquares(p.gradient(), p.offset(), p.size());
        }
        for (EmbeddingRows t : tables) {
            ss += t.gradientSumOfSquares();
        }
        if (outputRows != null) {
            ss += outputRows.gradientSumOfSquares();
        }
        double norm = Math.sqrt(ss);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (Parameter p : denseParams) {
                Blas.scale(p.size(), f, p.gradient(), p.offset());
            }
            for (EmbeddingRows t : tables) {
                t.scaleGradient(f);
            }
            if (outputRows != null) {
                outputRows.scaleGradient(f);
            }
        }
        return norm;
    }

    /** θ ← θ − lr·∂L/∂θ; the input tables only on the rows read when the gradients came from word ids. */
    void applySgd(float lr) {
        if (!Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite, got " + lr);
        }
        for (Parameter p : denseParams) {
            Blas.axpy(p.size(), -lr, p.gradient(), p.offset(), p.values(), p.offset());
            p.markModified();
        }
        for (Parameter p : new Parameter[] {ho, so, b}) {
            if (p != null) {
                p.markModified();
            }
        }
        for (EmbeddingRows t : tables) {
            t.sgd(lr);
        }
        if (outputRows != null) {
            outputRows.sgd(lr);
        }
    }

    // ------------------------------------------------------------------ one shard's workspace

    /**
     * The buffers of one shard of B streams × T steps, rows t·B + b, grown to the largest shard seen.
     * Shard 0 writes gradients into the parameters' own arrays; the others into their own.
     */
    final class Shard {
        private final OutputLayer.Workspace out;
        private final ShardGradients dense;   // sh hh b r br bh as present (the output weight is the output's)
        private final ShardGradients table;   // xs xh xr, for dense input
        private final int gSh, gHh, gR, gBr, gBh, gXs, gXh, gXr;
        int slots, steps, rows, first;
        private int cap;
        private int[] running = new int[0];
        int[] ids = new int[0];               // rows; −1 = zero input
        private int[] targets = new int[0];
        float[] x = new float[0];             // rows × nin, dense input
        float[] u = new float[0];             // rows × ns: x·xs
        private float[] du = new float[0];    // rows × ns: ∂L/∂u
        float[] rates = new float[0];         // rows × ns, matrix mode: r_t
        private float[] dRates = new float[0];// rows × ns, matrix mode: ∂L/∂r̂_t
        float[] hs = new float[0];            // (rows + B) × ld: block 0 = [h₋₁ ‖ s₋₁], block t+1 = [h_t ‖ s_t]
        float[] dhs = new float[0];           // rows × ld: ∂L/∂[h_t ‖ s_t], then [dz_t ‖ ds_t]
        float[] pre = new float[0], act = new float[0]; // rows × nout, only for the outputs API
        private float[] carry = new float[0]; // B × ns scratch: ds_{t−1} contributions
        private float[] scores;               // the output workspace's buffer after activate()
        private final float[] dRate;          // ns, vector mode: Σ ∂L/∂r
        private final SigmoidRecurrence.Workspace recWs = new SigmoidRecurrence.Workspace(); // packed hh
        double loss;

        Shard(boolean first) {
            out = output.newWorkspace(first);
            List<Parameter> d = new ArrayList<>();
            int[] at = new int[5];
            Arrays.fill(at, -1);
            Parameter[] cand = {sh, hh, r, br, bh};
            for (int i = 0; i < cand.length; i++) {
                if (cand[i] != null) {
                    at[i] = d.size();
                    d.add(cand[i]);
                }
            }
            dense = new ShardGradients(first, d.toArray(Parameter[]::new));
            gSh = at[0];
            gHh = at[1];
            gR = at[2];
            gBr = at[3];
            gBh = at[4];
            List<Parameter> tl = new ArrayList<>();
            int[] tat = {-1, -1, -1};
            Parameter[] tc = {xs, xh, xr};
            for (int i = 0; i < 3; i++) {
                if (tc[i] != null) {
                    tat[i] = tl.size();
                    tl.add(tc[i]);
                }
            }
            table = new ShardGradients(first, tl.toArray(Parameter[]::new));
            gXs = tat[0];
            gXh = tat[1];
            gXr = tat[2];
            dRate = new float[ns];
        }

        private void ensure(int slots, int steps, boolean denseInput) {
            int rows = slots * steps;
            if (rows > cap || running.length < steps || hs.length < (rows + slots) * ld) {
                cap = Math.max(cap, rows);
                int c = cap;
                ids = new int[c];
                targets = new int[c];
                u = new float[c * ns];
                du = new float[c * ns];
                if (rateMode == RateMode.MATRIX) {
                    rates = new float[c * ns];
                    dRates = new float[c * ns];
                }
                hs = new float[(c + Math.max(slots, SHARD_STREAMS)) * ld];
                for (int i = one; i < hs.length; i += ld) {
                    hs[i] = 1f; // the constant input of the folded output bias; nothing else writes this column
                }
                dhs = new float[c * ld];
                carry = new float[Math.max(slots, SHARD_STREAMS) * ns];
                running = new int[Math.max(steps, running.length)];
                pre = new float[0];
                act = new float[0];
                x = new float[0];
            }
            if (denseInput && x.length < rows * nin) {
                x = new float[cap * nin];
            }
            Arrays.fill(running, 0, steps, slots);
        }

        /** Copies this shard's streams [first, first + slots) of the segment and of the state in. */
        void load(RecurrentState state, int first, int slots, int steps, int[] allIds, float[] allX, int[] allTargets) {
            int streams = state.streams();
            ensure(slots, steps, allX != null);
            this.slots = slots;
            this.steps = steps;
            this.rows = slots * steps;
            this.first = first;
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < slots; j++) {
                    int src = t * streams + first + j;
                    int dst = t * slots + j;
                    ids[dst] = allIds != null ? allIds[src] : 0;
                    targets[dst] = allTargets != null ? allTargets[src] : -1;
                    if (allX != null) {
                        System.arraycopy(allX, src * nin, x, dst * nin, nin);
                    }
                }
            }
            denseInput = allX != null;
            float[] h = state.hidden();
            float[] s = state.context();
            for (int j = 0; j < slots; j++) {
                System.arraycopy(h, (first + j) * nh, hs, j * ld, nh);
                if (ns > 0) {
                    System.arraycopy(s, (first + j) * ns, hs, j * ld + nh, ns);
                }
            }
        }

        private boolean denseInput;

        /** Copies the state after the last step back into the streams' rows of {@code state}. */
        void storeState(RecurrentState state) {
            int last = steps * slots * ld;
            for (int j = 0; j < slots; j++) {
                System.arraycopy(hs, last + j * ld, state.hidden(), (first + j) * nh, nh);
                if (ns > 0) {
                    System.arraycopy(hs, last + j * ld + nh, state.context(), (first + j) * ns, ns);
                }
            }
        }

        /** [h_t ‖ s_t] for every step into hs. */
        void forward() {
            final int block = slots * ld;
            if (ns > 0) {
                // u = x·xs for all steps; matrix mode: r_t = σ(x·xr + br)
                projectInput(xs, xsRows, u, ns, false);
                if (rateMode == RateMode.MATRIX) {
                    projectInput(xr, xrRows, rates, ns, false);
                    Blas.addRowVector(rows, ns, br.values(), 0, rates, 0, ns);
                    Activation.sigmoid(rates, 0, rates, 0, rows * ns);
                }
                // s_t = r ⊙ u_t + (1 − r) ⊙ s_{t−1}
                for (int t = 0; t < steps; t++) {
                    int prev = t * block + nh;
                    int cur = prev + block;
                    if (rateMode == RateMode.MATRIX) {
                        for (int j = 0; j < slots; j++) {
                            int row = t * slots + j;
                            Gating.gate(1, ns, rates, row * ns, u, row * ns, ns, hs, prev + j * ld, ld,
                                    hs, cur + j * ld, ld);
                        }
                    } else {
                        Gating.gate(slots, ns, rate, 0, u, t * slots * ns, ns, hs, prev, ld, hs, cur, ld);
                    }
                }
                // a = S·sh for all steps, straight into the hidden columns; then + x·xh
                Gemm.sgemm(false, false, rows, nh, ns, 1f, hs, block + nh, ld, sh.values(), 0, nh, 0f, hs, block, ld);
                projectInput(xh, xhRows, hs, ld, true);
            } else {
                projectInput(xh, xhRows, hs, ld, false);
            }
            if (bh != null) {
                Blas.addRowVector(rows, nh, bh.values(), 0, hs, block, ld);
            }
            recurrence.forward(recWs, slots, steps, running, hs, 0, ld);
        }

        /**
         * The input projection x_t·W of every row into dst (row stride dstLd, starting at block 1 of hs
         * when dst is hs, else at 0): rows of W gathered for ids (zero for −1), or one GEMM for dense rows.
         */
        private void projectInput(Parameter w, EmbeddingRows rowsOf, float[] dst, int dstLd, boolean add) {
            int width = w.cols();
            int base = dst == hs ? slots * ld : 0;
            if (denseInput) {
                Gemm.sgemm(false, false, rows, width, nin, 1f, x, 0, nin, w.values(), 0, width, add ? 1f : 0f,
                        dst, base, dstLd);
                return;
            }
            float[] wv = w.values();
            for (int row = 0; row < rows; row++) {
                int id = ids[row];
                int o = base + row * dstLd;
                if (add) {
                    if (id >= 0) {
                        Blas.axpy(width, 1f, wv, id * width, dst, o);
                    }
                } else if (id >= 0) {
                    rowsOf.gather(id, dst, o);
                } else {
                    Arrays.fill(dst, o, o + width, 0f);
                }
            }
        }

        /** The fused softmax + cross-entropy of every row, gradient scaled by {@code scale}; returns Σ NLL. */
        double softmaxLoss(float scale) {
            return out.forward(rows, hs, slots * ld, ld, targets, 0, scale, null);
        }

        /** pre = [h ‖ s ‖ 1]·[ho ; so ; b] and out = g(pre) for every row (the outputs API). */
        void activate() {
            if (pre.length < rows * nout) {
                pre = new float[cap * nout];
                act = new float[cap * nout];
            }
            float[] z = out.scores(rows, hs, slots * ld, ld);
            scores = z;
            System.arraycopy(z, 0, pre, 0, rows * nout);
            int n = rows * nout;
            switch (activation) {
                case LINEAR -> System.arraycopy(pre, 0, act, 0, n);
                case SOFTMAX -> {
                    System.arraycopy(pre, 0, act, 0, n);
                    Softmax.softmaxRows(rows, nout, act, 0, nout);
                }
                case TANH -> Activation.tanh(pre, 0, act, 0, n);
                case SIGMOID -> Activation.sigmoid(pre, 0, act, 0, n);
                case RELU -> {
                    for (int i = 0; i < n; i++) {
                        act[i] = Math.max(pre[i], 0f);
                    }
                }
            }
        }

        /** After {@link #activate}: ∂L/∂pre from ∂L/∂out (batch layout) into the output workspace's score buffer. */
        void outputGradient(float[] dOut) {
            float[] dz = scores; // the output workspace's score buffer, which its backward reads as dz
            for (int row = 0; row < rows; row++) {
                int o = row * nout;
                int src = row * nout; // one shard holds every stream: same layout as the batch
                switch (activation) {
                    case LINEAR -> System.arraycopy(dOut, src, dz, o, nout);
                    case TANH -> Activation.tanhBackward(act, o, dOut, src, dz, o, nout);
                    case SIGMOID -> Activation.sigmoidBackward(act, o, dOut, src, dz, o, nout);
                    case RELU -> {
                        for (int j = 0; j < nout; j++) {
                            dz[o + j] = pre[o + j] > 0f ? dOut[src + j] : 0f;
                        }
                    }
                    case SOFTMAX -> {
                        double dot = 0;
                        for (int j = 0; j < nout; j++) {
                            dot += (double) dOut[src + j] * act[o + j];
                        }
                        for (int j = 0; j < nout; j++) {
                            dz[o + j] = (float) (act[o + j] * (dOut[src + j] - dot));
                        }
                    }
                }
            }
        }

        /** Backward from the output layer's score gradient: every gradient of this shard. */
        void backwardFromLogits() {
            final int block = slots * ld;
            // output: ∂[ho ; so ; b] and d[h ‖ s] for every step
            out.backward(rows, hs, block, ld, dhs, 0, ld);
            // through time: dz_t in the hidden columns, ∂hh
            recurrence.backward(slots, steps, running, hs, 0, ld, dhs, 0, ld, dense.array(gHh), dense.offset(gHh));
            if (bh != null) {
                float[] g = dense.array(gBh);
                int o = dense.offset(gBh);
                Arrays.fill(g, o, o + nh, 0f);
                Blas.addColumnSums(rows, nh, dhs, 0, ld, g, o);
            }
            if (ns > 0) {
                // ∂sh = Sᵀ·dZ; ds_t += dz_t·shᵀ
                Gemm.sgemm(true, false, ns, nh, rows, 1f, hs, block + nh, ld, dhs, 0, ld, 0f,
                        dense.array(gSh), dense.offset(gSh), nh);
                Gemm.sgemm(false, true, rows, ns, nh, 1f, dhs, 0, ld, sh.values(), 0, nh, 1f, dhs, nh, ld);
                contextBackward();
            }
            if (denseInput) {
                // ∂xh = Xᵀ·dZ, ∂xs = Xᵀ·dU, ∂xr = Xᵀ·dR̂
                Gemm.sgemm(true, false, nin, nh, rows, 1f, x, 0, nin, dhs, 0, ld, 0f,
                        table.array(gXh), table.offset(gXh), nh);
                if (ns > 0) {
                    Gemm.sgemm(true, false, nin, ns, rows, 1f, x, 0, nin, du, 0, ns, 0f,
                            table.array(gXs), table.offset(gXs), ns);
                }
                if (xr != null) {
                    Gemm.sgemm(true, false, nin, ns, rows, 1f, x, 0, nin, dRates, 0, ns, 0f,
                            table.array(gXr), table.offset(gXr), ns);
                }
            }
        }

        /**
         * Backward of s_t = r ⊙ u_t + (1 − r) ⊙ s_{t−1} from the last step: du_t (into u), ds_{t−1}
         * added into the previous block, and the rates' gradients.
         */
        private void contextBackward() {
            final int block = slots * ld;
            final boolean matrix = rateMode == RateMode.MATRIX;
            Arrays.fill(dRate, 0f);
            if (matrix) {
                Arrays.fill(dRates, 0, rows * ns, 0f);
            }
            for (int t = steps - 1; t >= 0; t--) {
                int g = t * block + nh;          // ds_t in dhs
                int sPrev = t * block + nh;      // s_{t−1} in hs (block t)
                int uo = t * slots * ns;
                if (matrix) {
                    for (int j = 0; j < slots; j++) {
                        int row = t * slots + j;
                        Gating.gateBackward(1, ns, rates, row * ns, u, row * ns, ns, hs, sPrev + j * ld, ld,
                                dhs, g + j * ld, ld, du, row * ns, ns, carry, j * ns, ns, dRates, row * ns);
                    }
                } else {
                    Gating.gateBackward(slots, ns, rate, 0, u, uo, ns, hs, sPrev, ld, dhs, g, ld,
                            du, uo, ns, carry, 0, ns, dRate, 0);
                }
                if (t > 0) {
                    int prevG = g - block;
                    for (int j = 0; j < slots; j++) {
                        Blas.axpy(ns, 1f, carry, j * ns, dhs, prevG + j * ld);
                    }
                }
            }
            if (matrix) {
                Activation.sigmoidBackward(rates, 0, dRates, 0, dRates, 0, rows * ns);
                float[] gb = dense.array(gBr);
                int o = dense.offset(gBr);
                Arrays.fill(gb, o, o + ns, 0f);
                Blas.addColumnSums(rows, ns, dRates, 0, ns, gb, o);
            } else if (r != null) {
                Activation.sigmoidBackward(rate, 0, dRate, 0, dense.array(gR), dense.offset(gR), ns);
            }
        }

        /** Adds this shard's gradients to shard 0's (dense ones, and the tables' for dense input). */
        void addGradientsTo(Shard first, boolean wordInput) {
            dense.addTo(first.dense);
            out.addGradientsTo(first.out);
            if (!wordInput) {
                table.addTo(first.table);
            }
        }

        /** Scatter-adds the rows of dz, du and dR̂ into the rows of xh, xs and xr the ids read. */
        void scatterTableGradients() {
            for (int row = 0; row < rows; row++) {
                int id = ids[row];
                if (id < 0) {
                    continue;
                }
                xhRows.addGradient(id, dhs, row * ld);
                if (ns > 0) {
                    xsRows.addGradient(id, du, row * ns);
                }
                if (xrRows != null) {
                    xrRows.addGradient(id, dRates, row * ns);
                }
            }
        }
    }
}
