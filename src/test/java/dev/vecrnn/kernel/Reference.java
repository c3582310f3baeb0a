package dev.vecrnn.kernel;

/** Plain double-precision definitions the float kernels are compared with. */
final class Reference {
    private Reference() {}

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Softmax of row x[off .. off+n) in double. */
    static double[] softmax(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(x[off + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
        }
        return p;
    }

    static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /** An array of `len` random floats in [lo, hi) surrounded by `pad` guard values of 12345. */
    static float[] guarded(java.util.Random rnd, int pad, int len, float lo, float hi) {
        float[] a = new float[pad + len + pad];
        java.util.Arrays.fill(a, GUARD);
        for (int i = 0; i < len; i++) {
            a[pad + i] = lo + (hi - lo) * rnd.nextFloat();
        }
        return a;
    }

    static final float GUARD = 12345f;

    /** Fails unless every element outside [off, off+len) still holds the guard value. */
    static void assertGuards(float[] a, int off, int len) {
        for (int i = 0; i < a.length; i++) {
            if ((i < off || i >= off + len) && a[i] != GUARD) {
                throw new AssertionError("guard at " + i + " overwritten (view [" + off + ", " + (off + len) + "))");
            }
        }
    }
}
