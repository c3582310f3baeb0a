package dev.vecrnn.kernel;

/**
 * Level-1 kernels and reductions on {@code float[]} views: axpy, scale, bias rows, column sums,
 * row L2 normalisation, sum of squares (in double), dot product, global norm and clipping by it.
 * Nothing is allocated.
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

    /**
     * Σ_i x[off + i]² over i in [0, n): each square is exact in double and the sum is accumulated in
     * double, so it cannot overflow for finite x, and a call returns the same bits every time (the
     * order of summation depends only on n and the vector width). NaN if any x is NaN, +Inf if any is
     * infinite.
     */
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
     * The global L2 norm of several arrays: N = sqrt(Σ over the arrays of {@link #sumOfSquares}),
     * accumulated in double. NaN if any element is NaN, else +Inf if any is infinite. Pass a
     * {@code float[][]} built once to keep the call allocation-free.
     *
     * @throws IllegalArgumentException if an array is null
     */
    public static double globalNorm(float[]... arrays) {
        double ss = 0;
        for (float[] a : arrays) {
            if (a == null) {
                throw new IllegalArgumentException("array is null");
            }
            ss += K.sumOfSquares(a, 0, a.length);
        }
        return Math.sqrt(ss);
    }

    /**
     * Clip by global norm: with N = {@link #globalNorm}(arrays), when N &gt; maxNorm every array is
     * scaled by maxNorm / N; otherwise nothing changes. When N is not finite (a NaN or infinite
     * gradient) no array is scaled — scaling by maxNorm / ∞ = 0 would turn the infinities into NaN
     * and hide the fault as an all-zero step — and the non-finite N is returned, for the caller to
     * check with {@link Double#isFinite}. Pass a {@code float[][]} built once to keep the call
     * allocation-free.
     *
     * @return N, the norm before clipping: NaN if any element is NaN, else +Inf if any is infinite
     * @throws IllegalArgumentException if maxNorm is not &gt; 0 or an array is null
     */
    public static double clipByGlobalNorm(float maxNorm, float[]... arrays) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(arrays);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (float[] a : arrays) {
                K.scale(a.length, f, a, 0);
            }
        }
        return norm;
    }
}
