package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;

import java.util.Arrays;

/**
 * The hierarchical softmax output layer: the V words are the leaves of a {@link HuffmanTree}, and
 *
 * <pre>
 *   P(w | x) = Π over the inner nodes n on w's path of σ(s_n · (x·hv[n] + hb[n])),
 *              s_n = +1 where the path takes child 1, −1 where it takes child 0
 * </pre>
 *
 * so the probabilities of all words sum to 1 exactly, and a word costs about log₂ V dot products
 * instead of V. Parameters: {@code hv} (V − 1) × in, the inner nodes' vectors, and {@code hb} (V − 1),
 * their biases. The loss of a row is −log P(target | x) = Σ softplus(−s_n z_n), and its gradient at
 * node n is ∂/∂z_n = σ(z_n) − [s_n = +1].
 *
 * <p>The gradient of {@code hv} is kept sparse: a batch touches only the nodes on its targets' paths
 * (about log₂ V per token), so only those rows are zeroed, summed across shards (in shard order, the
 * same bits as dense sums) and updated ({@link EmbeddingRows}); the rest of {@code hv.gradient()} is 0.
 *
 * <p>{@link Workspace#scores} gives log P(w | x) for every word (what sampling and one-step inference
 * need; the softmax of these is the distribution itself); there is no caller-defined loss over
 * scores, so {@link Workspace#backward} follows only {@link Workspace#forward}.
 */
public final class HierarchicalSoftmax implements OutputLayer {
    private final HuffmanTree tree;
    private final Parameter vectors, biases;
    private final int in, words;
    /** hv's gradient is sparse: only the nodes on the batch's paths are non-zero, zeroed, summed and updated. */
    private final EmbeddingRows nodeRows;

    HierarchicalSoftmax(HuffmanTree tree, Parameter vectors, Parameter biases) {
        int[] vs = vectors.shape();
        if (vs.length != 2 || vs[0] != tree.words() - 1 || !Arrays.equals(biases.shape(), new int[] {vs[0]})) {
            throw new IllegalArgumentException("hierarchical softmax over " + tree.words() + " words needs node vectors ("
                    + (tree.words() - 1) + " × in) and biases, got " + vectors + ", " + biases);
        }
        this.tree = tree;
        this.vectors = vectors;
        this.biases = biases;
        this.in = vs[1];
        this.words = tree.words();
        this.nodeRows = new EmbeddingRows(vectors);
    }

    /** The node vectors as a table whose gradient rows are the nodes on the last batch's paths. */
    EmbeddingRows nodeRows() {
        return nodeRows;
    }

    /** The tree the words' paths follow. */
    public HuffmanTree tree() {
        return tree;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return words;
    }

    @Override
    public Parameter[] parameters() {
        return new Parameter[] {vectors, biases};
    }

    @Override
    public Workspace newWorkspace(boolean first) {
        return new HsWorkspace(first);
    }

    /** log σ(z), stably. */
    static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    private final class HsWorkspace implements Workspace {
        private final boolean first;
        private ShardGradients grads;              // hb; made on the first backward (a scoring workspace needs none)
        private SparseRowGradients nodeGrads;      // ∂hv: the rows of the nodes on this batch's paths
        private float[] dz = new float[0];         // the rows' paths one after another: scale·w_r·(σ(z) − code)
        private float[] u = new float[0];          // the same places: s_n·z_n, then σ(s_n·z_n)
        private int[] rowTargets = new int[0];
        private float[] logp = new float[0];       // rows × V (scores)
        private float[] z = new float[0];          // rows × (V − 1) (scores)

        HsWorkspace(boolean first) {
            this.first = first;
        }

        @Override
        public double forward(int rows, float[] x, int xOff, int ldx, int[] targets, int tOff, float scale,
                              double[] rowWeight) {
            for (int r = 0; r < rows; r++) {
                int t = targets[tOff + r];
                if (t < -1 || t >= words) {
                    throw new IllegalArgumentException("target " + t + " of row " + r + " is outside [-1, " + words + ")");
                }
            }
            int depth = tree.maxDepth();
            if (dz.length < rows * depth) {
                dz = new float[rows * depth];
                u = new float[rows * depth];
                rowTargets = new int[rows];
            }
            float[] v = vectors.values();
            int vOff = vectors.offset();
            float[] b = biases.values();
            int bOff = biases.offset();
            int[] nodes = tree.pathNodes();
            byte[] codes = tree.pathCodes();
            // s_n·z_n for every node on every row's path, one path after another ...
            int count = 0;
            for (int r = 0; r < rows; r++) {
                int t = targets[tOff + r];
                rowTargets[r] = t;
                if (t < 0) {
                    continue;
                }
                int start = tree.pathStart(t);
                for (int j = 0, d = tree.depth(t); j < d; j++) {
                    int n = nodes[start + j];
                    float zn = Blas.dot(in, x, xOff + r * ldx, v, vOff + n * in) + b[bOff + n];
                    u[count++] = codes[start + j] == 1 ? zn : -zn;
                }
            }
            // ... then σ(s_n·z_n) by the vector kernel, and per row one log of their product
            Activation.sigmoid(u, 0, u, 0, count);
            double loss = 0;
            count = 0;
            for (int r = 0; r < rows; r++) {
                int t = rowTargets[r];
                if (t < 0) {
                    continue;
                }
                double weight = rowWeight == null ? 1.0 : rowWeight[r];
                float c = rowWeight == null ? scale : scale * (float) weight;
                int start = tree.pathStart(t);
                int d = tree.depth(t);
                double product = 1;
                for (int j = 0; j < d; j++) {
                    float p = u[count + j];
                    product *= p;
                    // ∂/∂z_n = σ(z_n) − code: σ(z) = p on a 1-branch, 1 − p on a 0-branch
                    dz[count + j] = codes[start + j] == 1 ? c * (p - 1f) : c * (1f - p);
                }
                double rowLoss;
                if (product > 1e-300) {
                    rowLoss = -Math.log(product);
                } else { // a node's σ underflowed: its −log σ from z itself, in double
                    rowLoss = 0;
                    for (int j = 0; j < d; j++) {
                        int n = nodes[start + j];
                        double zn = (double) Blas.dot(in, x, xOff + r * ldx, v, vOff + n * in) + b[bOff + n];
                        rowLoss -= logSigmoid(codes[start + j] == 1 ? zn : -zn);
                    }
                }
                count += d;
                loss += weight * rowLoss;
            }
            return loss;
        }

        @Override
        public void backward(int rows, float[] x, int xOff, int ldx, float[] dx, int dxOff, int lddx) {
            if (grads == null) {
                grads = new ShardGradients(first, biases);
                nodeGrads = new SparseRowGradients(nodeRows, first);
            }
            float[] gb = grads.array(0);
            int gbOff = grads.offset(0);
            Arrays.fill(gb, gbOff, gbOff + biases.size(), 0f);
            nodeGrads.begin(); // zero the rows of the previous batch
            float[] gv = nodeGrads.array();
            float[] v = vectors.values();
            int vOff = vectors.offset();
            int[] nodes = tree.pathNodes();
            int count = 0;
            for (int r = 0; r < rows; r++) {
                int o = dxOff + r * lddx;
                Arrays.fill(dx, o, o + in, 0f);
                int t = rowTargets[r];
                if (t < 0) {
                    continue;
                }
                int start = tree.pathStart(t);
                int d = tree.depth(t);
                for (int j = 0; j < d; j++) {
                    int n = nodes[start + j];
                    float g = dz[count++];
                    Blas.axpy(in, g, v, vOff + n * in, dx, o);
                    nodeGrads.touch(n);
                    Blas.axpy(in, g, x, xOff + r * ldx, gv, n * in);
                    gb[gbOff + n] += g;
                }
            }
        }

        /** Shard 0's ∂hb += this one's; ∂hv rows += this shard's touched rows, in the order they were touched. */
        @Override
        public void addGradientsTo(Workspace first) {
            grads.addTo(((HsWorkspace) first).grads);
            nodeGrads.addTo();
        }

        /** log P(w | x) of every word w for each row (rows × V from offset 0). */
        @Override
        public float[] scores(int rows, float[] x, int xOff, int ldx) {
            int inner = words - 1;
            if (logp.length < rows * words) {
                logp = new float[rows * words];
                z = new float[rows * inner];
            }
            Gemm.sgemm(false, true, rows, inner, in, 1f, x, xOff, ldx, vectors.values(), vectors.offset(), in,
                    0f, z, 0, inner);
            Blas.addRowVector(rows, inner, biases.values(), biases.offset(), z, 0, inner);
            int[] nodes = tree.pathNodes();
            byte[] codes = tree.pathCodes();
            for (int r = 0; r < rows; r++) {
                for (int w = 0; w < words; w++) {
                    int start = tree.pathStart(w);
                    double lp = 0;
                    for (int j = 0; j < tree.depth(w); j++) {
                        double zn = z[r * inner + nodes[start + j]];
                        lp += logSigmoid(codes[start + j] == 1 ? zn : -zn);
                    }
                    logp[r * words + w] = (float) lp;
                }
            }
            return logp;
        }
    }
}
