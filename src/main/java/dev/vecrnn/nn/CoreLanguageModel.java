package dev.vecrnn.nn;

/**
 * The {@link LanguageModel} side of a network built on {@link RecurrentCore}: word-id segments,
 * softmax over the vocabulary, state carried in a {@link RecurrentState}. Shared by the SCRN and the
 * Elman language model, which differ only in their core.
 */
abstract class CoreLanguageModel implements LanguageModel {
    final RecurrentCore core;
    private ScrnStepper sampler;          // stream stepper for step(), made on first use
    private RecurrentState samplerState;  // the state last loaded into it

    CoreLanguageModel(RecurrentCore core) {
        this.core = core;
    }

    /** What the output layer is built over: a {@link HuffmanTree}, {@link WordClasses}, or null for the full softmax. */
    public OutputStructure outputStructure() {
        return core.structure;
    }

    /** The kind of output layer: full, hierarchical or class softmax. */
    public OutputKind outputKind() {
        return OutputKind.of(core.structure);
    }

    @Override
    public int vocabularySize() {
        return core.nin;
    }

    @Override
    public ParameterSet parameters() {
        return core.params;
    }

    @Override
    public RecurrentState newState(int streams) {
        return new RecurrentState(streams, core.nh, core.ns);
    }

    void requireLanguageModel() {
        if (core.activation != OutputActivation.SOFTMAX) {
            throw new IllegalStateException("a loss against word targets needs the softmax activation, not "
                    + core.activation);
        }
    }

    @Override
    public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
        requireLanguageModel();
        if (inputs == null) {
            throw new IllegalArgumentException("inputs is null");
        }
        return core.run(state, steps, inputs, null, targets, true);
    }

    @Override
    public double loss(RecurrentState state, int steps, int[] inputs, int[] targets) {
        requireLanguageModel();
        if (inputs == null) {
            throw new IllegalArgumentException("inputs is null");
        }
        return core.run(state, steps, inputs, null, targets, false);
    }

    @Override
    public double clipGradients(float maxNorm) {
        return core.clipGradients(maxNorm);
    }

    @Override
    public void applySgd(float lr) {
        core.applySgd(lr);
    }

    @Override
    public void step(RecurrentState state, int word, float[] logits) {
        if (state == null || state.streams() != 1 || state.hiddenSize() != core.nh || state.contextSize() != core.ns) {
            throw new IllegalArgumentException("step needs a one-stream state of this model, got " + state);
        }
        if (logits == null || logits.length < core.nout) {
            throw new IllegalArgumentException("logits needs " + core.nout + " floats");
        }
        if (sampler == null) {
            sampler = new ScrnStepper(core);
        }
        sampler.load(state, 0);
        sampler.stepWord(word, logits);
        sampler.store(state, 0);
        samplerState = state;
    }
}
