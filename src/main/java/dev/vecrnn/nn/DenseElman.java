package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Softmax;
import dev.vecrnn.util.SeededRandom;

/**
 * The Elman recurrence over dense input rows (no embedding, no window), for streaming use (workload
 * R1): with x_t a row of {@code inputSize} floats and h_{−1} = h0,
 *
 * <pre>
 *   h_t = σ(x_t·wx + h_{t−1}·wh + bh)
 *   p_t = softmax(h_t·w + b)
 * </pre>
 *
 * <p>Parameters {@code wx} inputSize × nh, {@code wh} nh × nh, {@code w} nh × nout, {@code bh} nh,
 * {@code b} nout, {@code h0} nh; the matrices start at 0.2·U(−1, 1) from the seeded generator (in
 * that order), the vectors at 0, as in {@link ElmanTagger}. {@link #newStepper()} gives the one-step,
 * allocation-free API a stream processor embeds.
 *
 * <p><b>Threads.</b> The model holds only parameters: any number of {@link Stepper}s, one per thread
 * (or stream), may step it at the same time, as long as no thread changes the parameters meanwhile.
 */
public final class DenseElman {
    private final int nin, nh, nout;
    private final Parameter wx, wh, w, bh, b, h0;
    private final ParameterSet params;

    public DenseElman(int inputSize, int hiddenSize, int outputSize, long seed) {
        if (inputSize < 1 || hiddenSize < 1 || outputSize < 1) {
            throw new IllegalArgumentException("sizes must be >= 1: inputSize " + inputSize + ", hiddenSize "
                    + hiddenSize + ", outputSize " + outputSize);
        }
        this.nin = inputSize;
        this.nh = hiddenSize;
        this.nout = outputSize;
        wx = new Parameter("wx", nin, nh);
        wh = new Parameter("wh", nh, nh);
        w = new Parameter("w", nh, nout);
        bh = new Parameter("bh", nh);
        b = new Parameter("b", nout);
        h0 = new Parameter("h0", nh);
        params = new ParameterSet(wx, wh, w, bh, b, h0);
        SeededRandom rng = new SeededRandom(seed);
        rng.fillUniform(wx.values(), 0.2f);
        rng.fillUniform(wh.values(), 0.2f);
        rng.fillUniform(w.values(), 0.2f);
    }

    public int inputSize() {
        return nin;
    }

    public int hiddenSize() {
        return nh;
    }

    public int outputSize() {
        return nout;
    }

    /** The parameters {@code wx wh w bh b h0}, live. */
    public ParameterSet parameters() {
        return params;
    }

    /** A new stepper whose state starts at h0. */
    public Stepper newStepper() {
        return new Stepper();
    }

    /**
     * One stream through the layer: carries h_t from step to step, reads the model's parameters live
     * (no cache). Nothing is allocated per step. Not thread-safe: one per stream, used by one thread at
     * a time; steppers of one model may run on different threads at once (see the class comment).
     */
    public final class Stepper {
        private final float[] h = new float[nh];
        private final float[] z = new float[nh];

        private Stepper() {
            reset();
        }

        /** Sets the state back to h0 (the start of a new stream). */
        public void reset() {
            System.arraycopy(h0.values(), 0, h, 0, nh);
        }

        /** One step: x (inputSize floats) in, the output probabilities (outputSize floats) out. */
        public void step(float[] x, float[] probsOut) {
            step(x, 0, probsOut, 0);
        }

        /**
         * One step on views: x[xOff .. xOff+inputSize) in, probsOut[pOff .. pOff+outputSize) out.
         *
         * @throws IllegalArgumentException when a view runs outside its array (the state is unchanged then)
         */
        public void step(float[] x, int xOff, float[] probsOut, int pOff) {
            if (x == null || xOff < 0 || (long) xOff + nin > x.length) {
                throw new IllegalArgumentException("x needs " + nin + " floats at offset " + xOff
                        + (x == null ? " (null)" : " (length " + x.length + ")"));
            }
            if (probsOut == null || pOff < 0 || (long) pOff + nout > probsOut.length) {
                throw new IllegalArgumentException("probsOut needs " + nout + " floats at offset " + pOff
                        + (probsOut == null ? " (null)" : " (length " + probsOut.length + ")"));
            }
            System.arraycopy(bh.values(), 0, z, 0, nh);
            MatVec.addRowTimes(nin, nh, x, xOff, wx.values(), 0, nh, z, 0);
            MatVec.addRowTimes(nh, nh, h, 0, wh.values(), 0, nh, z, 0);
            Activation.sigmoid(z, 0, h, 0, nh);
            System.arraycopy(b.values(), 0, probsOut, pOff, nout);
            MatVec.addRowTimes(nh, nout, h, 0, w.values(), 0, nout, probsOut, pOff);
            Softmax.softmaxRows(1, nout, probsOut, pOff, nout);
        }

        /** hiddenSize: the floats of the state in {@link #saveState} and {@link #restoreState}. */
        public int stateSize() {
            return nh;
        }

        /**
         * Writes the state h_t into dst[off .. off + {@link #stateSize()}), to be kept outside the
         * stepper and given back with {@link #restoreState} (the same as {@link #hidden}, checked).
         *
         * @throws IllegalArgumentException for a view outside dst
         */
        public void saveState(float[] dst, int off) {
            checkStateView(dst, off, "dst");
            System.arraycopy(h, 0, dst, off, nh);
        }

        /**
         * Sets the state h_t from src[off .. off + {@link #stateSize()}); the next step continues from it
         * bit-identically. Allocation-free.
         *
         * @throws IllegalArgumentException for a view outside src (the state is unchanged then)
         */
        public void restoreState(float[] src, int off) {
            checkStateView(src, off, "src");
            System.arraycopy(src, off, h, 0, nh);
        }

        private void checkStateView(float[] a, int off, String name) {
            if (a == null || off < 0 || (long) off + nh > a.length) {
                throw new IllegalArgumentException(name + " needs " + nh + " floats at offset " + off
                        + (a == null ? " (null)" : " (length " + a.length + ")"));
            }
        }

        /** Copies the current state h_t (hiddenSize floats) into out[off..]. */
        public void hidden(float[] out, int off) {
            System.arraycopy(h, 0, out, off, nh);
        }
    }
}
