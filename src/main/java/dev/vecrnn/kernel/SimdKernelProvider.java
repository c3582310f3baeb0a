package dev.vecrnn.kernel;

import static dev.vecrnn.kernel.PlainKernelProvider.EXP_LO;
import static dev.vecrnn.kernel.PlainKernelProvider.LN2_HI;
import static dev.vecrnn.kernel.PlainKernelProvider.LN2_LO;
import static dev.vecrnn.kernel.PlainKernelProvider.C0;
import static dev.vecrnn.kernel.PlainKernelProvider.C1;
import static dev.vecrnn.kernel.PlainKernelProvider.C2;
import static dev.vecrnn.kernel.PlainKernelProvider.C3;
import static dev.vecrnn.kernel.PlainKernelProvider.C4;
import static dev.vecrnn.kernel.PlainKernelProvider.C5;
import static dev.vecrnn.kernel.PlainKernelProvider.LOG2E;
import static dev.vecrnn.kernel.PlainKernelProvider.ROUND_MAGIC;
import static dev.vecrnn.kernel.PlainKernelProvider.ROUND_MAGIC_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels. Every loop runs whole vectors to {@code F.loopBound(n)} and finishes
 * with one masked vector, so any length and offset works at any width. The exponential is the
 * algorithm of {@link PlainKernelProvider#expf} lane by lane.
 */
final class SimdKernelProvider implements KernelProvider {
    /**
     * Default width of the elementwise family. Measured on Zen 4 (JDK 25, JMH ElementwiseBench,
     * n = 4096): see the README's kernel table; 512 bits won for exp/sigmoid/tanh/softmax.
     */
    static final int DEFAULT_BITS = 512;
    static final VectorSpecies<Float> F = SimdSpecies.floats(Vectorization.requestedBits(DEFAULT_BITS));
    private static final int L = F.length();

    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(F, -LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(F, -LN2_LO);
    private static final FloatVector VC0 = FloatVector.broadcast(F, C0);
    private static final FloatVector VC1 = FloatVector.broadcast(F, C1);
    private static final FloatVector VC2 = FloatVector.broadcast(F, C2);
    private static final FloatVector VC3 = FloatVector.broadcast(F, C3);
    private static final FloatVector VC4 = FloatVector.broadcast(F, C4);

    @Override
    public String describe() {
        return "SIMD " + F + " (" + L + " float lanes)";
    }

    @Override
    public String speciesName() {
        return F.vectorShape().toString();
    }

    /**
     * Inputs with |x| ≤ this take {@link #expFast}: the result is a normal float and 2^n fits the
     * exponent field, so one integer add scales the polynomial.
     */
    private static final float FAST_LIMIT = 87.3f;

    /** e^x lane by lane; see {@link PlainKernelProvider#expf} for the algorithm and its accuracy. */
    static FloatVector expV(FloatVector x) {
        // NaN fails "≤" and takes the careful path too.
        if (x.abs().compare(VectorOperators.LE, FAST_LIMIT).allTrue()) {
            return expFast(x);
        }
        return expCareful(x);
    }

    /**
     * e^x for |x| ≤ {@link #FAST_LIMIT}: 2^n is applied by adding n to the exponent bits. The bits of
     * t = x·log2e + 1.5·2^23 hold n in their low mantissa bits, and shifting them left by 23 leaves
     * exactly n·2^23 (the magic number's own bits shift out).
     */
    private static FloatVector expFast(FloatVector x) {
        FloatVector t = x.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector p = polynomial(n.fma(NEG_LN2_LO, n.fma(NEG_LN2_HI, x)));
        IntVector bits = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23));
        return bits.reinterpretAsFloats();
    }

    /** e^r for |r| ≤ ln2/2: the degree-5 polynomial of {@link PlainKernelProvider#expf}, Horner form. */
    private static FloatVector polynomial(FloatVector r) {
        FloatVector p = r.fma(C5, C4);
        p = p.fma(r, VC3);
        p = p.fma(r, VC2);
        p = p.fma(r, VC1);
        return p.fma(r, VC0);
    }

    /** e^x for any input: clamps, and applies 2^n as two factors (n = 128, subnormal results, ±Inf, NaN). */
    private static FloatVector expCareful(FloatVector x) {
        FloatVector xc = x.min(PlainKernelProvider.EXP_HI).max(EXP_LO);
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector p = polynomial(n.fma(NEG_LN2_LO, n.fma(NEG_LN2_HI, xc)));
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** σ(x) = 1 / (1 + e^−x) lane by lane. */
    static FloatVector sigmoidV(FloatVector x) {
        return ONE.div(expV(x.neg()).add(1f));
    }

    /** tanh(x) = 1 − 2 / (e^{2x} + 1) lane by lane. */
    static FloatVector tanhV(FloatVector x) {
        return ONE.sub(TWO.div(expV(x.add(x)).add(1f)));
    }

    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(F, 2f);

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        // two independent vectors per iteration: the out-of-order core overlaps their long chains
        for (int bound2 = F.loopBound(n) - L; i < bound2; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + i);
            FloatVector b = FloatVector.fromArray(F, x, xOff + i + L);
            expV(a).intoArray(y, yOff + i);
            expV(b).intoArray(y, yOff + i + L);
        }
        if (i < n) {
            expRest(x, xOff, y, yOff, i, n);
        }
    }

    /**
     * The last vectors of {@link #exp}, one masked vector at a time. A method of its own so that
     * its call site of {@link #expV} never competes with the main loop's for C2's inlining budget:
     * a vector helper that fails to inline boxes every vector (NodeCountInliningCutoff was seen
     * with three call sites in one method at 256 bits).
     */
    private static void expRest(float[] x, int xOff, float[] y, int yOff, int i, int n) {
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            expV(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        // two independent vectors per iteration: the out-of-order core overlaps their long chains
        for (int bound2 = F.loopBound(n) - L; i < bound2; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + i);
            FloatVector b = FloatVector.fromArray(F, x, xOff + i + L);
            sigmoidV(a).intoArray(y, yOff + i);
            sigmoidV(b).intoArray(y, yOff + i + L);
        }
        if (i < n) {
            sigmoidRest(x, xOff, y, yOff, i, n);
        }
    }

    /**
     * The last vectors of {@link #sigmoid}, one masked vector at a time. A method of its own so that
     * its call site of {@link #sigmoidV} never competes with the main loop's for C2's inlining budget:
     * a vector helper that fails to inline boxes every vector (NodeCountInliningCutoff was seen
     * with three call sites in one method at 256 bits).
     */
    private static void sigmoidRest(float[] x, int xOff, float[] y, int yOff, int i, int n) {
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            sigmoidV(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        // two independent vectors per iteration: the out-of-order core overlaps their long chains
        for (int bound2 = F.loopBound(n) - L; i < bound2; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + i);
            FloatVector b = FloatVector.fromArray(F, x, xOff + i + L);
            tanhV(a).intoArray(y, yOff + i);
            tanhV(b).intoArray(y, yOff + i + L);
        }
        if (i < n) {
            tanhRest(x, xOff, y, yOff, i, n);
        }
    }

    /**
     * The last vectors of {@link #tanh}, one masked vector at a time. A method of its own so that
     * its call site of {@link #tanhV} never competes with the main loop's for C2's inlining budget:
     * a vector helper that fails to inline boxes every vector (NodeCountInliningCutoff was seen
     * with three call sites in one method at 256 bits).
     */
    private static void tanhRest(float[] x, int xOff, float[] y, int yOff, int i, int n) {
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            tanhV(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i);
            gv.mul(v.mul(ONE.sub(v))).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, y, yOff + i, m);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i, m);
            gv.mul(v.mul(ONE.sub(v))).intoArray(out, outOff + i, m);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i);
            gv.mul(v.neg().fma(v, ONE)).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, y, yOff + i, m);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i, m);
            gv.mul(v.neg().fma(v, ONE)).intoArray(out, outOff + i, m);
        }
    }

    private static float rowMax(float[] x, int off, int cols) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, x, off + j));
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + j, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Writes e^(x−max) over the row and returns its sum. */
    private static float expShiftedInPlace(float[] x, int off, int cols, float max) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            FloatVector e = expV(FloatVector.fromArray(F, x, off + j).sub(max));
            e.intoArray(x, off + j);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        return j < cols ? total + expShiftedTail(x, off, j, cols, max) : total;
    }

    /** The masked last vector of {@link #expShiftedInPlace}, kept apart for C2's inlining budget. */
    private static float expShiftedTail(float[] x, int off, int j, int cols, float max) {
        VectorMask<Float> m = F.indexInRange(j, cols);
        FloatVector e = expV(FloatVector.fromArray(F, x, off + j, m).sub(max));
        e.intoArray(x, off + j, m);
        return e.reduceLanes(VectorOperators.ADD, m);
    }

    @Override
    public void softmaxRows(int rows, int cols, float[] x, int off, int ld) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            float sum = expShiftedInPlace(x, o, cols, rowMax(x, o, cols));
            scale(cols, 1f / sum, x, o);
        }
    }

    @Override
    public void logSoftmaxRows(int rows, int cols, float[] x, int off, int ld) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            float max = rowMax(x, o, cols);
            FloatVector sum = FloatVector.zero(F);
            int j = 0;
            for (int bound = F.loopBound(cols); j < bound; j += L) {
                sum = sum.add(expV(FloatVector.fromArray(F, x, o + j).sub(max)));
            }
            if (j < cols) {
                VectorMask<Float> m = F.indexInRange(j, cols);
                sum = sum.add(expV(FloatVector.fromArray(F, x, o + j, m).sub(max)), m);
            }
            float shift = max + (float) Math.log(sum.reduceLanes(VectorOperators.ADD));
            addScalar(cols, -shift, x, o);
        }
    }

    private static void addScalar(int n, float c, float[] x, int off) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).add(c).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, off + i, m).add(c).intoArray(x, off + i, m);
        }
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld,
                                      int[] targets, int tOff, float scale) {
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            int t = targets[tOff + i];
            if (t < 0) {
                java.util.Arrays.fill(logits, o, o + cols, 0f);
                continue;
            }
            float max = rowMax(logits, o, cols);
            float target = logits[o + t];
            float sum = expShiftedInPlace(logits, o, cols, max);
            loss += Math.log(sum) - (target - max);
            scale(cols, scale / sum, logits, o);
            logits[o + t] -= scale;
        }
        return loss;
    }

    @Override
    public void gate(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] out, int oOff, int ldo) {
        for (int i = 0; i < rows; i++) {
            int ao = aOff + i * lda, bo = bOff + i * ldb, oo = oOff + i * ldo;
            int j = 0;
            for (int bound = F.loopBound(cols); j < bound; j += L) {
                FloatVector rv = FloatVector.fromArray(F, r, rOff + j);
                FloatVector bv = FloatVector.fromArray(F, b, bo + j);
                rv.fma(FloatVector.fromArray(F, a, ao + j).sub(bv), bv).intoArray(out, oo + j);
            }
            if (j < cols) {
                VectorMask<Float> m = F.indexInRange(j, cols);
                FloatVector rv = FloatVector.fromArray(F, r, rOff + j, m);
                FloatVector bv = FloatVector.fromArray(F, b, bo + j, m);
                rv.fma(FloatVector.fromArray(F, a, ao + j, m).sub(bv), bv).intoArray(out, oo + j, m);
            }
        }
    }

    @Override
    public void gateBackward(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] g, int gOff, int ldg,
                             float[] da, int daOff, int ldda, float[] db, int dbOff, int lddb,
                             float[] dr, int drOff) {
        // Column blocks outside, rows inside: the dr block stays in a register over all rows.
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector rv = FloatVector.fromArray(F, r, rOff + j, m);
            FloatVector rc = ONE.sub(rv);
            FloatVector drv = FloatVector.fromArray(F, dr, drOff + j, m);
            for (int i = 0; i < rows; i++) {
                FloatVector gv = FloatVector.fromArray(F, g, gOff + i * ldg + j, m);
                FloatVector diff = FloatVector.fromArray(F, a, aOff + i * lda + j, m)
                        .sub(FloatVector.fromArray(F, b, bOff + i * ldb + j, m));
                gv.mul(rv).intoArray(da, daOff + i * ldda + j, m);
                gv.mul(rc).intoArray(db, dbOff + i * lddb + j, m);
                drv = gv.fma(diff, drv);
            }
            drv.intoArray(dr, drOff + j, m);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            av.fma(FloatVector.fromArray(F, x, xOff + i), FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            av.fma(FloatVector.fromArray(F, x, xOff + i, m), FloatVector.fromArray(F, y, yOff + i, m))
                    .intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(alpha).intoArray(x, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, off + i, m).mul(alpha).intoArray(x, off + i, m);
        }
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] mat, int off, int ld) {
        for (int i = 0; i < rows; i++) {
            axpy(cols, 1f, v, vOff, mat, off + i * ld);
        }
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] mat, int off, int ld, float[] out, int outOff) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector acc = FloatVector.fromArray(F, out, outOff + j, m);
            for (int i = 0; i < rows; i++) {
                acc = acc.add(FloatVector.fromArray(F, mat, off + i * ld + j, m));
            }
            acc.intoArray(out, outOff + j, m);
        }
    }

    @Override
    public void normalizeRows(int rows, int cols, float[] mat, int off, int ld) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            double ss = sumOfSquares(mat, o, cols);
            if (ss > 0) {
                scale(cols, (float) (1.0 / Math.sqrt(ss)), mat, o);
            }
        }
    }

    @Override
    public double sumOfSquares(float[] x, int off, int n) {
        return dot(n, x, off, x, off);
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n) - L; i < bound; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), acc0);
            acc1 = FloatVector.fromArray(F, x, xOff + i + L).fma(FloatVector.fromArray(F, y, yOff + i + L), acc1);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc0 = FloatVector.fromArray(F, x, xOff + i, m).fma(FloatVector.fromArray(F, y, yOff + i, m), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
