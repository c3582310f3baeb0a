package dev.vecrnn.kernel;

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

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels. Every loop runs whole vectors to {@code F.loopBound(n)} and finishes the
 * last n mod L elements in scalar code (the same arithmetic), so any length and offset works at any
 * width and no loop has a masked branch that C2 could compile cold (see the comment above the
 * exponential's loops); loops over column blocks mask every block. The exponential is the algorithm of {@link PlainKernelProvider#expf} lane by
 * lane, with 2^n added to the exponent bits on its fast path.
 */
final class SimdKernelProvider implements KernelProvider {
    /** The species of every SIMD kernel family (chosen by {@link Vectorization}, see its DEFAULT_BITS). */
    static final VectorSpecies<Float> F = SimdSpecies.FLOATS;
    private static final int L = F.length();

    // Lane rotations for summing a vector's lanes by a fixed tree: add the vector rotated by L/2,
    // then L/4, ..., 1; lane 0 then holds the total. The same in every JIT tier, unlike
    // reduceLanes(ADD), which C2 sums in another order than the interpreter and C1, so results
    // (and training runs with one seed) would depend on how far the JIT had got.
    static final VectorShuffle<Float> ROT8 = VectorShuffle.fromOp(F, i -> (i + 8) % F.length());
    static final VectorShuffle<Float> ROT4 = VectorShuffle.fromOp(F, i -> (i + 4) % F.length());
    static final VectorShuffle<Float> ROT2 = VectorShuffle.fromOp(F, i -> (i + 2) % F.length());
    static final VectorShuffle<Float> ROT1 = VectorShuffle.fromOp(F, i -> (i + 1) % F.length());


    @Override
    public String describe() {
        return "SIMD " + F + " (" + L + " float lanes)";
    }

    @Override
    public String speciesName() {
        return F.vectorShape().toString();
    }

    /** Inputs with |x| ≤ this take the fast path: the result is normal and 2^n fits the exponent field. */
    private static final float FAST_LIMIT = 87.3f;

    private static final int OP_EXP = 0;
    private static final int OP_SIGMOID = 1;
    private static final int OP_TANH = 2;
    /** e^(x − shift) for softmax rows, where x − shift ≤ 0. */
    private static final int OP_EXP_SHIFTED = 3;

    /*
     * The exponential, in each of the loops below: e^a = 2^n · e^r with n = round(a·log2 e),
     * r = a − n·ln2 (two-part ln2), e^r by the degree-5 polynomial of PlainKernelProvider.expf, and
     * 2^n applied by adding n to the exponent bits: the bits of t = a·log2 e + 1.5·2^23 hold n in
     * their low mantissa bits, and t's bits shifted left by 23 are exactly n·2^23 (the magic
     * number's own bits shift out).
     *
     * A vector with a lane outside |a| ≤ 87.3 (exp overflow or underflow) or NaN is done lane by lane
     * by the plain kernel's careful code. For sigmoid and tanh a saturated lane (no NaN) is clamped
     * to ±87.3 instead, only in that vector (clamping every vector cost more than it saved: Java's
     * min/max semantics take several instructions each, sigmoid 3.3 -> 1.9 el/ns): the result is then
     * 0 or ±1 to within 1.2e-38, and trained hierarchical-softmax scores saturate often enough that
     * the lane-by-lane path made sigmoid 3.5 -> 0.15 el/ns on inputs of spread 100.
     *
     * The vector constants are locals of each loop method, made with FloatVector.broadcast: read from
     * static final FloatVector fields, C2 loaded each one from its object's payload on every pass
     * (seven loads a pass in the exponential, each split across two cache lines or not depending on
     * where that JVM put the payload), and exp-4096 ran at 6.6 or 8.8 elements/ns depending on the
     * JVM; as locals they stay in registers, 9.5-10.1 in five of six runs (Zen 5, 512 bits).
     *
     * Why the few lines of the exponential are written out in each loop rather than called: a
     * method that takes or returns a vector boxes it whenever C2 declines to inline it, and C2
     * declines even small helpers at times (the node-count cutoff; "already compiled into a medium
     * method" at a cold call site), which allocated 100-1300 bytes a call and made the speed differ
     * up to 1.7x from one JVM to the next; one loop for all ops went wrong when its ops were
     * profiled at different times. The last n mod 2L elements run as one or two vectors after the
     * pair loop, the last one masked (tail masks from SimdSpecies.lanesBelow, see there): at the
     * hidden sizes of the language models the scalar tail was 12 of 60 elements (SCRN 60 + 40) or
     * 4 of 100, each through the scalar careful path. Fully masked loops, the other way to get
     * there, ran at 3.2-3.4 elements/ns against 4-5 for unmasked ones.
     */

    /** y = e^x over n elements. */
    private static void expLoop(float[] x, int xOff, float[] y, int yOff, int n) {
        // the constants as locals, kept in registers (see the comment above the loops)
        FloatVector negLn2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector vc0 = FloatVector.broadcast(F, C0);
        FloatVector vc1 = FloatVector.broadcast(F, C1);
        FloatVector vc2 = FloatVector.broadcast(F, C2);
        FloatVector vc3 = FloatVector.broadcast(F, C3);
        int i = 0;
        // Two vectors per pass: their chains of dependent operations interleave.
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector w = FloatVector.fromArray(F, x, xOff + i + L);
            FloatVector a = v;
            FloatVector b = w;
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).and(b.abs().compare(VectorOperators.LE, FAST_LIMIT)).allTrue()) {
                applyCarefully(OP_EXP, x, xOff + i, y, yOff + i, 2 * L, 0f);
                continue;
            }
            // e = e^a and f = e^b, as described above the loops
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector u = b.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector mf = u.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector rb = mf.fma(negLn2Lo, mf.fma(negLn2Hi, b));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector q = rb.fma(C5, C4).fma(rb, vc3).fma(rb, vc2).fma(rb, vc1).fma(rb, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            FloatVector f = q.reinterpretAsInts().add(u.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            e.intoArray(y, yOff + i);
            f.intoArray(y, yOff + i + L);
        }
        while (i < n) { // the rest, fewer than 2L: one or two vectors, the last one masked
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector a = v; // lanes past n are 0: they pass the check and are not stored
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).allTrue()) {
                break;
            }
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            e.intoArray(y, yOff + i, m);
            i += L;
        }
        applyCarefully(OP_EXP, x, xOff + i, y, yOff + i, n - i, 0f); // a rest with slow lanes (none when i ≥ n)
    }

    /** y = σ(x) = 1 / (1 + e^−x) over n elements. */
    private static void sigmoidLoop(float[] x, int xOff, float[] y, int yOff, int n) {
        // the constants as locals, kept in registers (see the comment above the loops)
        FloatVector negLn2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector vc0 = FloatVector.broadcast(F, C0);
        FloatVector vc1 = FloatVector.broadcast(F, C1);
        FloatVector vc2 = FloatVector.broadcast(F, C2);
        FloatVector vc3 = FloatVector.broadcast(F, C3);
        int i = 0;
        // Two vectors per pass: their chains of dependent operations interleave.
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector w = FloatVector.fromArray(F, x, xOff + i + L);
            FloatVector a = v.neg();
            FloatVector b = w.neg();
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).and(b.abs().compare(VectorOperators.LE, FAST_LIMIT)).allTrue()) {
                if (a.add(b).test(VectorOperators.IS_NAN).anyTrue()) {
                    applyCarefully(OP_SIGMOID, x, xOff + i, y, yOff + i, 2 * L, 0f);
                    continue;
                }
                a = a.max(-FAST_LIMIT).min(FAST_LIMIT); // saturated lanes: the result is 0 or ±1 to 1e-38
                b = b.max(-FAST_LIMIT).min(FAST_LIMIT);
            }
            // e = e^a and f = e^b, as described above the loops
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector u = b.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector mf = u.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector rb = mf.fma(negLn2Lo, mf.fma(negLn2Hi, b));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector q = rb.fma(C5, C4).fma(rb, vc3).fma(rb, vc2).fma(rb, vc1).fma(rb, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            FloatVector f = q.reinterpretAsInts().add(u.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            one.div(e.add(one)).intoArray(y, yOff + i);
            one.div(f.add(one)).intoArray(y, yOff + i + L);
        }
        while (i < n) { // the rest, fewer than 2L: one or two vectors, the last one masked
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector a = v.neg(); // lanes past n are 0: they pass the check and are not stored
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).allTrue()) {
                if (a.test(VectorOperators.IS_NAN).anyTrue()) {
                    break;
                }
                a = a.max(-FAST_LIMIT).min(FAST_LIMIT);
            }
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            one.div(e.add(one)).intoArray(y, yOff + i, m);
            i += L;
        }
        applyCarefully(OP_SIGMOID, x, xOff + i, y, yOff + i, n - i, 0f); // a rest with slow lanes (none when i ≥ n)
    }

    /** y = tanh(x) = 1 − 2 / (e^{2x} + 1) over n elements. */
    private static void tanhLoop(float[] x, int xOff, float[] y, int yOff, int n) {
        // the constants as locals, kept in registers (see the comment above the loops)
        FloatVector negLn2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        FloatVector vc0 = FloatVector.broadcast(F, C0);
        FloatVector vc1 = FloatVector.broadcast(F, C1);
        FloatVector vc2 = FloatVector.broadcast(F, C2);
        FloatVector vc3 = FloatVector.broadcast(F, C3);
        int i = 0;
        // Two vectors per pass: their chains of dependent operations interleave.
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector w = FloatVector.fromArray(F, x, xOff + i + L);
            FloatVector a = v.add(v);
            FloatVector b = w.add(w);
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).and(b.abs().compare(VectorOperators.LE, FAST_LIMIT)).allTrue()) {
                if (a.add(b).test(VectorOperators.IS_NAN).anyTrue()) {
                    applyCarefully(OP_TANH, x, xOff + i, y, yOff + i, 2 * L, 0f);
                    continue;
                }
                a = a.max(-FAST_LIMIT).min(FAST_LIMIT); // saturated lanes: the result is 0 or ±1 to 1e-38
                b = b.max(-FAST_LIMIT).min(FAST_LIMIT);
            }
            // e = e^a and f = e^b, as described above the loops
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector u = b.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector mf = u.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector rb = mf.fma(negLn2Lo, mf.fma(negLn2Hi, b));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector q = rb.fma(C5, C4).fma(rb, vc3).fma(rb, vc2).fma(rb, vc1).fma(rb, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            FloatVector f = q.reinterpretAsInts().add(u.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            one.sub(two.div(e.add(one))).intoArray(y, yOff + i);
            one.sub(two.div(f.add(one))).intoArray(y, yOff + i + L);
        }
        while (i < n) { // the rest, fewer than 2L: one or two vectors, the last one masked
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector a = v.add(v); // lanes past n are 0: they pass the check and are not stored
            if (!a.abs().compare(VectorOperators.LE, FAST_LIMIT).allTrue()) {
                if (a.test(VectorOperators.IS_NAN).anyTrue()) {
                    break;
                }
                a = a.max(-FAST_LIMIT).min(FAST_LIMIT);
            }
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats();
            one.sub(two.div(e.add(one))).intoArray(y, yOff + i, m);
            i += L;
        }
        applyCarefully(OP_TANH, x, xOff + i, y, yOff + i, n - i, 0f); // a rest with slow lanes (none when i ≥ n)
    }

    /**
     * e^(x − shift) for one vector of a softmax row (x − shift ≤ 0), stored at y[yi]; or, with y
     * null, only summed and the sum returned (0 is returned after a store). Lanes below −87.3 are set to 0 by a compare and
     * blend (the true value is under 1.2e-38 next to the row's largest term, 1); only NaN takes the
     * careful path.
     */
    private static float expShifted(float[] x, int xi, float[] y, int yi, int count, float shift) {
        // the constants as locals, kept in registers (see the comment above the loops)
        FloatVector negLn2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector vc0 = FloatVector.broadcast(F, C0);
        FloatVector vc1 = FloatVector.broadcast(F, C1);
        FloatVector vc2 = FloatVector.broadcast(F, C2);
        FloatVector vc3 = FloatVector.broadcast(F, C3);
        VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(count));
        FloatVector a = FloatVector.fromArray(F, x, xi, m).sub(shift);
        if (a.test(VectorOperators.IS_NAN).anyTrue()) {
            return applyCarefully(OP_EXP_SHIFTED, x, xi, y, yi, Math.min(count, L), shift);
        }
        // e = e^a, as described above the loops
        FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector red = n.fma(negLn2Lo, n.fma(negLn2Hi, a));
        FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
        FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                .reinterpretAsFloats().blend(0f, a.compare(VectorOperators.LT, -FAST_LIMIT));
        if (y != null) {
            e.intoArray(y, yi, m);
            return 0f;
        }
        FloatVector z = FloatVector.zero(F).blend(e, m); // the count results, zeros beyond
        if (L >= 16) {
            z = z.add(z.rearrange(ROT8));
        }
        if (L >= 8) {
            z = z.add(z.rearrange(ROT4));
        }
        z = z.add(z.rearrange(ROT2));
        z = z.add(z.rearrange(ROT1));
        return z.lane(0);
    }

    /**
     * The rare vectors with NaN, or exp overflow or underflow: lane by lane, by the plain kernel's
     * careful code. With y == null the results are only summed.
     */
    private static float applyCarefully(int op, float[] x, int xi, float[] y, int yi, int count, float shift) {
        float sum = 0f;
        for (int k = 0; k < count; k++) {
            float v = x[xi + k];
            float r = switch (op) {
                case OP_SIGMOID -> PlainKernelProvider.sigmoidf(v);
                case OP_TANH -> PlainKernelProvider.tanhf(v);
                case OP_EXP_SHIFTED -> PlainKernelProvider.expf(v - shift);
                default -> PlainKernelProvider.expf(v);
            };
            sum += r;
            if (y != null) {
                y[yi + k] = r;
            }
        }
        return sum;
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        expLoop(x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        sigmoidLoop(x, xOff, y, yOff, n);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        tanhLoop(x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f); // a local, kept in a register (see above the loops)
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i);
            gv.mul(v.mul(one.sub(v))).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = y[yOff + i];
            out[outOff + i] = g[gOff + i] * (v * (1f - v));
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f); // a local, kept in a register (see above the loops)
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i);
            gv.mul(v.neg().fma(v, one)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = y[yOff + i];
            out[outOff + i] = g[gOff + i] * Math.fma(-v, v, 1f);
        }
    }

    @Override
    public float max(float[] x, int off, int cols) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, x, off + j));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (; j < cols; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    /** Each vector is re-read from L1 to add it up; the lanes are summed by the fixed tree of ROT8.. */
    @Override
    public float expShiftedInPlace(float[] x, int off, int cols, float max) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            expShifted(x, off + j, x, off + j, L, max);
            sum = sum.add(FloatVector.fromArray(F, x, off + j));
        }
        if (L >= 16) {
            sum = sum.add(sum.rearrange(ROT8));
        }
        if (L >= 8) {
            sum = sum.add(sum.rearrange(ROT4));
        }
        sum = sum.add(sum.rearrange(ROT2));
        sum = sum.add(sum.rearrange(ROT1));
        float total = sum.lane(0);
        if (j < cols) {
            expShifted(x, off + j, x, off + j, cols - j, max);
            for (; j < cols; j++) {
                total += x[off + j];
            }
        }
        return total;
    }

    /**
     * One pass: each vector is exponentiated in registers, stored and added to two alternating
     * partial sums (two chains of adds); lanes below −87.3 give 0, as in {@link #expShifted}. A
     * vector with a lane above the limit or NaN ends the vector loop; the scalar loop then finishes
     * its lanes up to the first such one, by the plain kernel's arithmetic.
     *
     * <p>A tail of w = n mod L elements (n ≥ L) runs as the row's last L elements, together with the
     * last full vector, which it overlaps: both are read before either is stored, the tail's first
     * L − w lanes get the same values again (the arithmetic is lane by lane), and only its last w
     * lanes are added to the sum (the others ANDed to +0 with {@link #KEEP_NEW}; no mask object).
     * Neither is read before the loop: a first version that read the tail ahead and held it across
     * the loop (in {@link #scale}) allocated 576 bytes per softmaxRows call in one run of the test
     * suite (not reproduced alone); this one holds no vector across a loop. The scalar tail took 15
     * of E2's 127 columns through the scalar exponential: 81-85 ns a row before, 43-45 after (Zen 5,
     * 512 bits, a plain timing loop; the fused softmax + cross-entropy of 320 rows).
     */
    @Override
    public long expShiftedPrefix(float[] x, int off, int n, float shift) {
        if (n < L) {
            return expShiftedScalar(x, off, 0, n, shift, 0f);
        }
        // the constants as locals, kept in registers (see the comment above the loops)
        FloatVector negLn2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector vc0 = FloatVector.broadcast(F, C0);
        FloatVector vc1 = FloatVector.broadcast(F, C1);
        FloatVector vc2 = FloatVector.broadcast(F, C2);
        FloatVector vc3 = FloatVector.broadcast(F, C3);
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int w = n - bound;
        int vEnd = w > 0 ? bound - L : bound; // with a tail, the last full vector goes with it
        int j = 0;
        for (; j < vEnd; j += L) {
            FloatVector a = FloatVector.fromArray(F, x, off + j).sub(shift);
            if (!a.compare(VectorOperators.LE, PREFIX_LIMIT).allTrue()) {
                break;
            }
            // e = e^a, as described above the loops
            FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
            FloatVector nf = t.sub(ROUND_MAGIC);
            FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
            FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
            FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                    .reinterpretAsFloats().blend(0f, a.compare(VectorOperators.LT, -FAST_LIMIT));
            e.intoArray(x, off + j);
            if ((j & L) == 0) {
                s0 = s0.add(e);
            } else {
                s1 = s1.add(e);
            }
        }
        if (j == vEnd && vEnd < bound) {
            // the last full vector and the tail as the row's last L elements, both read before
            // either is stored (see above)
            FloatVector a = FloatVector.fromArray(F, x, off + j).sub(shift);
            FloatVector b = FloatVector.fromArray(F, x, off + n - L).sub(shift);
            if (a.compare(VectorOperators.LE, PREFIX_LIMIT).and(b.compare(VectorOperators.LE, PREFIX_LIMIT)).allTrue()) {
                FloatVector t = a.fma(LOG2E, ROUND_MAGIC);
                FloatVector u = b.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                FloatVector mf = u.sub(ROUND_MAGIC);
                FloatVector red = nf.fma(negLn2Lo, nf.fma(negLn2Hi, a));
                FloatVector rb = mf.fma(negLn2Lo, mf.fma(negLn2Hi, b));
                FloatVector p = red.fma(C5, C4).fma(red, vc3).fma(red, vc2).fma(red, vc1).fma(red, vc0);
                FloatVector q = rb.fma(C5, C4).fma(rb, vc3).fma(rb, vc2).fma(rb, vc1).fma(rb, vc0);
                FloatVector e = p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                        .reinterpretAsFloats().blend(0f, a.compare(VectorOperators.LT, -FAST_LIMIT));
                FloatVector f = q.reinterpretAsInts().add(u.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                        .reinterpretAsFloats().blend(0f, b.compare(VectorOperators.LT, -FAST_LIMIT));
                e.intoArray(x, off + j);
                f.intoArray(x, off + n - L);
                if ((j & L) == 0) {
                    s0 = s0.add(e);
                } else {
                    s1 = s1.add(e);
                }
                s0 = s0.add(f.reinterpretAsInts().and(IntVector.fromArray(I, KEEP_NEW, w)).reinterpretAsFloats());
                j = n;
            }
        }
        FloatVector sum = s0.add(s1);
        if (L >= 16) {
            sum = sum.add(sum.rearrange(ROT8));
        }
        if (L >= 8) {
            sum = sum.add(sum.rearrange(ROT4));
        }
        sum = sum.add(sum.rearrange(ROT2));
        sum = sum.add(sum.rearrange(ROT1));
        return expShiftedScalar(x, off, j, n, shift, sum.lane(0));
    }

    /** The scalar end of {@link #expShiftedPrefix} from element j, the sum so far in total. */
    private static long expShiftedScalar(float[] x, int off, int j, int n, float shift, float total) {
        for (; j < n; j++) {
            float a = x[off + j] - shift;
            if (!(a <= PREFIX_LIMIT)) {
                break;
            }
            float e = PlainKernelProvider.expf(a);
            x[off + j] = e;
            total += e;
        }
        return KernelProvider.prefix(j, total);
    }

    @Override
    public float sumExpShifted(float[] x, int off, int n, float shift) {
        float sum = 0f;
        for (int j = 0; j < n; j += L) {
            sum += expShifted(x, off + j, null, 0, n - j, shift);
        }
        return sum;
    }

    /**
     * Σ x² over blocks of at most 512 elements: within a block two float vector accumulators (even
     * and odd vectors), summed lane by lane and then by the fixed tree of ROT8.., added to a double
     * total block by block; the last n mod L elements in double. A fixed order, so the same result on
     * every call (it differs from the plain kernel's in the last bits: each block's sum is rounded
     * to float, a relative error under 1e-6 of the norm that clipping and normalisation need); a
     * block whose float sum is not finite (squares beyond float's range) is summed again in double,
     * so a finite gradient never reads as an infinite norm.
     * Measured in a JFR profile of HS language-model training, the scalar double version took 7.5 %
     * of the run.
     */
    @Override
    public double sumOfSquares(float[] x, int off, int n) {
        double total = 0;
        int i = 0;
        int whole = n - n % L;
        while (i < whole) {
            int start = i;
            int end = Math.min(whole, i + 512);
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            for (; i + 2 * L <= end; i += 2 * L) {
                FloatVector a = FloatVector.fromArray(F, x, off + i);
                FloatVector b = FloatVector.fromArray(F, x, off + i + L);
                s0 = a.fma(a, s0);
                s1 = b.fma(b, s1);
            }
            if (i < end) {
                FloatVector a = FloatVector.fromArray(F, x, off + i);
                s0 = a.fma(a, s0);
                i += L;
            }
            FloatVector sum = s0.add(s1);
            if (L >= 16) {
                sum = sum.add(sum.rearrange(ROT8));
            }
            if (L >= 8) {
                sum = sum.add(sum.rearrange(ROT4));
            }
            sum = sum.add(sum.rearrange(ROT2));
            sum = sum.add(sum.rearrange(ROT1));
            float block = sum.lane(0);
            if (Float.isFinite(block)) {
                total += block;
            } else { // squares beyond float's range (or NaN): this block again, in double
                for (int k = start; k < i; k++) {
                    double v = x[off + k];
                    total += v * v;
                }
            }
        }
        for (; i < n; i++) {
            double v = x[off + i];
            total += v * v;
        }
        return total;
    }

    @Override
    public void addScalar(int n, float c, float[] x, int off) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).add(c).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] += c;
        }
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
            for (; j < cols; j++) {
                float bj = b[bo + j];
                out[oo + j] = Math.fma(r[rOff + j], a[ao + j] - bj, bj);
            }
        }
    }

    @Override
    public void gateBackward(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] g, int gOff, int ldg,
                             float[] da, int daOff, int ldda, float[] db, int dbOff, int lddb,
                             float[] dr, int drOff) {
        FloatVector one = FloatVector.broadcast(F, 1f); // a local, kept in a register (see above the loops)
        // Column blocks outside, rows inside: the dr block stays in a register over all rows.
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(cols - j));
            FloatVector rv = FloatVector.fromArray(F, r, rOff + j, m);
            FloatVector rc = one.sub(rv);
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
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void sumRows(int n, float[] src, int[] offsets, int count, float[] dst, int dOff) {
        int o0 = offsets[0];
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector acc = FloatVector.fromArray(F, src, o0 + i);
            for (int j = 1; j < count; j++) {
                acc = acc.add(FloatVector.fromArray(F, src, offsets[j] + i));
            }
            acc.intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            float s = src[o0 + i];
            for (int j = 1; j < count; j++) {
                s += src[offsets[j] + i];
            }
            dst[dOff + i] = s;
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        int i = 0;
        int bound = F.loopBound(n);
        boolean tail = bound < n && n >= L;
        for (int end = tail ? bound - L : bound; i < end; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(alpha).intoArray(x, off + i);
        }
        if (tail) {
            // the last full vector and the tail as the last L elements, both read before either is
            // stored (the overlapped lanes get the same products again), as in expShiftedPrefix
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector t = FloatVector.fromArray(F, x, off + n - L);
            v.mul(alpha).intoArray(x, off + i);
            t.mul(alpha).intoArray(x, off + n - L);
            return;
        }
        for (; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] mat, int off, int ld) {
        int full = cols - cols % L;
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            for (int j = 0; j < full; j += L) {
                FloatVector.fromArray(F, mat, o + j).add(FloatVector.fromArray(F, v, vOff + j)).intoArray(mat, o + j);
            }
        }
        if (full == cols) {
            return;
        }
        if (cols >= L) {
            // the tails in a second pass (loaded right after the store of the row's last full vector,
            // which it overlaps, a tail waited for that store), as the row's last L columns: v's tail
            // with −0.0 in the lanes already done, stored whole (x + (−0.0) = x for every x)
            int w = cols - full, t = cols - L;
            FloatVector vt = FloatVector.fromArray(F, v, vOff + t).reinterpretAsInts()
                    .and(IntVector.fromArray(I, KEEP_NEW, w)).or(IntVector.fromArray(I, NEG_ZERO_OLD, w))
                    .reinterpretAsFloats();
            for (int i = 0, o = off + t; i < rows; i++, o += ld) {
                FloatVector.fromArray(F, mat, o).add(vt).intoArray(mat, o);
            }
        } else {
            for (int i = 0, o = off; i < rows; i++, o += ld) {
                for (int j = 0; j < cols; j++) {
                    mat[o + j] += v[vOff + j];
                }
            }
        }
    }

    /**
     * A row's tail of w &lt; L columns is handled as the row's last L columns, so every load and store
     * lies inside the row, hence inside the array: a masked access whose vector would run past the
     * end of the array takes the Vector API's checked path even when the mask excludes those lanes,
     * many times slower (it showed in profiles of E2, whose bias gradient is exactly 200 floats).
     * The lanes already done are neutralised instead of masked: AND with KEEP_NEW[w ..] and OR with
     * NEG_ZERO_OLD[w ..] turn them into −0.0f, which adds nothing to any float. No mask object is
     * made per call (one made per call was boxed, 40 bytes a call, in one JIT context).
     */
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final int[] KEEP_NEW = new int[2 * L], NEG_ZERO_OLD = new int[2 * L];

    static {
        for (int i = 0; i < L; i++) {
            KEEP_NEW[L + i] = -1;
            NEG_ZERO_OLD[i] = 0x80000000;
        }
    }

    /**
     * Column sums row by row (out[j] + m[0, j] + m[1, j] + …, the plain kernel's order): four
     * column vectors at a time, so four independent chains of adds run per row; a tail of
     * cols mod L columns as the last L columns of each row (see {@link #KEEP_NEW}).
     */
    @Override
    public void addColumnSums(int rows, int cols, float[] mat, int off, int ld, float[] out, int outOff) {
        int full = cols - cols % L;
        int j = 0;
        for (; j + 4 * L <= full; j += 4 * L) {
            int q = outOff + j;
            FloatVector a0 = FloatVector.fromArray(F, out, q);
            FloatVector a1 = FloatVector.fromArray(F, out, q + L);
            FloatVector a2 = FloatVector.fromArray(F, out, q + 2 * L);
            FloatVector a3 = FloatVector.fromArray(F, out, q + 3 * L);
            for (int i = 0, o = off + j; i < rows; i++, o += ld) {
                a0 = a0.add(FloatVector.fromArray(F, mat, o));
                a1 = a1.add(FloatVector.fromArray(F, mat, o + L));
                a2 = a2.add(FloatVector.fromArray(F, mat, o + 2 * L));
                a3 = a3.add(FloatVector.fromArray(F, mat, o + 3 * L));
            }
            a0.intoArray(out, q);
            a1.intoArray(out, q + L);
            a2.intoArray(out, q + 2 * L);
            a3.intoArray(out, q + 3 * L);
        }
        for (; j < full; j += L) {
            FloatVector acc = FloatVector.fromArray(F, out, outOff + j);
            for (int i = 0, o = off + j; i < rows; i++, o += ld) {
                acc = acc.add(FloatVector.fromArray(F, mat, o));
            }
            acc.intoArray(out, outOff + j);
        }
        if (full == cols) {
            return;
        }
        if (cols >= L) {
            int w = cols - full, t = cols - L;
            IntVector keep = IntVector.fromArray(I, KEEP_NEW, w), negZero = IntVector.fromArray(I, NEG_ZERO_OLD, w);
            FloatVector acc = FloatVector.fromArray(F, out, outOff + t);
            for (int i = 0, o = off + t; i < rows; i++, o += ld) {
                acc = acc.add(FloatVector.fromArray(F, mat, o).reinterpretAsInts().and(keep).or(negZero)
                        .reinterpretAsFloats());
            }
            acc.intoArray(out, outOff + t);
        } else {
            for (int i = 0, o = off; i < rows; i++, o += ld) {
                for (int c = full; c < cols; c++) {
                    out[outOff + c] += mat[o + c];
                }
            }
        }
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
        if (i + L <= n) {
            acc0 = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), acc0);
            i += L;
        }
        FloatVector sum = acc0.add(acc1);
        if (L >= 16) {
            sum = sum.add(sum.rearrange(ROT8));
        }
        if (L >= 8) {
            sum = sum.add(sum.rearrange(ROT4));
        }
        sum = sum.add(sum.rearrange(ROT2));
        sum = sum.add(sum.rearrange(ROT1));
        float total = sum.lane(0);
        for (; i < n; i++) {
            total = Math.fma(x[xOff + i], y[yOff + i], total);
        }
        return total;
    }
}
