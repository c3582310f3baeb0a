package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;

/**
 * The gradient arrays of one shard of a batch, for a list of dense parameters. A batch cut into
 * shards runs each shard's forward and backward on its own workspace (on the
 * {@link dev.vecrnn.kernel.Parallel} pool's threads when it has them); shard 0 writes straight into
 * the parameters' gradient arrays, every other shard into arrays of its own, which
 * {@link #addTo(ShardGradients)} then adds to shard 0's, shard by shard in order. The cut depends
 * only on the batch, so a run gives the same bits on any number of threads.
 */
final class ShardGradients {
    private final Parameter[] params;
    private final float[][] arrays;
    private final int[] offsets;

    /** @param first whether this is shard 0 (its arrays are the parameters' own) */
    ShardGradients(boolean first, Parameter... params) {
        this.params = params.clone();
        this.arrays = new float[params.length][];
        this.offsets = new int[params.length];
        for (int i = 0; i < params.length; i++) {
            arrays[i] = first ? params[i].gradient() : new float[params[i].size()];
            offsets[i] = first ? params[i].offset() : 0;
        }
    }

    /** The array holding parameter i's gradient in this shard (from {@link #offset(int)}). */
    float[] array(int i) {
        return arrays[i];
    }

    /** Where parameter i's gradient starts in {@link #array(int)}. */
    int offset(int i) {
        return offsets[i];
    }

    /** first[i] += this[i] for every parameter, in order. */
    void addTo(ShardGradients first) {
        for (int i = 0; i < params.length; i++) {
            Blas.axpy(params[i].size(), 1f, arrays[i], offsets[i], first.arrays[i], first.offsets[i]);
        }
    }
}
