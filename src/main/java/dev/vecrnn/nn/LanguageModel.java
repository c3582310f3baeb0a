package dev.vecrnn.nn;

/**
 * A word-level recurrent language model (SPEC §2) trained by truncated backpropagation through
 * time over B parallel streams: the SCRN language model and the Elman language model.
 *
 * <p>A segment is time-major: {@code inputs[t·B + b]} is the word id that stream b reads at step t
 * and {@code targets[t·B + b]} the id it must predict (the next word), for t in [0, steps) and
 * B = {@code state.streams()}. A target of −1 is padding (a stream that has ended, or the tail of the
 * last partial segment): it adds no loss and no gradient. An input of −1 reads a zero input row.
 * Padding appears only at the end of a stream, so no real target follows a padded step.
 *
 * <p>The loss of a segment is L = (1/N) Σ −log p(target | history) over its N non-padded targets
 * (the mean negative log-likelihood per token); the methods return the <em>sum</em> N·L so that
 * callers add segments up for perplexity = exp(Σ NLL / Σ N).
 */
public interface LanguageModel {
    /** The number of words, V: inputs and targets are ids in [0, V). */
    int vocabularySize();

    /** The trainable parameters, live and by name. */
    ParameterSet parameters();

    /** A zero state for {@code streams} parallel streams, shaped for this model. */
    RecurrentState newState(int streams);

    /**
     * Forward and backward over one segment: every gradient array is overwritten with ∂L/∂θ (L the
     * mean NLL of the segment's non-padded targets; rows of the input tables that the segment did not
     * read hold zero), and {@code state} advances to the state after the segment (no gradient flows
     * into the state before it).
     *
     * @return the summed NLL N·L (0 when every target is padding)
     * @throws IllegalArgumentException for ids outside [−1, V), arrays shorter than steps·B, or a
     *                                  state of another shape; nothing is changed then
     */
    double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets);

    /** The summed NLL of a segment, forward only (gradients untouched); {@code state} advances. */
    double loss(RecurrentState state, int steps, int[] inputs, int[] targets);

    /**
     * Scales the gradients of the last {@link #computeGradients} by maxNorm / ‖g‖ when their global L2
     * norm ‖g‖ (accumulated in double over every parameter) exceeds maxNorm.
     *
     * @return ‖g‖ before clipping (NaN or infinite when a gradient is; nothing is scaled then)
     */
    double clipGradients(float maxNorm);

    /** One SGD step θ ← θ − lr·∂L/∂θ with the last gradients (input tables: only the rows read). */
    void applySgd(float lr);

    /**
     * One step of stream 0 of {@code state} (which must have one stream): reads {@code word}, advances
     * the state and writes the logits of the next word (V floats, before the softmax) into
     * {@code logits}. Allocation-free.
     */
    void step(RecurrentState state, int word, float[] logits);
}
