package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Softmax;

import java.util.Arrays;

/**
 * The class-factored softmax output layer (Mikolov's two-level factorisation): the V words are split
 * into C classes by a {@link WordClasses} assignment, and
 *
 * <pre>
 *   P(w | x) = P(c | x) · P(w | c, x),   c = class(w)
 *   P(c | x)    = softmax over the C classes of  x·cw[c] + cb[c]
 *   P(w | c, x) = softmax over the words v of class c of  x·ow[v] + ob[v]
 * </pre>
 *
 * so the probabilities of all V words sum to 1 exactly, and a word costs C + |class(w)| dot products
 * (about 2√V) instead of V. Parameters: {@code cw} C × in and {@code cb} C, the class vectors and
 * biases; {@code ow} V × in and {@code ob} V, the word vectors and biases (row w is word w's, whatever
 * its class); all zero at the start. The loss of a row is −log P(c | x) − log P(w | c, x).
 *
 * <p>Forward: the class logits of all rows are one GEMM (rows × C) and one fused softmax +
 * cross-entropy ({@link Softmax#softmaxCrossEntropy}); the logits of the target class's words are one
 * SIMD dot product each, then the same fused kernel over the class. Backward: ∂cw = dZcᵀ·X and
 * dx = dZc·cw (two GEMMs), ∂cb the column sums; each word of a target class adds its dz times x to its
 * row of ∂ow and times ow[v] to dx. The gradient of {@code ow} is kept sparse: a batch touches only the
 * words of its targets' classes, so only those rows are zeroed, summed across shards (in shard order,
 * the same bits as dense sums) and updated ({@link EmbeddingRows}); the rest of {@code ow.gradient()}
 * is 0. {@code ob}'s gradient is dense (V floats), 0 outside those words.
 *
 * <p>{@link Workspace#scores} gives log P(w | x) for every word (what sampling and one-step inference
 * need; the softmax of these is the distribution itself, so sampling from it at temperature 1 is
 * drawing a class and then a word of it); there is no caller-defined loss over scores, so
 * {@link Workspace#backward} follows only {@link Workspace#forward}.
 */
public final class ClassSoftmax implements OutputLayer {
    private final WordClasses classes;
    private final Parameter classWeight, classBias, wordWeight, wordBias;
    private final int in, words, nc, maxSize;
    /** ow's gradient is sparse: only the words of the batch's target classes. */
    private final EmbeddingRows wordRows;

    /**
     * @param classWeight {@code cw}, C × in
     * @param classBias   {@code cb}, C
     * @param wordWeight  {@code ow}, V × in (a whole array)
     * @param wordBias    {@code ob}, V
     */
    ClassSoftmax(WordClasses classes, Parameter classWeight, Parameter classBias, Parameter wordWeight,
                 Parameter wordBias) {
        int c = classes.classes(), v = classes.words();
        int[] cs = classWeight.shape(), ws = wordWeight.shape();
        if (cs.length != 2 || cs[0] != c || ws.length != 2 || ws[0] != v || ws[1] != cs[1]
                || !Arrays.equals(classBias.shape(), new int[] {c}) || !Arrays.equals(wordBias.shape(), new int[] {v})) {
            throw new IllegalArgumentException("a class softmax over " + v + " words in " + c + " classes needs cw ("
                    + c + " × in), cb (" + c + "), ow (" + v + " × in) and ob (" + v + "), got " + classWeight + ", "
                    + classBias + ", " + wordWeight + ", " + wordBias);
        }
        this.classes = classes;
        this.classWeight = classWeight;
        this.classBias = classBias;
        this.wordWeight = wordWeight;
        this.wordBias = wordBias;
        this.in = cs[1];
        this.words = v;
        this.nc = c;
        this.maxSize = classes.maxClassSize();
        this.wordRows = new EmbeddingRows(wordWeight);
    }

    /** The word vectors as a table whose gradient rows are the words of the last batch's target classes. */
    EmbeddingRows wordRows() {
        return wordRows;
    }

    /** The classes the words are in. */
    public WordClasses classes() {
        return classes;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return words;
    }

    /** cw, cb, ow, ob. */
    @Override
    public Parameter[] parameters() {
        return new Parameter[] {classWeight, classBias, wordWeight, wordBias};
    }

    @Override
    public Workspace newWorkspace(boolean first) {
        return new ClassWorkspace(first);
    }

    private final class ClassWorkspace implements Workspace {
        private final boolean first;
        private ShardGradients grads;              // cw cb ob; made on the first backward
        private SparseRowGradients wordGrads;      // ∂ow: the rows of the words of this batch's target classes
        private float[] zc = new float[0];         // rows × C: class logits; after forward, c_r·(P(c) − onehot)
        private float[] zw = new float[0];         // rows × maxSize: the target class's word logits, then their dz
        private int[] classTargets = new int[0];   // rows: class(target), −1 for padding
        private int[] wordTargets = new int[0];    // rows: target's index in its class
        private float[] logp = new float[0];       // rows × V (scores)
        private float[] tmp = new float[0];        // maxSize (scores)

        ClassWorkspace(boolean first) {
            this.first = first;
        }

        private void ensureRows(int rows) {
            if (classTargets.length < rows) {
                if ((long) rows * Math.max(nc, maxSize) > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(rows + " rows are too many for a class softmax of "
                            + nc + " classes");
                }
                zc = new float[rows * nc];
                zw = new float[rows * maxSize];
                classTargets = new int[rows];
                wordTargets = new int[rows];
            }
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
            ensureRows(rows);
            for (int r = 0; r < rows; r++) {
                int t = targets[tOff + r];
                classTargets[r] = t < 0 ? -1 : classes.classOf(t);
                wordTargets[r] = t < 0 ? -1 : classes.indexInClass(t);
            }
            // P(c | x): one GEMM for all rows, the fused softmax + cross-entropy leaves dZc in zc
            Gemm.sgemm(false, true, rows, nc, in, 1f, x, xOff, ldx, classWeight.values(), classWeight.offset(), in,
                    0f, zc, 0, nc);
            Blas.addRowVector(rows, nc, classBias.values(), classBias.offset(), zc, 0, nc);
            double loss = rowWeight == null
                    ? Softmax.softmaxCrossEntropy(rows, nc, zc, 0, nc, classTargets, 0, scale)
                    : Softmax.softmaxCrossEntropy(rows, nc, zc, 0, nc, classTargets, 0, scale, rowWeight, 0);
            // P(w | c, x): the words of each row's target class
            float[] ow = wordWeight.values();
            int owOff = wordWeight.offset();
            float[] ob = wordBias.values();
            int obOff = wordBias.offset();
            int[] members = classes.members();
            for (int r = 0; r < rows; r++) {
                int c = classTargets[r];
                if (c < 0) {
                    continue;
                }
                int start = classes.start(c), n = classes.size(c), o = r * maxSize, xr = xOff + r * ldx;
                for (int k = 0; k < n; k++) {
                    int v = members[start + k];
                    zw[o + k] = Blas.dot(in, x, xr, ow, owOff + v * in) + ob[obOff + v];
                }
                double w = rowWeight == null ? 1.0 : rowWeight[r];
                float cr = rowWeight == null ? scale : scale * (float) w;
                loss += w * Softmax.softmaxCrossEntropy(1, n, zw, o, n, wordTargets, r, cr);
            }
            return loss;
        }

        @Override
        public void backward(int rows, float[] x, int xOff, int ldx, float[] dx, int dxOff, int lddx) {
            if (grads == null) {
                grads = new ShardGradients(first, classWeight, classBias, wordBias);
                wordGrads = new SparseRowGradients(wordRows, first);
            }
            // class part: ∂cw = dZcᵀ·X, ∂cb = column sums, dx = dZc·cw
            Gemm.sgemm(true, false, nc, in, rows, 1f, zc, 0, nc, x, xOff, ldx, 0f, grads.array(0), grads.offset(0), in);
            float[] gcb = grads.array(1);
            int gcbOff = grads.offset(1);
            Arrays.fill(gcb, gcbOff, gcbOff + nc, 0f);
            Blas.addColumnSums(rows, nc, zc, 0, nc, gcb, gcbOff);
            Gemm.sgemm(false, false, rows, in, nc, 1f, zc, 0, nc, classWeight.values(), classWeight.offset(), in,
                    0f, dx, dxOff, lddx);
            // word part: the rows of the target classes' words
            float[] gob = grads.array(2);
            int gobOff = grads.offset(2);
            Arrays.fill(gob, gobOff, gobOff + words, 0f);
            wordGrads.begin();
            float[] gow = wordGrads.array();
            float[] ow = wordWeight.values();
            int owOff = wordWeight.offset();
            int[] members = classes.members();
            for (int r = 0; r < rows; r++) {
                int c = classTargets[r];
                if (c < 0) {
                    continue;
                }
                int start = classes.start(c), n = classes.size(c), o = r * maxSize;
                int xr = xOff + r * ldx, dr = dxOff + r * lddx;
                for (int k = 0; k < n; k++) {
                    int v = members[start + k];
                    float g = zw[o + k];
                    Blas.axpy(in, g, ow, owOff + v * in, dx, dr);
                    wordGrads.touch(v);
                    Blas.axpy(in, g, x, xr, gow, v * in);
                    gob[gobOff + v] += g;
                }
            }
        }

        /** Shard 0's ∂cw, ∂cb, ∂ob += this one's; ∂ow rows += this shard's touched rows, in the order touched. */
        @Override
        public void addGradientsTo(Workspace first) {
            grads.addTo(((ClassWorkspace) first).grads);
            wordGrads.addTo();
        }

        /** log P(w | x) of every word w for each row (rows × V from offset 0). */
        @Override
        public float[] scores(int rows, float[] x, int xOff, int ldx) {
            ensureRows(rows);
            if (logp.length < rows * words) {
                if ((long) rows * words > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(rows + " rows × " + words + " words is too large");
                }
                logp = new float[rows * words];
                tmp = new float[maxSize];
            }
            Gemm.sgemm(false, true, rows, nc, in, 1f, x, xOff, ldx, classWeight.values(), classWeight.offset(), in,
                    0f, zc, 0, nc);
            Blas.addRowVector(rows, nc, classBias.values(), classBias.offset(), zc, 0, nc);
            Softmax.logSoftmaxRows(rows, nc, zc, 0, nc);
            Gemm.sgemm(false, true, rows, words, in, 1f, x, xOff, ldx, wordWeight.values(), wordWeight.offset(), in,
                    0f, logp, 0, words);
            Blas.addRowVector(rows, words, wordBias.values(), wordBias.offset(), logp, 0, words);
            int[] members = classes.members();
            for (int r = 0; r < rows; r++) {
                int o = r * words;
                for (int c = 0; c < nc; c++) {
                    int start = classes.start(c), n = classes.size(c);
                    for (int k = 0; k < n; k++) {
                        tmp[k] = logp[o + members[start + k]];
                    }
                    Softmax.logSoftmaxRows(1, n, tmp, 0, n);
                    float lc = zc[r * nc + c];
                    for (int k = 0; k < n; k++) {
                        logp[o + members[start + k]] = tmp[k] + lc;
                    }
                }
            }
            return logp;
        }
    }
}
