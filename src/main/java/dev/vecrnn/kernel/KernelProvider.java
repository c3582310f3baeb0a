package dev.vecrnn.kernel;

/**
 * The elementwise, softmax-row, gating and reduction kernels, implemented twice: {@link PlainKernelProvider}
 * (plain Java, the readable definition) and {@code SimdKernelProvider} (Vector API). The public
 * facades ({@link Activation}, {@link Softmax}, {@link Gating}, {@link Blas}) check arguments and
 * delegate here; implementations may assume every index is in range.
 */
interface KernelProvider {
    /** One line naming the implementation and its vector species. */
    String describe();

    /** The vector species' name, e.g. {@code S_512_BIT}, or {@code none} on the plain path. */
    String speciesName();

    void exp(float[] x, int xOff, float[] y, int yOff, int n);

    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

    void tanh(float[] x, int xOff, float[] y, int yOff, int n);

    /** out = g·y·(1−y). */
    void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /** out = g·(1−y²), with 1−y² computed as one fused multiply-add. */
    void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /** max_j x[off + j] over n ≥ 1 elements. */
    float max(float[] x, int off, int n);

    /** x[off + j] ← e^(x[off + j] − shift) for j in [0, n); returns the sum of the results. */
    float expShiftedInPlace(float[] x, int off, int n, float shift);

    /**
     * The largest x − shift that {@link #expShiftedPrefix} exponentiates: e^60 ≈ 1.1e26, so a sum
     * of up to 10^12 such terms stays finite in float.
     */
    float PREFIX_LIMIT = 60f;

    /**
     * x[off + j] ← e^(x[off + j] − shift) for j = 0, 1, … as long as x[off + j] − shift ≤
     * {@link #PREFIX_LIMIT} (a NaN stops it too). Returns {@link #prefix} of the count c done
     * (n when every element was) and the sum of the c results; x[off + c …] is unchanged.
     */
    long expShiftedPrefix(float[] x, int off, int n, float shift);

    /** The result of {@link #expShiftedPrefix}: the count in the high 32 bits, the sum's bits in the low. */
    static long prefix(int count, float sum) {
        return ((long) count << 32) | (Float.floatToRawIntBits(sum) & 0xFFFFFFFFL);
    }

    static int prefixCount(long prefix) {
        return (int) (prefix >>> 32);
    }

    static float prefixSum(long prefix) {
        return Float.intBitsToFloat((int) prefix);
    }

    /** Σ_j e^(x[off + j] − shift) over j in [0, n), x unchanged. */
    float sumExpShifted(float[] x, int off, int n, float shift);

    /** x[off + j] += c for j in [0, n). */
    void addScalar(int n, float c, float[] x, int off);

    void gate(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float[] out, int oOff, int ldo);

    void gateBackward(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] g, int gOff, int ldg,
                      float[] da, int daOff, int ldda, float[] db, int dbOff, int lddb, float[] dr, int drOff);

    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** dst[dOff + i] = Σ_{j &lt; count} src[offsets[j] + i], summed j = 0, 1, … (count ≥ 1). */
    void sumRows(int n, float[] src, int[] offsets, int count, float[] dst, int dOff);

    void scale(int n, float alpha, float[] x, int off);

    void addRowVector(int rows, int cols, float[] v, int vOff, float[] m, int off, int ld);

    void addColumnSums(int rows, int cols, float[] m, int off, int ld, float[] out, int outOff);

    /**
     * Σ_i x[off + i]²: each square exact in double (a float times a float fits in 53 bits), summed
     * in double in a fixed order (four interleaved running sums, element i into sum i mod 4, then
     * (s0 + s1) + (s2 + s3)), so the result is the same on every call. The plain path's; the SIMD
     * provider sums float vectors block by block (a widening Vector API version read its lanes back
     * in a way C2 sometimes compiled to allocating code).
     */
    default double sumOfSquares(float[] x, int off, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = off;
        int end = off + n;
        for (; i + 3 < end; i += 4) {
            double a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (int j = 0; i < end; i++, j++) {
            double v = x[i];
            switch (j) {
                case 0 -> s0 += v * v;
                case 1 -> s1 += v * v;
                default -> s2 += v * v;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    float dot(int n, float[] x, int xOff, float[] y, int yOff);
}
