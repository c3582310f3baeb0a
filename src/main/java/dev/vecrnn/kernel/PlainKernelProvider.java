package dev.vecrnn.kernel;

/**
 * The plain-Java kernels: used when the Vector API is absent or switched off, and the readable
 * definition of what the SIMD kernels compute. The exponential is the same algorithm as the SIMD
 * one (range reduction, a degree-5 polynomial, exponent-bit reconstruction), so both paths agree to
 * within a few ulps.
 */
final class PlainKernelProvider implements KernelProvider {

    // exp(x) = 2^n · e^r with n = round(x·log2 e) and |r| ≤ ln2/2.
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two, so that n·LN2_HI is exact for |n| ≤ 2^9. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    static final float ROUND_MAGIC = 12582912f;
    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** Inputs are clamped to [EXP_LO, EXP_HI]: outside it the result is 0 or +Inf anyway. */
    static final float EXP_LO = -104f;
    static final float EXP_HI = 89f;
    // e^r ≈ C0 + C1·r + … + C5·r⁵ on |r| ≤ ln2/2: a degree-5 fit of the relative error (Lawson's
    // reweighted least squares, float32 coefficients), 1.9e-7 worst relative error in float Horner
    // form; five FMAs, three fewer operations than Cephes' 1 + r + r²·P(r).
    static final float C0 = 1.0000001192092896f;
    static final float C1 = 0.9999997019767761f;
    static final float C2 = 0.49998894333839417f;
    static final float C3 = 0.16667574644088745f;
    static final float C4 = 0.04191538318991661f;
    static final float C5 = 0.008297653868794441f;

    @Override
    public String describe() {
        return "plain Java (no SIMD)";
    }

    @Override
    public String speciesName() {
        return "none";
    }

    /**
     * e^x in float: relative error ≤ 3e-7 on [−87, 88], gradual underflow to 0 below −87.3,
     * +Inf above 88.72, NaN for NaN.
     */
    static float expf(float x) {
        x = Math.max(Math.min(x, EXP_HI), EXP_LO);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int ni = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(C5, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, C1);
        p = Math.fma(p, r, C0);
        // 2^n as two factors so that n = 128 (x near 88.7) and subnormal results both work.
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** σ(x) = 1 / (1 + e^−x). */
    static float sigmoidf(float x) {
        return 1f / (1f + expf(-x));
    }

    /** tanh(x) = 1 − 2 / (e^{2x} + 1). */
    static float tanhf(float x) {
        return 1f - 2f / (expf(2f * x) + 1f);
    }

    /**
     * Elements per pass of the chunked kernels below. They work on per-thread buffers indexed from 0,
     * because C2's auto-vectoriser (SuperWord) leaves a loop scalar when it stores into one array and
     * loads from another at a different unknown offset ({@code y[yOff + i] = f(x[xOff + i])}: the
     * two might be one array), and because it does not vectorise the float/int bit moves of the
     * exponent: so the polynomial runs in one vectorised pass and the bit moves in a scalar one.
     * Every element goes through the same operations as {@link #expf}, so results are identical.
     */
    static final int CHUNK = 256;

    /** Per-thread scratch of the chunked kernels: the polynomial and the rounded exponent. */
    private static final class Chunk {
        final float[] p = new float[CHUNK];
        final float[] t = new float[CHUNK];
    }

    private static final ThreadLocal<Chunk> CHUNKS = ThreadLocal.withInitial(Chunk::new);

    /**
     * p[j] ← e^(s·p[j] − shift) for j &lt; n (n ≤ CHUNK), the operations of {@link #expf} on
     * x = s·p[j] − shift, with s ∈ {1, −1, 2} (exact) and shift 0 or finite.
     */
    private static void expChunk(Chunk ch, int n, float s, float shift) {
        float[] p = ch.p;
        float[] t = ch.t;
        // Pass 1, vectorised: clamp, round x·log2(e) to an integer (held in t), reduce, polynomial.
        for (int j = 0; j < n; j++) {
            float x = Math.max(Math.min(s * p[j] - shift, EXP_HI), EXP_LO);
            float tj = Math.fma(x, LOG2E, ROUND_MAGIC);
            float nf = tj - ROUND_MAGIC;
            float r = Math.fma(nf, -LN2_HI, x);
            r = Math.fma(nf, -LN2_LO, r);
            float q = Math.fma(C5, r, C4);
            q = Math.fma(q, r, C3);
            q = Math.fma(q, r, C2);
            q = Math.fma(q, r, C1);
            p[j] = Math.fma(q, r, C0);
            t[j] = tj;
        }
        // Pass 2, scalar: multiply by 2^n built from exponent bits (two factors, as in expf).
        for (int j = 0; j < n; j++) {
            int ni = Float.floatToRawIntBits(t[j]) - ROUND_MAGIC_BITS;
            int n1 = ni >> 1;
            int n2 = ni - n1;
            p[j] = p[j] * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
        }
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        Chunk ch = CHUNKS.get();
        for (int i = 0; i < n; i += CHUNK) {
            int w = Math.min(CHUNK, n - i);
            System.arraycopy(x, xOff + i, ch.p, 0, w);
            expChunk(ch, w, 1f, 0f);
            System.arraycopy(ch.p, 0, y, yOff + i, w);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        Chunk ch = CHUNKS.get();
        float[] p = ch.p;
        for (int i = 0; i < n; i += CHUNK) {
            int w = Math.min(CHUNK, n - i);
            System.arraycopy(x, xOff + i, p, 0, w);
            expChunk(ch, w, -1f, 0f);
            for (int j = 0; j < w; j++) {
                p[j] = 1f / (1f + p[j]); // sigmoidf
            }
            System.arraycopy(p, 0, y, yOff + i, w);
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        Chunk ch = CHUNKS.get();
        float[] p = ch.p;
        for (int i = 0; i < n; i += CHUNK) {
            int w = Math.min(CHUNK, n - i);
            System.arraycopy(x, xOff + i, p, 0, w);
            expChunk(ch, w, 2f, 0f);
            for (int j = 0; j < w; j++) {
                p[j] = 1f - 2f / (p[j] + 1f); // tanhf
            }
            System.arraycopy(p, 0, y, yOff + i, w);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOff + i];
            out[outOff + i] = g[gOff + i] * (v * (1f - v));
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOff + i];
            out[outOff + i] = g[gOff + i] * Math.fma(-v, v, 1f); // 1 − y² rounded once
        }
    }

    @Override
    public float max(float[] x, int off, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    @Override
    public float expShiftedInPlace(float[] x, int off, int cols, float max) {
        Chunk ch = CHUNKS.get();
        float[] p = ch.p;
        float sum = 0f;
        for (int i = 0; i < cols; i += CHUNK) {
            int w = Math.min(CHUNK, cols - i);
            System.arraycopy(x, off + i, p, 0, w);
            expChunk(ch, w, 1f, max);
            for (int j = 0; j < w; j++) {
                sum += p[j]; // in order j = 0, 1, …: a scalar chain, the same in every JIT tier
            }
            System.arraycopy(p, 0, x, off + i, w);
        }
        return sum;
    }

    @Override
    public long expShiftedPrefix(float[] x, int off, int n, float shift) {
        int c = 0;
        while (c < n && x[off + c] - shift <= PREFIX_LIMIT) {
            c++;
        }
        return KernelProvider.prefix(c, expShiftedInPlace(x, off, c, shift));
    }

    @Override
    public float sumExpShifted(float[] x, int off, int n, float shift) {
        Chunk ch = CHUNKS.get();
        float[] p = ch.p;
        float sum = 0f;
        for (int i = 0; i < n; i += CHUNK) {
            int w = Math.min(CHUNK, n - i);
            System.arraycopy(x, off + i, p, 0, w);
            expChunk(ch, w, 1f, shift);
            for (int j = 0; j < w; j++) {
                sum += p[j];
            }
        }
        return sum;
    }

    @Override
    public void addScalar(int n, float c, float[] x, int off) {
        for (int i = 0; i < n; i++) {
            x[off + i] += c;
        }
    }

    @Override
    public void gate(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] out, int oOff, int ldo) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float rj = r[rOff + j];
                float bj = b[bOff + i * ldb + j];
                out[oOff + i * ldo + j] = Math.fma(rj, a[aOff + i * lda + j] - bj, bj);
            }
        }
    }

    @Override
    public void gateBackward(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] g, int gOff, int ldg,
                             float[] da, int daOff, int ldda, float[] db, int dbOff, int lddb,
                             float[] dr, int drOff) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float rj = r[rOff + j];
                float gij = g[gOff + i * ldg + j];
                float diff = a[aOff + i * lda + j] - b[bOff + i * ldb + j];
                da[daOff + i * ldda + j] = gij * rj;
                db[dbOff + i * lddb + j] = gij * (1f - rj);
                dr[drOff + j] = Math.fma(gij, diff, dr[drOff + j]);
            }
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void sumRows(int n, float[] src, int[] offsets, int count, float[] dst, int dOff) {
        int o0 = offsets[0];
        for (int i = 0; i < n; i++) {
            float s = src[o0 + i];
            for (int j = 1; j < count; j++) {
                s += src[offsets[j] + i];
            }
            dst[dOff + i] = s;
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        for (int i = 0; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] m, int off, int ld) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            for (int j = 0; j < cols; j++) {
                m[o + j] += v[vOff + j];
            }
        }
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] m, int off, int ld, float[] out, int outOff) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += m[o + j];
            }
        }
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }
}
