package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Softmax;

import java.util.Arrays;

/**
 * The full softmax output layer: logits z = x·W + b, p = softmax(z), loss −log p[target].
 * Parameters: the weight W (in × out) and the bias b (out); W may be a stack of named blocks (the
 * SCRN's [ho ; so] against the input [h ‖ s]), so the projection is one product.
 *
 * <p>Forward is one GEMM for all rows into one logits buffer, then the fused softmax +
 * cross-entropy, which leaves scale·w_r·(p_r − onehot(target_r)) in the logits; backward is ∂W = xᵀ·dz
 * (one GEMM), ∂b = column sums of dz and dx = dz·Wᵀ (one GEMM).
 *
 * <p>With the bias <em>folded</em>, b is the last row of an (in + 1) × out weight and every input row
 * carries a constant 1 after its {@code in} values: z = [x ‖ 1]·[W ; b] is one GEMM with no separate
 * bias pass, and ∂b comes out of ∂[W ; b] = [x ‖ 1]ᵀ·dz with no column sums — two passes fewer over
 * the logits, which for a 10,000-word softmax are the largest buffer of a training step.
 */
public final class SoftmaxOutput implements OutputLayer {
    private final Parameter weight, bias;
    private final int in, out;
    private final boolean folded;
    private final PackedWeight wPacked, wTPacked; // W (all rows) and Wᵀ (the input rows), for shared batches
    private boolean shared;                       // between beginSharedBatch and endSharedBatch

    /**
     * @param weight in × out (a matrix, possibly with an offset into a stacked array); with the bias
     *               folded, (in + 1) × out whose last row is {@code bias}
     * @param bias   out
     */
    SoftmaxOutput(Parameter weight, Parameter bias, boolean biasFolded) {
        int[] ws = weight.shape();
        int[] bs = bias.shape();
        if (ws.length != 2 || bs.length != 1 || bs[0] != ws[1]) {
            throw new IllegalArgumentException("softmax output needs W in × out and b out, got " + weight + ", " + bias);
        }
        if (biasFolded && (ws[0] < 2 || bias.values() != weight.values()
                || bias.offset() != weight.offset() + (ws[0] - 1) * ws[1])) {
            throw new IllegalArgumentException("a folded bias is the last row of the weight, got " + weight + ", " + bias);
        }
        this.weight = weight;
        this.bias = bias;
        this.folded = biasFolded;
        this.in = biasFolded ? ws[0] - 1 : ws[0];
        this.out = ws[1];
        this.wPacked = new PackedWeight(weight, false);
        this.wTPacked = new PackedWeight(weight, true, in);
    }

    /**
     * For a batch cut into several shards: packs W (and, for a backward pass, Wᵀ) once, for every
     * shard's workspace to read until {@link #endSharedBatch()}, instead of each product packing it
     * again (the same results bit for bit). Call before the shards run; the weights must not change
     * until the end.
     */
    void beginSharedBatch(boolean backward) {
        wPacked.refresh();
        if (backward) {
            wTPacked.refresh();
        }
        shared = true;
    }

    /** Ends {@link #beginSharedBatch}: the workspaces read W in place again. */
    void endSharedBatch() {
        shared = false;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    /** The weight first, then the bias (with the bias folded, a view of the weight's last row). */
    @Override
    public Parameter[] parameters() {
        return new Parameter[] {weight, bias};
    }

    @Override
    public Workspace newWorkspace(boolean first) {
        return new SoftmaxWorkspace(first);
    }

    private final class SoftmaxWorkspace implements Workspace {
        private final ShardGradients grads;
        private float[] logits = new float[0];   // rows × out; after forward, c_r·(p − onehot)

        SoftmaxWorkspace(boolean first) {
            grads = folded ? new ShardGradients(first, weight) : new ShardGradients(first, weight, bias);
        }

        private void ensureRows(int rows) {
            if ((long) rows * out > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(rows + " rows × " + out + " classes is too large");
            }
            if (logits.length < rows * out) {
                logits = new float[rows * out];
            }
        }

        @Override
        public float[] scores(int rows, float[] x, int xOff, int ldx) {
            ensureRows(rows);
            int k = folded ? in + 1 : in;  // folded: x carries its 1 in column in
            if (shared) {
                Gemm.sgemm(false, rows, 1f, x, xOff, ldx, wPacked.packed(), 0f, logits, 0, out);
            } else {
                Gemm.sgemm(false, false, rows, out, k, 1f, x, xOff, ldx, weight.values(), weight.offset(), out,
                        0f, logits, 0, out);
            }
            if (!folded) {
                Blas.addRowVector(rows, out, bias.values(), bias.offset(), logits, 0, out);
            }
            return logits;
        }

        @Override
        public double forward(int rows, float[] x, int xOff, int ldx, int[] targets, int tOff, float scale,
                              double[] rowWeight) {
            scores(rows, x, xOff, ldx);
            return rowWeight == null
                    ? Softmax.softmaxCrossEntropy(rows, out, logits, 0, out, targets, tOff, scale)
                    : Softmax.softmaxCrossEntropy(rows, out, logits, 0, out, targets, tOff, scale, rowWeight, 0);
        }

        @Override
        public void backward(int rows, float[] x, int xOff, int ldx, float[] dx, int dxOff, int lddx) {
            float[] gW = grads.array(0);
            // folded: the row of 1s in xᵀ makes the last row of ∂[W ; b] the column sums, ∂b
            Gemm.sgemm(true, false, folded ? in + 1 : in, out, rows, 1f, x, xOff, ldx, logits, 0, out, 0f,
                    gW, grads.offset(0), out);
            if (!folded) {
                float[] gB = grads.array(1);
                int gBOff = grads.offset(1);
                Arrays.fill(gB, gBOff, gBOff + out, 0f);
                Blas.addColumnSums(rows, out, logits, 0, out, gB, gBOff);
            }
            if (shared) {
                Gemm.sgemm(false, rows, 1f, logits, 0, out, wTPacked.packed(), 0f, dx, dxOff, lddx);
            } else {
                Gemm.sgemm(false, true, rows, in, out, 1f, logits, 0, out, weight.values(), weight.offset(), out,
                        0f, dx, dxOff, lddx);
            }
        }

        @Override
        public void addGradientsTo(Workspace first) {
            grads.addTo(((SoftmaxWorkspace) first).grads);
        }
    }
}
