package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;

/**
 * The SCRN, Structurally Constrained Recurrent Network (SPEC §2; Mikolov et al. 2015, as the theanets
 * layer defines it): slow context units mixed at a rate r beside a sigmoid hidden layer. For a batch
 * of B streams × T steps, time-major (row t·B + b), with s₋₁ and h₋₁ from a {@link RecurrentState}:
 *
 * <pre>
 *   s_t   = r ⊙ (x_t·xs) + (1 − r) ⊙ s_{t−1}
 *   h_t   = σ(x_t·xh + h_{t−1}·hh + s_t·sh)
 *   pre_t = h_t·ho + s_t·so + b,     out_t = g(pre_t)
 * </pre>
 *
 * <p>Parameters (in this order): {@code xs} nin × ns, {@code xh} nin × nh, {@code sh} ns × nh,
 * {@code hh} nh × nh, {@code ho} nh × nout, {@code so} ns × nout, {@code b} nout, and {@code r} (ns,
 * the rate logits r̂, r = σ(r̂)) in the {@link RateMode#VECTOR} mode, or {@code xr} nin × ns and
 * {@code br} ns (r_t = σ(x_t·xr + br)) in the {@link RateMode#MATRIX} mode. {@code ho}, {@code so} and
 * {@code b} are the blocks of one stacked (nh + ns + 1) × nout array ({@link Parameter#offset()} says
 * where), so the output projection of [h ‖ s ‖ 1] is one product, bias included. A language model may
 * have a factored output instead ({@link #ScrnNetwork(ScrnConfig, long, OutputStructure)}): a
 * {@link HierarchicalSoftmax} ({@code hv hb}) or a {@link ClassSoftmax} ({@code cw cb ow ob}) in place
 * of {@code ho so b}. Initialisation (theanets' rule, from the seed): every
 * matrix N(0, 1/√(rows + cols)), r̂ ~ N(0, 1), the biases 0; the constant rates of the uniform and log
 * modes are drawn after them.
 *
 * <p>Input is either word ids ({@code int[]}, −1 = a zero input row: rows of xs, xh, xr are gathered,
 * never a one-hot product) or dense rows ({@code float[]}, (T·B) × nin). With the softmax activation
 * and integer targets (−1 = padding) the loss is the mean NLL per counted target; for any activation,
 * {@link #computeGradients(RecurrentState, int, float[], float[])} takes the gradient of the loss with
 * respect to the outputs. As a {@link LanguageModel} (word ids, softmax, nin = nout = V) it is trained
 * by {@code LanguageModelTrainer}.
 *
 * <p>How it computes: see {@link RecurrentCore}.
 *
 * <p><b>Threads.</b> The network's own methods ({@code computeGradients}, {@code loss}, {@code forward},
 * {@code output}, {@code step}, {@code applySgd}, …) share its workspaces: one thread at a time. For
 * inference on several threads, give each its own {@link #newStepper()}: steppers only read the
 * parameters, so any number may share one network while no thread trains it or sets its parameters.
 * A batch of more than 16 streams runs its shards on the {@link dev.vecrnn.kernel.Parallel} pool,
 * whose size may be changed meanwhile from another thread (the result does not depend on it).
 */
public final class ScrnNetwork extends CoreLanguageModel {
    private static final String[] NAMES = {"xs", "xh", "sh", "hh", "ho", "so", "b", "r", "xr", "br", null};

    private final ScrnConfig config;
    private final long seed;

    /** An SCRN initialised from {@code seed} (same seed ⇒ the same parameters and constant rates, bit for bit). */
    public ScrnNetwork(ScrnConfig config, long seed) {
        this(config, seed, null);
    }

    /**
     * An SCRN whose output is a hierarchical softmax over a {@link HuffmanTree} (the parameters
     * {@code hv} ((V − 1) × (nh + ns)) and {@code hb} (V − 1), see {@link HierarchicalSoftmax}) or a class
     * softmax over {@link WordClasses} ({@code cw} C × (nh + ns), {@code cb} C, {@code ow} V × (nh + ns),
     * {@code ob} V, see {@link ClassSoftmax}) in place of {@code ho so b}, all zero at the start; null
     * gives the full softmax. A factored output needs the softmax activation (a language model).
     */
    public ScrnNetwork(ScrnConfig config, long seed, OutputStructure output) {
        super(new RecurrentCore(check(config, output).inputSize(), config.hiddenSize(), config.contextSize(),
                config.outputSize(), config.rateMode(), config.alpha(), config.activation(), false, NAMES, false, seed,
                output));
        this.config = config;
        this.seed = seed;
    }

    /** The Huffman tree of a hierarchical softmax output, or null for another output. */
    public HuffmanTree tree() {
        return core.tree;
    }

    /** The word classes of a class softmax output, or null for another output. */
    public WordClasses classes() {
        return core.classes;
    }

    /** The seed the network was initialised from (it also fixes the uniform and log modes' rates). */
    public long seed() {
        return seed;
    }

    /**
     * The names and shapes of the parameters an SCRN of this config has, in order (what
     * {@link #parameters()} holds), without building one: for readers that check a file's tensors
     * before they allocate a model.
     */
    public static java.util.LinkedHashMap<String, int[]> parameterShapes(ScrnConfig c) {
        return parameterShapes(c, null);
    }

    /**
     * {@link #parameterShapes(ScrnConfig)} of an SCRN whose output is built over {@code output} (a
     * Huffman tree, word classes, or null for the full softmax).
     */
    public static java.util.LinkedHashMap<String, int[]> parameterShapes(ScrnConfig c, OutputStructure output) {
        java.util.LinkedHashMap<String, int[]> m = new java.util.LinkedHashMap<>();
        int nin = c.inputSize(), nh = c.hiddenSize(), ns = c.contextSize(), nout = c.outputSize();
        m.put("xs", new int[] {nin, ns});
        m.put("xh", new int[] {nin, nh});
        m.put("sh", new int[] {ns, nh});
        m.put("hh", new int[] {nh, nh});
        switch (OutputKind.of(output)) {
            case HIERARCHICAL -> {
                m.put("hv", new int[] {nout - 1, nh + ns});
                m.put("hb", new int[] {nout - 1});
            }
            case CLASS -> {
                int classes = ((WordClasses) output).classes();
                m.put("cw", new int[] {classes, nh + ns});
                m.put("ow", new int[] {nout, nh + ns});
                m.put("cb", new int[] {classes});
                m.put("ob", new int[] {nout});
            }
            case FULL -> {
                m.put("ho", new int[] {nh, nout});
                m.put("so", new int[] {ns, nout});
                m.put("b", new int[] {nout});
            }
        }
        if (c.rateMode() == RateMode.VECTOR) {
            m.put("r", new int[] {ns});
        } else if (c.rateMode() == RateMode.MATRIX) {
            m.put("xr", new int[] {nin, ns});
            m.put("br", new int[] {ns});
        }
        return m;
    }

    private static ScrnConfig check(ScrnConfig config, OutputStructure output) {
        if (config == null) {
            throw new IllegalArgumentException("config is null");
        }
        if (output != null && config.activation() != OutputActivation.SOFTMAX) {
            throw new IllegalArgumentException("a " + (output.kind() == OutputKind.CLASS ? "class" : "hierarchical")
                    + " softmax output needs the softmax activation, not "
                    + config.activation());
        }
        return config;
    }

    public ScrnConfig config() {
        return config;
    }

    /**
     * The rates r now: σ(r̂) in the vector mode, the constants in the fixed, uniform and log modes (a
     * copy); the matrix mode's rates depend on the input (read {@code output("rate")} after a forward).
     */
    public float[] rates() {
        if (config.rateMode() == RateMode.MATRIX) {
            throw new IllegalStateException("the matrix rate mode has a rate per step: read output(\"rate\")");
        }
        float[] r = new float[config.contextSize()];
        if (config.rateMode() == RateMode.VECTOR) {
            Activation.sigmoid(core.r.values(), 0, r, 0, r.length);
            return r;
        }
        return core.constantRates();
    }

    @Override
    public int vocabularySize() {
        if (config.inputSize() != config.outputSize()) {
            throw new IllegalStateException("a language model has as many outputs as inputs; this SCRN has "
                    + config.inputSize() + " inputs and " + config.outputSize() + " outputs");
        }
        return config.inputSize();
    }

    /** Softmax NLL of dense input rows against word targets; gradients of the mean; returns Σ NLL. */
    public double computeGradients(RecurrentState state, int steps, float[] inputs, int[] targets) {
        requireLanguageModel();
        return core.run(state, steps, null, inputs, targets, true);
    }

    /** Σ NLL of dense input rows against word targets, forward only. */
    public double loss(RecurrentState state, int steps, float[] inputs, int[] targets) {
        requireLanguageModel();
        return core.run(state, steps, null, inputs, targets, false);
    }

    /**
     * Gradients for any activation: every gradient array is overwritten with ∂L/∂θ, where L is the loss
     * whose gradient with respect to out_t is {@code outputGradient} ((T·B) × nout, time-major). The
     * state advances, and the per-step outputs of this pass are readable by {@link #output}.
     */
    public void computeGradients(RecurrentState state, int steps, int[] inputs, float[] outputGradient) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs is null");
        }
        core.backwardFromOutputs(state, steps, inputs, null, outputGradient);
        lastOutputs = core.shardForOutputs();
    }

    /** {@link #computeGradients(RecurrentState, int, int[], float[])} for dense input rows. */
    public void computeGradients(RecurrentState state, int steps, float[] inputs, float[] outputGradient) {
        core.backwardFromOutputs(state, steps, null, inputs, outputGradient);
        lastOutputs = core.shardForOutputs();
    }

    /** Forward over word ids; the state advances; the per-step outputs are readable by {@link #output}. */
    public void forward(RecurrentState state, int steps, int[] inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs is null");
        }
        lastOutputs = core.forwardOutputs(state, steps, inputs, null);
    }

    /** Forward over dense rows ((T·B) × nin); the state advances; outputs readable by {@link #output}. */
    public void forward(RecurrentState state, int steps, float[] inputs) {
        lastOutputs = core.forwardOutputs(state, steps, null, inputs);
    }

    private RecurrentCore.Shard lastOutputs;

    /**
     * A per-step output of the last {@link #forward} (or output-gradient pass), time-major (row t·B + b),
     * a copy: {@code out} and {@code pre} (T·B) × nout, {@code hid} (h_t) (T·B) × nh, {@code state}
     * (s_t) (T·B) × ns, {@code rate} (the rates used at step t) (T·B) × ns.
     *
     * @throws IllegalStateException before any forward pass
     * @throws IllegalArgumentException for another name
     */
    public float[] output(String name) {
        if (lastOutputs == null) {
            throw new IllegalStateException("no forward pass yet");
        }
        return core.outputOf(lastOutputs, name);
    }

    /** A stepper for one stream of dense input, state zero (workload R2). */
    public ScrnStepper newStepper() {
        return new ScrnStepper(core);
    }
}
