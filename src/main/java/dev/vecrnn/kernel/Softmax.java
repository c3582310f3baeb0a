package dev.vecrnn.kernel;

/**
 * Row softmax, log-softmax and fused softmax + cross-entropy over row-major matrices
 * (rows × cols at an offset, leading dimension ld), in place. Every row is shifted by its maximum
 * first, so any finite input gives finite results; a softmax row sums to 1 within 1e-6. The row
 * logic is written once, here, over the providers' row primitives (max, e^(x − shift), sums).
 */
public final class Softmax {
    private static final KernelProvider K = Vectorization.PROVIDER;

    private Softmax() {}

    /** x[i, j] ← e^{x[i,j] − m_i} / Σ_k e^{x[i,k] − m_i}, with m_i = max_k x[i, k]. */
    public static void softmaxRows(int rows, int cols, float[] x, int off, int ld) {
        Checks.matrix("x", x, off, rows, cols, ld);
        if (cols == 0) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            float sum = K.expShiftedInPlace(x, o, cols, K.max(x, o, cols));
            K.scale(cols, 1f / sum, x, o);
        }
    }

    /** x[i, j] ← x[i, j] − m_i − log Σ_k e^{x[i,k] − m_i}. */
    public static void logSoftmaxRows(int rows, int cols, float[] x, int off, int ld) {
        Checks.matrix("x", x, off, rows, cols, ld);
        if (cols == 0) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            float max = K.max(x, o, cols);
            K.addScalar(cols, -(max + (float) Math.log(K.sumExpShifted(x, o, cols, max))), x, o);
        }
    }

    /**
     * Fused softmax + cross-entropy + gradient. For each row i with target t_i ≥ 0:
     * loss_i = log Σ_k e^{z[i,k]} − z[i, t_i], and the row is overwritten with
     * (softmax(z_i) − onehot(t_i)) · scale. A target of −1 marks a padded row: it adds no loss and
     * its row is set to 0.
     *
     * @return Σ_i loss_i over the non-padded rows (unscaled)
     * @throws IllegalArgumentException if a target is outside [−1, cols), before anything is written
     */
    public static double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld,
                                             int[] targets, int tOff, float scale) {
        checkTargets(rows, cols, logits, off, ld, targets, tOff);
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            loss += rowCrossEntropy(cols, logits, off + i * ld, targets[tOff + i], scale);
        }
        return loss;
    }

    /**
     * {@link #softmaxCrossEntropy(int, int, float[], int, int, int[], int, float)} with a weight per
     * row: row i's gradient is scaled by scale·(float) w_i, w_i = rowWeight[wOff + i] (a sentence's
     * 1/T), and the rows' losses are summed weighted, Σ_i w_i·loss_i in double — the same bits as
     * calling the unweighted method one row at a time, without checking the arguments per row.
     *
     * @throws IllegalArgumentException if a target is outside [−1, cols) or a view runs outside its
     *                                  array, before anything is written
     */
    public static double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld,
                                             int[] targets, int tOff, float scale, double[] rowWeight, int wOff) {
        checkTargets(rows, cols, logits, off, ld, targets, tOff);
        if (rowWeight == null || wOff < 0 || (long) wOff + rows > rowWeight.length) {
            throw new IllegalArgumentException("rowWeight: view [" + wOff + ", " + ((long) wOff + rows)
                    + ") runs outside its array" + (rowWeight == null ? " (null)" : " of length " + rowWeight.length));
        }
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double w = rowWeight[wOff + i];
            loss += w * rowCrossEntropy(cols, logits, off + i * ld, targets[tOff + i], scale * (float) w);
        }
        return loss;
    }

    private static void checkTargets(int rows, int cols, float[] logits, int off, int ld, int[] targets, int tOff) {
        Checks.matrix("logits", logits, off, rows, cols, ld);
        if (targets == null || tOff < 0 || (long) tOff + rows > targets.length) {
            throw new IllegalArgumentException("targets: view [" + tOff + ", " + ((long) tOff + rows)
                    + ") runs outside its array" + (targets == null ? " (null)" : " of length " + targets.length));
        }
        for (int i = 0; i < rows; i++) {
            int t = targets[tOff + i];
            if (t < -1 || t >= cols) {
                throw new IllegalArgumentException("target " + t + " of row " + i + " is outside [-1, " + cols + ")");
            }
        }
    }

    /** One row of the fused softmax + cross-entropy at logits[o..]: its loss (0 for target −1). */
    private static double rowCrossEntropy(int cols, float[] logits, int o, int t, float scale) {
        if (t < 0) {
            java.util.Arrays.fill(logits, o, o + cols, 0f);
            return 0;
        }
        // Shifted by the target's own logit: its term is e^0 = 1, so the sum cannot underflow,
        // and no pass for the row's maximum is needed unless a logit lies more than
        // PREFIX_LIMIT above the target's (a loss above 60 nats: rare); then the rest of the
        // row is shifted by its maximum and the done prefix rescaled to match.
        float target = logits[o + t];
        float shift = target;
        long done = K.expShiftedPrefix(logits, o, cols, shift);
        int c = KernelProvider.prefixCount(done);
        float sum = KernelProvider.prefixSum(done);
        if (c < cols) {
            float max = K.max(logits, o + c, cols - c);
            float rescale = (float) Math.exp((double) shift - max);
            K.scale(c, rescale, logits, o);
            sum = sum * rescale + K.expShiftedInPlace(logits, o + c, cols - c, max);
            shift = max;
        }
        K.scale(cols, scale / sum, logits, o);
        logits[o + t] -= scale;
        return Math.log(sum) - (target - shift);
    }
}
