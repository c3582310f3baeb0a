package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Gating;
import dev.vecrnn.kernel.Softmax;

import java.util.Arrays;

/**
 * One stream through an SCRN, one step at a time, with the state [h ‖ s] carried from step to step
 * (workload R2; the SCRN counterpart of {@link DenseElman.Stepper}):
 *
 * <pre>
 *   s = r ⊙ (x·xs) + (1 − r) ⊙ s;   h = σ(x·xh + s·sh + h·hh);   out = g([h ‖ s ‖ 1]·[ho ; so ; b])
 * </pre>
 *
 * Each product is a one-row GEMV; the parameters are read live (no cache), so an update is seen at
 * the next step. Nothing is allocated per step.
 *
 * <p><b>Threads.</b> Not thread-safe: one stepper per stream, used by one thread at a time. Steppers
 * of one model may run on different threads at once: they only read its parameters, so that is safe
 * as long as no thread trains the model or sets its parameters meanwhile (the model's own batch
 * methods, {@code step} included, are for one thread at a time).
 */
public final class ScrnStepper {
    private final RecurrentCore core;
    private final int nin, nh, ns, nout, ld;  // hs is [h ‖ s ‖ 1], ld long
    private final float[] hs;      // [h ‖ s]
    private final float[] u, z, r;
    private final float[] outWeightValues;

    ScrnStepper(RecurrentCore core) {
        this.core = core;
        this.nin = core.nin;
        this.nh = core.nh;
        this.ns = core.ns;
        this.nout = core.nout;
        this.ld = core.ld;
        this.hs = new float[ld];
        hs[core.one] = 1f;
        this.u = new float[ns];
        this.z = new float[nh];
        this.r = new float[ns];
        this.outWeightValues = core.structure == null ? core.output.parameters()[0].values() : null;
    }

    /** The state back to zero (h = 0, s = 0): the start of a new stream. */
    public void reset() {
        Arrays.fill(hs, 0f);
        hs[core.one] = 1f;
    }

    /** One step of dense input: x (inputSize floats) in, out = g(pre) (outputSize floats) out. */
    public void step(float[] x, float[] out) {
        step(x, 0, out, 0);
    }

    /**
     * One step on views: x[xOff .. xOff + inputSize) in, out[oOff .. oOff + outputSize) = g(pre) out
     * (for the softmax activation, the probabilities).
     *
     * @throws IllegalArgumentException when a view runs outside its array (the state is unchanged then)
     */
    public void step(float[] x, int xOff, float[] out, int oOff) {
        if (x == null || xOff < 0 || (long) xOff + nin > x.length) {
            throw new IllegalArgumentException("x needs " + nin + " floats at offset " + xOff
                    + (x == null ? " (null)" : " (length " + x.length + ")"));
        }
        checkOut(out, oOff);
        advance(x, xOff, -1);
        scores(out, oOff);
        switch (core.activation) {
            case LINEAR -> { }
            case SOFTMAX -> Softmax.softmaxRows(1, nout, out, oOff, nout);
            case TANH -> Activation.tanh(out, oOff, out, oOff, nout);
            case SIGMOID -> Activation.sigmoid(out, oOff, out, oOff, nout);
            case RELU -> {
                for (int j = oOff; j < oOff + nout; j++) {
                    out[j] = Math.max(out[j], 0f);
                }
            }
        }
    }

    /** One step of word input (id in [0, inputSize)): the logits pre = [h ‖ s]·W + b into logits[0, outputSize). */
    void stepWord(int id, float[] logits) {
        if (id < 0 || id >= nin) {
            throw new IllegalArgumentException("word id " + id + " is outside [0, " + nin + ")");
        }
        checkOut(logits, 0);
        advance(null, 0, id);
        scores(logits, 0);
    }

    private void checkOut(float[] out, int oOff) {
        if (out == null || oOff < 0 || (long) oOff + nout > out.length) {
            throw new IllegalArgumentException("out needs " + nout + " floats at offset " + oOff
                    + (out == null ? " (null)" : " (length " + out.length + ")"));
        }
    }

    /** The state update for dense x (id −1) or word id. */
    private void advance(float[] x, int xOff, int id) {
        if (ns > 0) {
            rowTimes(core.xs, x, xOff, id, u, false);
            switch (core.rateMode) {
                case VECTOR -> Activation.sigmoid(core.r.values(), 0, r, 0, ns);
                case MATRIX -> {
                    rowTimes(core.xr, x, xOff, id, r, false);
                    for (int j = 0; j < ns; j++) {
                        r[j] += core.br.values()[j];
                    }
                    Activation.sigmoid(r, 0, r, 0, ns);
                }
                default -> System.arraycopy(core.rate, 0, r, 0, ns);
            }
            Gating.gate(1, ns, r, 0, u, 0, ns, hs, nh, ns, hs, nh, ns);
        }
        if (core.bh != null) {
            System.arraycopy(core.bh.values(), 0, z, 0, nh);
            rowTimes(core.xh, x, xOff, id, z, true);
        } else {
            rowTimes(core.xh, x, xOff, id, z, false);
        }
        if (ns > 0) {
            MatVec.addRowTimes(ns, nh, hs, nh, core.sh.values(), 0, nh, z, 0);
        }
        MatVec.addRowTimes(nh, nh, hs, 0, core.hh.values(), 0, nh, z, 0);
        Activation.sigmoid(z, 0, hs, 0, nh);
    }

    /** dst (= or +=) x·W for dense x, or row id of W. */
    private void rowTimes(Parameter w, float[] x, int xOff, int id, float[] dst, boolean add) {
        int width = w.cols();
        if (x == null) {
            if (add) {
                for (int j = 0; j < width; j++) {
                    dst[j] += w.values()[id * width + j];
                }
            } else {
                System.arraycopy(w.values(), id * width, dst, 0, width);
            }
            return;
        }
        if (!add) {
            Arrays.fill(dst, 0, width, 0f);
        }
        MatVec.addRowTimes(nin, width, x, xOff, w.values(), 0, width, dst, 0);
    }

    private OutputLayer.Workspace treeScores; // a hierarchical or class softmax's one-row workspace, made on first use

    /** pre = [h ‖ s ‖ 1]·[ho ; so ; b], or a hierarchical or class softmax's log-probabilities of every word. */
    private void scores(float[] out, int oOff) {
        if (core.structure != null) {
            if (treeScores == null) {
                treeScores = core.output.newWorkspace(false);
            }
            System.arraycopy(treeScores.scores(1, hs, 0, ld), 0, out, oOff, nout);
            return;
        }
        Arrays.fill(out, oOff, oOff + nout, 0f);
        MatVec.addRowTimes(ld, nout, hs, 0, outWeightValues, 0, nout, out, oOff); // [h ‖ s ‖ 1]·[ho ; so ; b]
    }

    /** Copies h (hiddenSize floats) into out[off..]. */
    public void hidden(float[] out, int off) {
        System.arraycopy(hs, 0, out, off, nh);
    }

    /** Copies s (contextSize floats) into out[off..]. */
    public void context(float[] out, int off) {
        System.arraycopy(hs, nh, out, off, ns);
    }

    /** hiddenSize + contextSize: the floats of the state in {@link #saveState} and {@link #restoreState}. */
    public int stateSize() {
        return nh + ns;
    }

    /**
     * Writes the state [h ‖ s] into dst[off .. off + {@link #stateSize()}), so that it can be kept
     * outside the stepper (a stream processor's per-key state); a stepper of the same model that
     * restores it continues bit-identically. Allocation-free.
     *
     * @throws IllegalArgumentException for a view outside dst
     */
    public void saveState(float[] dst, int off) {
        checkStateView(dst, off, "dst");
        System.arraycopy(hs, 0, dst, off, nh + ns);
    }

    /**
     * Sets the state [h ‖ s] from src[off .. off + {@link #stateSize()}), laid out as {@link #saveState}
     * writes it. Allocation-free.
     *
     * @throws IllegalArgumentException for a view outside src (the state is unchanged then)
     */
    public void restoreState(float[] src, int off) {
        checkStateView(src, off, "src");
        System.arraycopy(src, off, hs, 0, nh + ns);
    }

    private void checkStateView(float[] a, int off, String name) {
        if (a == null || off < 0 || (long) off + nh + ns > a.length) {
            throw new IllegalArgumentException(name + " needs " + (nh + ns) + " floats at offset " + off
                    + (a == null ? " (null)" : " (length " + a.length + ")"));
        }
    }

    /** Sets the state from stream {@code stream} of a {@link RecurrentState}. */
    void load(RecurrentState state, int stream) {
        System.arraycopy(state.hidden(), stream * nh, hs, 0, nh);
        System.arraycopy(state.context(), stream * ns, hs, nh, ns);
    }

    /** Writes the state into stream {@code stream} of a {@link RecurrentState}. */
    void store(RecurrentState state, int stream) {
        System.arraycopy(hs, 0, state.hidden(), stream * nh, nh);
        System.arraycopy(hs, nh, state.context(), stream * ns, ns);
    }
}
