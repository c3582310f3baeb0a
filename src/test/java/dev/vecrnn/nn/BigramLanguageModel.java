package dev.vecrnn.nn;

import dev.vecrnn.util.SeededRandom;

/**
 * A small real {@link LanguageModel} for testing what is built on the interface (the trainer, the
 * sampler) without the SCRN: logits of the next word = w[input] + b, a V × V table and a bias, loss the
 * softmax NLL of the target, the mean over a segment's non-padded targets. It has no recurrence; its
 * {@link RecurrentState} (hidden size 1, no context) counts, per stream, the steps read since the last
 * reset, so tests can see the state carried across segments and reset. Written plainly in double.
 */
public final class BigramLanguageModel implements LanguageModel {
    private final int v;
    private final Parameter w;
    private final Parameter b;
    private final ParameterSet parameters;
    private final double[] z;

    /** A model over {@code vocabularySize} words, w ~ 0.1·U(−1, 1) from {@code seed}, b = 0. */
    public BigramLanguageModel(int vocabularySize, long seed) {
        this.v = vocabularySize;
        this.w = new Parameter("w", vocabularySize, vocabularySize);
        this.b = new Parameter("b", vocabularySize);
        this.parameters = new ParameterSet(w, b);
        this.z = new double[vocabularySize];
        new SeededRandom(seed).fillUniform(w.values(), 0.1f);
    }

    @Override
    public int vocabularySize() {
        return v;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public RecurrentState newState(int streams) {
        return new RecurrentState(streams, 1, 0);
    }

    @Override
    public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
        return pass(state, steps, inputs, targets, true);
    }

    @Override
    public double loss(RecurrentState state, int steps, int[] inputs, int[] targets) {
        return pass(state, steps, inputs, targets, false);
    }

    private double pass(RecurrentState state, int steps, int[] inputs, int[] targets, boolean gradients) {
        if (state.hiddenSize() != 1 || state.contextSize() != 0) {
            throw new IllegalArgumentException("not this model's state: " + state);
        }
        int streams = state.streams();
        if (steps < 0 || (long) steps * streams > Math.min(inputs.length, targets.length)) {
            throw new IllegalArgumentException(steps + " steps of " + streams + " streams do not fit the arrays");
        }
        int n = steps * streams;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (inputs[i] < -1 || inputs[i] >= v || targets[i] < -1 || targets[i] >= v) {
                throw new IllegalArgumentException("id outside [-1, " + v + ") at " + i);
            }
            count += targets[i] >= 0 ? 1 : 0;
        }
        float[] gw = w.gradient();
        float[] gb = b.gradient();
        if (gradients) {
            parameters.zeroGradients();
        }
        double nll = 0;
        for (int i = 0; i < n; i++) {
            int x = inputs[i];
            int y = targets[i];
            if (x >= 0) {
                state.hidden()[i % streams] += 1f;
            }
            if (y < 0) {
                continue;
            }
            double logSum = logits(x);
            nll += logSum - z[y];
            if (gradients) {
                for (int j = 0; j < v; j++) {
                    float g = (float) ((Math.exp(z[j] - logSum) - (j == y ? 1 : 0)) / count);
                    gb[j] += g;
                    if (x >= 0) {
                        gw[x * v + j] += g;
                    }
                }
            }
        }
        return nll;
    }

    /** z ← w[x] + b (b alone for x = −1); returns log Σ exp z. */
    private double logits(int x) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            z[j] = (x >= 0 ? w.values()[x * v + j] : 0f) + b.values()[j];
            max = Math.max(max, z[j]);
        }
        double s = 0;
        for (int j = 0; j < v; j++) {
            s += Math.exp(z[j] - max);
        }
        return max + Math.log(s);
    }

    @Override
    public double clipGradients(float maxNorm) {
        double sq = 0;
        for (Parameter p : parameters) {
            for (float g : p.gradient()) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float scale = (float) (maxNorm / norm);
            for (Parameter p : parameters) {
                float[] g = p.gradient();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
        }
        return norm;
    }

    @Override
    public void applySgd(float lr) {
        for (Parameter p : parameters) {
            float[] x = p.values();
            float[] g = p.gradient();
            for (int i = 0; i < x.length; i++) {
                x[i] -= lr * g[i];
            }
            p.markModified();
        }
    }

    @Override
    public void step(RecurrentState state, int word, float[] out) {
        if (state.streams() != 1 || state.hiddenSize() != 1 || word < 0 || word >= v) {
            throw new IllegalArgumentException("step needs a one-stream state and a word in [0, " + v + ")");
        }
        state.hidden()[0] += 1f;
        for (int j = 0; j < v; j++) {
            out[j] = w.values()[word * v + j] + b.values()[j];
        }
    }
}
