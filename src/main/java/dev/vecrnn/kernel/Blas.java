package dev.vecrnn.kernel;

/**
 * Level-1 kernels and reductions on {@code float[]} views: axpy, scale, bias rows, column sums,
 * row L2 normalisation, sum of squares, dot product and clipping by global norm. Nothing is allocated.
 */
public final class Blas {
    private static final KernelProvider K = Vectorization.PROVIDER;

    private Blas() {}

    /** y[i] += α · x[i] for i in [0, n). */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        Checks.vector("x", x, xOff, n);
        Checks.vector("y", y, yOff, n);
        K.axpy(n, alpha, x, xOff, y, yOff);
    }

    /**
     * dst[dOff + i] = Σ_{j &lt; count} src[offsets[j] + i] for i in [0, n): the sum of count rows of
     * src, added in order (((r₀ + r₁) + r₂) + …), the same bits as copying r₀ and adding the others
     * one by one with {@link #axpy} (α = 1), in one pass. count = 0 writes zeros. dst may be one of
     * the rows only if it is the first.
     *
     * @throws IllegalArgumentException for a negative n or count, an offsets array shorter than
     *                                  count, or a row or dst view outside its array
     */
    public static void sumRows(int n, float[] src, int[] offsets, int count, float[] dst, int dOff) {
        Checks.size("count", count);
        if (offsets == null || offsets.length < count) {
            throw new IllegalArgumentException("need " + count + " row offsets, got "
                    + (offsets == null ? "null" : offsets.length));
        }
        for (int j = 0; j < count; j++) {
            Checks.vector("src row", src, offsets[j], n);
        }
        Checks.vector("dst", dst, dOff, n);
        if (count == 0) {
            java.util.Arrays.fill(dst, dOff, dOff + n, 0f);
        } else {
            K.sumRows(n, src, offsets, count, dst, dOff);
        }
    }

    /** x[i] *= α for i in [0, n). */
    public static void scale(int n, float alpha, float[] x, int off) {
        Checks.vector("x", x, off, n);
        K.scale(n, alpha, x, off);
    }

    /** m[i, j] += v[j]: adds a bias row to every row of the rows × cols view m. */
    public static void addRowVector(int rows, int cols, float[] v, int vOff, float[] m, int off, int ld) {
        Checks.vector("v", v, vOff, cols);
        Checks.matrix("m", m, off, rows, cols, ld);
        K.addRowVector(rows, cols, v, vOff, m, off, ld);
    }

    /** out[j] += Σ_i m[i, j]: accumulates the column sums of m (a bias gradient). */
    public static void addColumnSums(int rows, int cols, float[] m, int off, int ld, float[] out, int outOff) {
        Checks.matrix("m", m, off, rows, cols, ld);
        Checks.vector("out", out, outOff, cols);
        K.addColumnSums(rows, cols, m, off, ld, out, outOff);
    }

    /** m[i, :] ← m[i, :] / ‖m[i, :]‖₂ for each row with a non-zero norm (an all-zero row stays zero). */
    public static void normalizeRows(int rows, int cols, float[] m, int off, int ld) {
        Checks.matrix("m", m, off, rows, cols, ld);
        for (int i = 0; i < rows; i++) { // written once here over the providers' primitives
            int o = off + i * ld;
            double ss = K.sumOfSquares(m, o, cols);
            if (ss > 0) {
                K.scale(cols, (float) (1.0 / Math.sqrt(ss)), m, o);
            }
        }
    }

    /** Σ_i x[i]², accumulated in float lanes and returned as a double. */
    public static double sumOfSquares(float[] x, int off, int n) {
        Checks.vector("x", x, off, n);
        return K.sumOfSquares(x, off, n);
    }

    /** Σ_i x[i] · y[i]. */
    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        Checks.vector("x", x, xOff, n);
        Checks.vector("y", y, yOff, n);
        return K.dot(n, x, xOff, y, yOff);
    }

    /**
     * Clip by global norm: with N = sqrt(Σ over all arrays of Σ x²), when N &gt; maxNorm every array is
     * scaled by maxNorm / N. Pass a {@code float[][]} built once to keep the call allocation-free.
     *
     * @return N, the norm before clipping
     */
    public static double clipByGlobalNorm(float maxNorm, float[]... arrays) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double ss = 0;
        for (float[] a : arrays) {
            ss += K.sumOfSquares(a, 0, a.length);
        }
        double norm = Math.sqrt(ss);
        if (norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (float[] a : arrays) {
                K.scale(a.length, f, a, 0);
            }
        }
        return norm;
    }
}
