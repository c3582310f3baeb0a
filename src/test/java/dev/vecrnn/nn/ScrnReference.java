package dev.vecrnn.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A plain double-precision forward and backward of the SCRN of SPEC §2, written independently of the
 * float fast path: straightforward loops over row-major {@code double[]}, the definition read top to
 * bottom. For each of the B streams of a batch, t = 0..T−1:
 *
 * <pre>
 *   s_t   = r ⊙ (x_t xs) + (1 − r) ⊙ s_{t−1}      (r = σ(r̂) | the constant rate | r_t = σ(x_t xr + br))
 *   h_t   = σ(x_t xh + h_{t−1} hh + s_t sh)        (no hidden bias)
 *   pre_t = h_t ho + s_t so + b
 *   out_t = g(pre_t)                               (softmax over the nout entries of the row)
 * </pre>
 *
 * A batch is time-major: row t·B + b is stream b at step t. The input is either word ids (one-hot rows,
 * −1 = padding = a zero row) or dense rows of width nin. The initial states h₋₁ and s₋₁ are inputs and
 * get no gradient. The backward is full backpropagation through time over the whole batch.
 */
final class ScrnReference {
    static final String[] RATE_MODES = {"vector", "fixed", "uniform", "log", "matrix"};
    static final String[] ACTIVATIONS = {"linear", "softmax", "tanh", "sigmoid", "relu"};

    final int nin, nh, ns, nout;
    final String rateMode, activation;
    /** The constant rate (ns) in the modes fixed, uniform and log; null in vector and matrix. */
    final double[] constantRate;
    /** Parameters by name, row-major: xs xh sh hh ho so b, then r (vector) or xr br (matrix). */
    final Map<String, double[]> p = new LinkedHashMap<>();
    /** ∂L/∂parameter by the same names, written by the gradients methods. */
    final Map<String, double[]> g = new LinkedHashMap<>();

    /**
     * All parameters zero. {@code rate} is the constant rate vector (length ns) in the modes fixed, uniform
     * and log, and must be null in the learned modes vector and matrix.
     */
    ScrnReference(int nin, int nh, int ns, int nout, String rateMode, String activation, double[] rate) {
        if (!Arrays.asList(RATE_MODES).contains(rateMode)) {
            throw new IllegalArgumentException("rate mode " + rateMode);
        }
        if (!Arrays.asList(ACTIVATIONS).contains(activation)) {
            throw new IllegalArgumentException("activation " + activation);
        }
        boolean learned = rateMode.equals("vector") || rateMode.equals("matrix");
        if (learned != (rate == null) || rate != null && rate.length != ns) {
            throw new IllegalArgumentException("a constant rate of length ns goes with fixed, uniform and log only");
        }
        this.nin = nin;
        this.nh = nh;
        this.ns = ns;
        this.nout = nout;
        this.rateMode = rateMode;
        this.activation = activation;
        this.constantRate = rate == null ? null : rate.clone();
        p.put("xs", new double[nin * ns]);
        p.put("xh", new double[nin * nh]);
        p.put("sh", new double[ns * nh]);
        p.put("hh", new double[nh * nh]);
        p.put("ho", new double[nh * nout]);
        p.put("so", new double[ns * nout]);
        p.put("b", new double[nout]);
        if (rateMode.equals("vector")) {
            p.put("r", new double[ns]);
        }
        if (rateMode.equals("matrix")) {
            p.put("xr", new double[nin * ns]);
            p.put("br", new double[ns]);
        }
        for (Map.Entry<String, double[]> e : p.entrySet()) {
            g.put(e.getKey(), new double[e.getValue().length]);
        }
    }

    /** The fixed mode's rate: 1 − α for every unit. */
    static double[] fixedRate(int ns, double alpha) {
        double[] r = new double[ns];
        Arrays.fill(r, 1 - alpha);
        return r;
    }

    /**
     * Every parameter entry = scale · N(0, 1) from {@code new Random(seed)}, drawn parameter by parameter in
     * the order of {@link #p} and entry by entry in row-major order.
     */
    ScrnReference randomize(long seed, double scale) {
        Random rnd = new Random(seed);
        for (double[] v : p.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = scale * rnd.nextGaussian();
            }
        }
        return this;
    }

    /**
     * One batch: {@code steps} × {@code streams} rows, time-major. Exactly one of {@code ids} (length T·B,
     * −1 = padding) and {@code x} ((T·B) × nin) is non-null. {@code h0} (B × nh) and {@code s0} (B × ns) are
     * the initial states h₋₁ and s₋₁.
     */
    record Batch(int steps, int streams, int[] ids, double[] x, double[] h0, double[] s0) {
        Batch {
            if ((ids == null) == (x == null)) {
                throw new IllegalArgumentException("give either ids or dense rows");
            }
        }

        static Batch ofIds(int steps, int streams, int[] ids, double[] h0, double[] s0) {
            return new Batch(steps, streams, ids, null, h0, s0);
        }

        static Batch ofRows(int steps, int streams, double[] x, double[] h0, double[] s0) {
            return new Batch(steps, streams, null, x, h0, s0);
        }

        int rows() {
            return steps * streams;
        }
    }

    /**
     * What a forward pass keeps, per row t·B + b: {@code out} and {@code pre} (× nout), {@code hid} = h_t
     * (× nh), {@code state} = s_t (× ns), {@code rate} = the ns rates used at that step (× ns); and the final
     * states {@code h} (B × nh) and {@code s} (B × ns), the initial states of a following batch.
     */
    record Forward(double[] out, double[] pre, double[] hid, double[] state, double[] rate, double[] h, double[] s) {}

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** x_row · w for a weight w of shape nin × width: a row lookup for a word id (zeros for −1), else a dot product. */
    private double[] inputTimes(Batch in, int row, double[] w, int width) {
        double[] y = new double[width];
        if (in.ids() != null) {
            int id = in.ids()[row];
            if (id >= 0) {
                for (int k = 0; k < width; k++) {
                    y[k] = w[id * width + k];
                }
            }
        } else {
            for (int k = 0; k < width; k++) {
                double a = 0;
                for (int i = 0; i < nin; i++) {
                    a += in.x()[row * nin + i] * w[i * width + k];
                }
                y[k] = a;
            }
        }
        return y;
    }

    /** grad += x_rowᵀ d, the gradient of {@link #inputTimes}: a scatter-add into one row for a word id. */
    private void addInputOuter(Batch in, int row, double[] grad, double[] d, int width) {
        if (in.ids() != null) {
            int id = in.ids()[row];
            if (id >= 0) {
                for (int k = 0; k < width; k++) {
                    grad[id * width + k] += d[k];
                }
            }
        } else {
            for (int i = 0; i < nin; i++) {
                double xi = in.x()[row * nin + i];
                for (int k = 0; k < width; k++) {
                    grad[i * width + k] += xi * d[k];
                }
            }
        }
    }

    /** The ns rates used at one row. */
    private double[] rateAt(Batch in, int row) {
        double[] r = new double[ns];
        switch (rateMode) {
            case "vector" -> {
                double[] logits = p.get("r");
                for (int k = 0; k < ns; k++) {
                    r[k] = sigmoid(logits[k]);
                }
            }
            case "matrix" -> {
                double[] z = inputTimes(in, row, p.get("xr"), ns);
                double[] br = p.get("br");
                for (int k = 0; k < ns; k++) {
                    r[k] = sigmoid(z[k] + br[k]);
                }
            }
            default -> System.arraycopy(constantRate, 0, r, 0, ns);
        }
        return r;
    }

    /** out = g(pre) for one row. */
    private void activate(double[] pre, double[] out, int off) {
        switch (activation) {
            case "linear" -> System.arraycopy(pre, off, out, off, nout);
            case "tanh" -> {
                for (int j = 0; j < nout; j++) {
                    out[off + j] = Math.tanh(pre[off + j]);
                }
            }
            case "sigmoid" -> {
                for (int j = 0; j < nout; j++) {
                    out[off + j] = sigmoid(pre[off + j]);
                }
            }
            case "relu" -> {
                for (int j = 0; j < nout; j++) {
                    out[off + j] = Math.max(0, pre[off + j]);
                }
            }
            case "softmax" -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nout; j++) {
                    max = Math.max(max, pre[off + j]);
                }
                double sum = 0;
                for (int j = 0; j < nout; j++) {
                    out[off + j] = Math.exp(pre[off + j] - max);
                    sum += out[off + j];
                }
                for (int j = 0; j < nout; j++) {
                    out[off + j] /= sum;
                }
            }
            default -> throw new IllegalStateException(activation);
        }
    }

    Forward forward(Batch in) {
        int B = in.streams(), rows = in.rows();
        double[] sh = p.get("sh"), hh = p.get("hh"), ho = p.get("ho"), so = p.get("so"), b = p.get("b");
        double[] out = new double[rows * nout], pre = new double[rows * nout];
        double[] hid = new double[rows * nh], state = new double[rows * ns], rate = new double[rows * ns];
        for (int t = 0; t < in.steps(); t++) {
            for (int s = 0; s < B; s++) {
                int row = t * B + s;
                double[] hPrev = t == 0 ? in.h0() : hid;
                double[] sPrev = t == 0 ? in.s0() : state;
                int hp = (t == 0 ? s : row - B) * nh, sp = (t == 0 ? s : row - B) * ns;

                // s_t = r ⊙ (x_t xs) + (1 − r) ⊙ s_{t−1}
                double[] r = rateAt(in, row);
                double[] a = inputTimes(in, row, p.get("xs"), ns);
                for (int k = 0; k < ns; k++) {
                    rate[row * ns + k] = r[k];
                    state[row * ns + k] = r[k] * a[k] + (1 - r[k]) * sPrev[sp + k];
                }

                // h_t = σ(x_t xh + h_{t−1} hh + s_t sh)
                double[] u = inputTimes(in, row, p.get("xh"), nh);
                for (int k = 0; k < nh; k++) {
                    double z = u[k];
                    for (int i = 0; i < nh; i++) {
                        z += hPrev[hp + i] * hh[i * nh + k];
                    }
                    for (int i = 0; i < ns; i++) {
                        z += state[row * ns + i] * sh[i * nh + k];
                    }
                    hid[row * nh + k] = sigmoid(z);
                }

                // pre_t = h_t ho + s_t so + b, out_t = g(pre_t)
                for (int j = 0; j < nout; j++) {
                    double z = b[j];
                    for (int i = 0; i < nh; i++) {
                        z += hid[row * nh + i] * ho[i * nout + j];
                    }
                    for (int i = 0; i < ns; i++) {
                        z += state[row * ns + i] * so[i * nout + j];
                    }
                    pre[row * nout + j] = z;
                }
                activate(pre, out, row * nout);
            }
        }
        int last = (in.steps() - 1) * B;
        double[] h = in.steps() == 0 ? in.h0().clone() : Arrays.copyOfRange(hid, last * nh, (last + B) * nh);
        double[] sFinal = in.steps() == 0 ? in.s0().clone() : Arrays.copyOfRange(state, last * ns, (last + B) * ns);
        return new Forward(out, pre, hid, state, rate, h, sFinal);
    }

    /** −log softmax(pre)[target] of one row, from the pre-activations (log-sum-exp). */
    private double negLogSoftmax(double[] pre, int off, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < nout; j++) {
            max = Math.max(max, pre[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < nout; j++) {
            sum += Math.exp(pre[off + j] - max);
        }
        return max + Math.log(sum) - pre[off + target];
    }

    /** Number of targets that are not padding (≥ 0). */
    static int counted(int[] targets) {
        int n = 0;
        for (int y : targets) {
            if (y >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Softmax NLL: (1/N) Σ −log out[target] over the N rows whose target is not −1; 0 when N = 0. */
    double nll(Forward f, int[] targets) {
        requireSoftmax();
        int n = counted(targets);
        double l = 0;
        for (int row = 0; row < targets.length; row++) {
            if (targets[row] >= 0) {
                l += negLogSoftmax(f.pre(), row * nout, targets[row]);
            }
        }
        return n == 0 ? 0 : l / n;
    }

    /** The linear functional Σ_{row, j} c[row·nout + j] · out[row, j]. */
    static double linear(Forward f, double[] c) {
        double l = 0;
        for (int i = 0; i < c.length; i++) {
            l += c[i] * f.out()[i];
        }
        return l;
    }

    double lossNll(Batch in, int[] targets) {
        return nll(forward(in), targets);
    }

    double lossLinear(Batch in, double[] c) {
        return linear(forward(in), c);
    }

    private void requireSoftmax() {
        if (!activation.equals("softmax")) {
            throw new IllegalStateException("the NLL goes with the softmax activation, not " + activation);
        }
    }

    void zeroGradients() {
        for (double[] a : g.values()) {
            Arrays.fill(a, 0);
        }
    }

    /** Gradients of the softmax NLL into {@link #g} (overwritten); returns the loss. */
    double gradientsNll(Batch in, int[] targets) {
        requireSoftmax();
        Forward f = forward(in);
        int n = counted(targets);
        double[] dPre = new double[in.rows() * nout];
        for (int row = 0; row < in.rows(); row++) {
            if (targets[row] >= 0) {
                // ∂(−log softmax(pre)[y])/∂pre_j = out_j − [j = y]
                for (int j = 0; j < nout; j++) {
                    dPre[row * nout + j] = (f.out()[row * nout + j] - (j == targets[row] ? 1 : 0)) / n;
                }
            }
        }
        zeroGradients();
        backward(in, f, dPre);
        return nll(f, targets);
    }

    /** Gradients of the linear functional Σ c · out into {@link #g} (overwritten); returns its value. */
    double gradientsLinear(Batch in, double[] c) {
        Forward f = forward(in);
        double[] out = f.out(), pre = f.pre();
        double[] dPre = new double[in.rows() * nout];
        for (int row = 0; row < in.rows(); row++) {
            int o = row * nout;
            // dPre = dOut · ∂g/∂pre, with dOut = c
            switch (activation) {
                case "linear" -> System.arraycopy(c, o, dPre, o, nout);
                case "tanh" -> {
                    for (int j = 0; j < nout; j++) {
                        dPre[o + j] = c[o + j] * (1 - out[o + j] * out[o + j]);
                    }
                }
                case "sigmoid" -> {
                    for (int j = 0; j < nout; j++) {
                        dPre[o + j] = c[o + j] * out[o + j] * (1 - out[o + j]);
                    }
                }
                case "relu" -> {
                    for (int j = 0; j < nout; j++) {
                        dPre[o + j] = pre[o + j] > 0 ? c[o + j] : 0;
                    }
                }
                case "softmax" -> {
                    // ∂out_k/∂pre_j = out_k ([k = j] − out_j)  ⇒  dPre_j = out_j (c_j − Σ_k c_k out_k)
                    double dot = 0;
                    for (int k = 0; k < nout; k++) {
                        dot += c[o + k] * out[o + k];
                    }
                    for (int j = 0; j < nout; j++) {
                        dPre[o + j] = out[o + j] * (c[o + j] - dot);
                    }
                }
                default -> throw new IllegalStateException(activation);
            }
        }
        zeroGradients();
        backward(in, f, dPre);
        return linear(f, c);
    }

    /**
     * Backpropagation through time of ∂L/∂pre (rows × nout) through the whole batch, ADDED into {@link #g}.
     * Walks t = T−1..0 carrying, per stream, ∂L/∂h_t and ∂L/∂s_t that arrive from step t+1.
     */
    void backward(Batch in, Forward f, double[] dPre) {
        int B = in.streams();
        double[] sh = p.get("sh"), hh = p.get("hh"), ho = p.get("ho"), so = p.get("so");
        double[] gXs = g.get("xs"), gXh = g.get("xh"), gSh = g.get("sh"), gHh = g.get("hh"),
                gHo = g.get("ho"), gSo = g.get("so"), gB = g.get("b");
        double[] dhNext = new double[B * nh]; // ∂L/∂h_t through h_{t+1}
        double[] dsNext = new double[B * ns]; // ∂L/∂s_t through s_{t+1}
        for (int t = in.steps() - 1; t >= 0; t--) {
            for (int s = 0; s < B; s++) {
                int row = t * B + s;
                double[] hPrev = t == 0 ? in.h0() : f.hid();
                double[] sPrev = t == 0 ? in.s0() : f.state();
                int hp = (t == 0 ? s : row - B) * nh, sp = (t == 0 ? s : row - B) * ns;
                double[] dp = Arrays.copyOfRange(dPre, row * nout, (row + 1) * nout);

                // pre_t = h_t ho + s_t so + b
                for (int j = 0; j < nout; j++) {
                    gB[j] += dp[j];
                    for (int i = 0; i < nh; i++) {
                        gHo[i * nout + j] += f.hid()[row * nh + i] * dp[j];
                    }
                    for (int i = 0; i < ns; i++) {
                        gSo[i * nout + j] += f.state()[row * ns + i] * dp[j];
                    }
                }

                // h_t = σ(u_t), u_t = x_t xh + h_{t−1} hh + s_t sh
                double[] du = new double[nh];
                for (int k = 0; k < nh; k++) {
                    double dh = dhNext[s * nh + k];
                    for (int j = 0; j < nout; j++) {
                        dh += ho[k * nout + j] * dp[j];
                    }
                    double hk = f.hid()[row * nh + k];
                    du[k] = dh * hk * (1 - hk);
                }
                addInputOuter(in, row, gXh, du, nh);
                for (int i = 0; i < nh; i++) {
                    double dhPrev = 0;
                    for (int k = 0; k < nh; k++) {
                        gHh[i * nh + k] += hPrev[hp + i] * du[k];
                        dhPrev += hh[i * nh + k] * du[k];
                    }
                    dhNext[s * nh + i] = dhPrev;
                }
                for (int i = 0; i < ns; i++) {
                    for (int k = 0; k < nh; k++) {
                        gSh[i * nh + k] += f.state()[row * ns + i] * du[k];
                    }
                }

                // ∂L/∂s_t: from pre_t, from u_t, and from s_{t+1}
                double[] ds = new double[ns];
                for (int i = 0; i < ns; i++) {
                    double d = dsNext[s * ns + i];
                    for (int j = 0; j < nout; j++) {
                        d += so[i * nout + j] * dp[j];
                    }
                    for (int k = 0; k < nh; k++) {
                        d += sh[i * nh + k] * du[k];
                    }
                    ds[i] = d;
                }

                // s_t = r ⊙ a_t + (1 − r) ⊙ s_{t−1}, a_t = x_t xs
                double[] a = inputTimes(in, row, p.get("xs"), ns);
                double[] da = new double[ns], dr = new double[ns];
                for (int k = 0; k < ns; k++) {
                    double r = f.rate()[row * ns + k];
                    da[k] = r * ds[k];
                    dr[k] = ds[k] * (a[k] - sPrev[sp + k]);
                    dsNext[s * ns + k] = (1 - r) * ds[k];
                }
                addInputOuter(in, row, gXs, da, ns);

                // the rate: r = σ(r̂) or r_t = σ(x_t xr + br); dz = dr · r (1 − r)
                if (rateMode.equals("vector") || rateMode.equals("matrix")) {
                    double[] dz = new double[ns];
                    for (int k = 0; k < ns; k++) {
                        double r = f.rate()[row * ns + k];
                        dz[k] = dr[k] * r * (1 - r);
                    }
                    if (rateMode.equals("vector")) {
                        double[] gR = g.get("r");
                        for (int k = 0; k < ns; k++) {
                            gR[k] += dz[k];
                        }
                    } else {
                        double[] gBr = g.get("br");
                        for (int k = 0; k < ns; k++) {
                            gBr[k] += dz[k];
                        }
                        addInputOuter(in, row, g.get("xr"), dz, ns);
                    }
                }
            }
        }
    }
}
