package dev.vecrnn.cli;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Baselines;
import dev.vecrnn.kernel.Softmax;
import java.util.SplittableRandom;

/**
 * The kernel workloads of {@code vecrnn bench} (../shared/BENCHMARKS.md): the elementwise and
 * softmax kernels, and the references that make each figure a ratio measured in the same run —
 * {@code fma-peak}, the JDK's {@code VectorOperators} versions ({@code *-jdk}) and a {@code Math.exp} loop.
 */
final class KernelWorkloads {
    private KernelWorkloads() {}

    private static final int N = 4096;

    /** Sink for results, so the JIT cannot drop a workload. */
    static volatile float sink;

    interface ArrayKernel {
        void apply(float[] x, float[] y);
    }

    private static void elementwise(BenchRunner r, String name, ArrayKernel k) {
        if (!r.options().selected(name)) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(42);
        float[] x = new float[N];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (rnd.nextDouble() * 20 - 10);
        }
        BenchRunner.Timing t = r.time(name, () -> k.apply(x, y));
        sink += y[N / 2];
        r.addRate(name, "elements_per_ns", "elements/ns", t, N, 1, 1);
    }

    static void run(BenchRunner r) {
        if (r.options().selected("fma-peak") && Baselines.available()) {
            long iters = 20_000;
            BenchRunner.Timing t = r.time("fma-peak", () -> sink += Baselines.fmaChains(iters));
            r.addRate("fma-peak", "gflops", "GFLOPS", t, (double) iters * Baselines.fmaFlopsPerIteration(), 1, 1);
        }
        elementwise(r, "exp-4096", (x, y) -> Activation.exp(x, 0, y, 0, N));
        elementwise(r, "sigmoid-4096", (x, y) -> Activation.sigmoid(x, 0, y, 0, N));
        elementwise(r, "tanh-4096", (x, y) -> Activation.tanh(x, 0, y, 0, N));
        if (Baselines.available()) {
            elementwise(r, "exp-4096-jdk", (x, y) -> Baselines.jdkExp(x, y, N));
            elementwise(r, "sigmoid-4096-jdk", (x, y) -> Baselines.jdkSigmoid(x, y, N));
            elementwise(r, "tanh-4096-jdk", (x, y) -> Baselines.jdkTanh(x, y, N));
        }
        elementwise(r, "exp-4096-scalar", (x, y) -> {
            for (int i = 0; i < N; i++) {
                y[i] = (float) Math.exp(x[i]);
            }
        });
        String sx = "softmax-xent-32x10000";
        if (r.options().selected(sx)) {
            int rows = 32, cols = 10_000;
            float[] logits = new float[rows * cols];
            int[] targets = new int[rows];
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (rnd.nextDouble() * 8 - 4);
            }
            for (int i = 0; i < rows; i++) {
                targets[i] = rnd.nextInt(cols);
            }
            // The gradient the kernel writes back is itself a valid (finite) input: every step does
            // the same work without restoring the logits.
            BenchRunner.Timing t = r.time(sx, () -> sink += (float) Softmax.softmaxCrossEntropy(
                    rows, cols, logits, 0, cols, targets, 0, 1f / rows));
            r.addRate(sx, "elements_per_ns", "elements/ns", t, (double) rows * cols, 1, 1);
            r.addAlloc(sx, t, 1);
        }
    }
}
