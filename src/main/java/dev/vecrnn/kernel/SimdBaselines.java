package dev.vecrnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API side of {@link Baselines}, at the kernels' width. */
final class SimdBaselines implements Baselines.Impl {
    private static final VectorSpecies<Float> F = SimdSpecies.FLOATS;
    private static final int L = F.length();
    private static final int CHAINS = 12;

    @Override
    public void jdkExp(float[] x, float[] y, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).lanewise(VectorOperators.EXP).intoArray(y, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector.fromArray(F, x, off + i, m).lanewise(VectorOperators.EXP).intoArray(y, off + i, m);
        }
    }

    @Override
    public void jdkSigmoid(float[] x, float[] y, int off, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, off + i).neg().lanewise(VectorOperators.EXP);
            one.div(e.add(one)).intoArray(y, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector e = FloatVector.fromArray(F, x, off + i, m).neg().lanewise(VectorOperators.EXP);
            one.div(e.add(one)).intoArray(y, off + i, m);
        }
    }

    @Override
    public void jdkTanh(float[] x, float[] y, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).lanewise(VectorOperators.TANH).intoArray(y, off + i);
        }
        if (i < n) {
            VectorMask<Float> m = VectorMask.fromLong(F, SimdSpecies.lanesBelow(n - i));
            FloatVector.fromArray(F, x, off + i, m).lanewise(VectorOperators.TANH).intoArray(y, off + i, m);
        }
    }

    @Override
    public float fmaChains(long iterations) {
        FloatVector a = FloatVector.broadcast(F, 0.999999f);
        FloatVector b = FloatVector.broadcast(F, 1e-7f);
        // Distinct starting values, so the compiler cannot merge the chains.
        FloatVector c0 = FloatVector.broadcast(F, 1.00f), c1 = FloatVector.broadcast(F, 1.01f);
        FloatVector c2 = FloatVector.broadcast(F, 1.02f), c3 = FloatVector.broadcast(F, 1.03f);
        FloatVector c4 = FloatVector.broadcast(F, 1.04f), c5 = FloatVector.broadcast(F, 1.05f);
        FloatVector c6 = FloatVector.broadcast(F, 1.06f), c7 = FloatVector.broadcast(F, 1.07f);
        FloatVector c8 = FloatVector.broadcast(F, 1.08f), c9 = FloatVector.broadcast(F, 1.09f);
        FloatVector c10 = FloatVector.broadcast(F, 1.10f), c11 = FloatVector.broadcast(F, 1.11f);
        for (long it = 0; it < iterations; it++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Override
    public int fmaFlopsPerIteration() {
        return 2 * L * CHAINS;
    }
}
