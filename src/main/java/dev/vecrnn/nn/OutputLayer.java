package dev.vecrnn.nn;

/**
 * The output layer of a network: from input rows x (rows × in) to a distribution over {@code out}
 * classes per row, with the cross-entropy loss against integer targets. The full softmax
 * ({@link SoftmaxOutput}) is one implementation; the hierarchical softmax ({@link HierarchicalSoftmax}) and
 * the class softmax ({@link ClassSoftmax}) are others.
 *
 * <p>The layer holds its parameters; the per-batch buffers live in a {@link Workspace}, one per shard
 * of a batch, so shards run at the same time.
 */
public interface OutputLayer {
    /** The width of an input row (a layer with a folded bias reads one more column, a constant 1). */
    int inputSize();

    /** The number of classes. */
    int outputSize();

    /** The layer's trainable parameters, in a fixed order. */
    Parameter[] parameters();

    /**
     * A workspace for one shard.
     *
     * @param first whether it is shard 0, which writes gradients into the parameters' own arrays
     *              (the others into arrays of their own, added by {@link Workspace#addGradientsTo})
     */
    Workspace newWorkspace(boolean first);

    /** The buffers of one shard; grown to the most rows seen and reused (nothing allocated after). */
    interface Workspace {
        /**
         * The loss over {@code rows} input rows, ℓ = Σ_r w_r · (−log p(target_r | x_r)) with row weights
         * w_r = rowWeight[r] (all 1 when rowWeight is null); a target of −1 is padding and adds nothing.
         * Keeps what {@link #backward} needs for the gradient of scale·ℓ (for example scale = 1/N for a
         * mean over N tokens, or rowWeight = 1/T_s for each row of a sentence of T_s words).
         *
         * @return ℓ, accumulated in double
         * @throws IllegalArgumentException for a target outside [−1, out)
         */
        double forward(int rows, float[] x, int xOff, int ldx, int[] targets, int tOff, float scale, double[] rowWeight);

        /**
         * After {@link #forward} on the same x: overwrites this workspace's parameter gradients with those
         * of the weighted loss and dx (rows × in, leading dimension lddx) with ∂loss/∂x. After
         * {@link #scores} instead, it backpropagates whatever the caller wrote into the returned buffer
         * as ∂L/∂scores (a loss of the caller's own, for example through another activation).
         */
        void backward(int rows, float[] x, int xOff, int ldx, float[] dx, int dxOff, int lddx);

        /** Adds this shard's parameter gradients to shard 0's. */
        void addGradientsTo(Workspace first);

        /**
         * The scores of every class for each row (for the full softmax, the logits x·W + b), rows × out
         * in the returned array from offset 0, valid until the next call on this workspace.
         */
        float[] scores(int rows, float[] x, int xOff, int ldx);
    }
}
