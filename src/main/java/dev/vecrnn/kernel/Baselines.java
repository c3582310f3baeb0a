package dev.vecrnn.kernel;

/**
 * Reference workloads for benchmarks, so every figure can be read as a ratio measured in the same
 * run: the FMA peak of one thread through the Vector API, and exp / sigmoid / tanh through the
 * JDK's own {@code VectorOperators.EXP}/{@code TANH} (fast only where the JDK finds its bundled SVML
 * library). Not used by the library itself. Available only when SIMD is active.
 */
public final class Baselines {
    /** The Vector API side, loaded only when the module is present. */
    interface Impl {
        void jdkExp(float[] x, float[] y, int off, int n);

        void jdkSigmoid(float[] x, float[] y, int off, int n);

        void jdkTanh(float[] x, float[] y, int off, int n);

        float fmaChains(long iterations);

        int fmaFlopsPerIteration();
    }

    private static final Impl IMPL = load();

    private static Impl load() {
        return Vectorization.simdActive() ? Vectorization.simdInstance("SimdBaselines", Impl.class) : null;
    }

    private Baselines() {}

    /** True when the Vector API baselines can run. */
    public static boolean available() {
        return IMPL != null;
    }

    private static Impl impl() {
        if (IMPL == null) {
            throw new IllegalStateException("SIMD baselines need the Vector API: " + Vectorization.disabledReason());
        }
        return IMPL;
    }

    /** y[off..off+n) = e^x[off..off+n) through {@code VectorOperators.EXP}. */
    public static void jdkExp(float[] x, float[] y, int off, int n) {
        Checks.vector("x", x, off, n);
        Checks.vector("y", y, off, n);
        impl().jdkExp(x, y, off, n);
    }

    /** y = 1 / (1 + e^−x) through {@code VectorOperators.EXP}, elements [off, off+n). */
    public static void jdkSigmoid(float[] x, float[] y, int off, int n) {
        Checks.vector("x", x, off, n);
        Checks.vector("y", y, off, n);
        impl().jdkSigmoid(x, y, off, n);
    }

    /** y = tanh(x) through {@code VectorOperators.TANH}, elements [off, off+n). */
    public static void jdkTanh(float[] x, float[] y, int off, int n) {
        Checks.vector("x", x, off, n);
        Checks.vector("y", y, off, n);
        impl().jdkTanh(x, y, off, n);
    }

    /**
     * Runs independent FMA chains held in registers for the given number of iterations and returns a
     * value depending on all of them (so nothing is optimised away); each iteration does
     * {@link #fmaFlopsPerIteration()} floating-point operations.
     */
    public static float fmaChains(long iterations) {
        return impl().fmaChains(iterations);
    }

    /** Flops per iteration of {@link #fmaChains}: 2 × lanes × chains. */
    public static int fmaFlopsPerIteration() {
        return impl().fmaFlopsPerIteration();
    }
}
