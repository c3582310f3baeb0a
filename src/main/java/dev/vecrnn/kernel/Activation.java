package dev.vecrnn.kernel;

/**
 * Elementwise activations and their backward forms, on {@code float[]} views (array, offset, length).
 * Input and output may be the same view (in place). Nothing is allocated.
 *
 * <p>Accuracy, checked by the tests against a double-precision reference in every mode:
 * <ul>
 *   <li>{@link #exp}: relative error ≤ 3e-7 on [−87, 88]; 0 below underflow (about −103.9),
 *       +Inf above 88.72, NaN for NaN.</li>
 *   <li>{@link #sigmoid}, {@link #tanh}: absolute error ≤ 3e-7 for every float input; results stay in
 *       [0, 1] and [−1, 1].</li>
 * </ul>
 */
public final class Activation {
    private static final KernelProvider K = Vectorization.PROVIDER;

    private Activation() {}

    /** y[i] = e^{x[i]} for i in [0, n). */
    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.vector("x", x, xOff, n);
        Checks.vector("y", y, yOff, n);
        K.exp(x, xOff, y, yOff, n);
    }

    /** y[i] = σ(x[i]) = 1 / (1 + e^{−x[i]}) for i in [0, n). */
    public static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.vector("x", x, xOff, n);
        Checks.vector("y", y, yOff, n);
        K.sigmoid(x, xOff, y, yOff, n);
    }

    /** y[i] = tanh(x[i]) = 1 − 2 / (e^{2x[i]} + 1) for i in [0, n). */
    public static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.vector("x", x, xOff, n);
        Checks.vector("y", y, yOff, n);
        K.tanh(x, xOff, y, yOff, n);
    }

    /** out[i] = g[i] · y[i] · (1 − y[i]), the gradient through y = σ(z); out may alias g. */
    public static void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        Checks.vector("y", y, yOff, n);
        Checks.vector("g", g, gOff, n);
        Checks.vector("out", out, outOff, n);
        K.sigmoidBackward(y, yOff, g, gOff, out, outOff, n);
    }

    /** out[i] = g[i] · (1 − y[i]²), the gradient through y = tanh(z); out may alias g. */
    public static void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        Checks.vector("y", y, yOff, n);
        Checks.vector("g", g, gOff, n);
        Checks.vector("out", out, outOff, n);
        K.tanhBackward(y, yOff, g, gOff, out, outOff, n);
    }
}
