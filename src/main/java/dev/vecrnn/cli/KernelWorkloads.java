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

    /**
     * Successive steps of a kernel workload start at successive offsets 0 .. ROTATION − 1 of their
     * arrays: 16 floats are 64 bytes, so every alignment to a cache line is measured equally. A heap
     * array's start relative to a cache line changes from one JVM to the next, and one fixed
     * alignment moved exp-4096 between 6.7 and 8.8 elements/ns from run to run (Zen 5, 512 bits),
     * while its JDK reference, on other arrays, did not: the ratio between them was luck.
     */
    private static final int ROTATION = 16;

    interface ArrayKernel {
        void apply(float[] x, float[] y, int off);
    }

    private static void elementwise(BenchRunner r, String name, ArrayKernel k) {
        if (!r.options().selected(name)) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(42);
        float[] x = new float[N + ROTATION];
        float[] y = new float[N + ROTATION];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 20 - 10);
        }
        int[] step = {0};
        BenchRunner.Timing t = r.time(name, () -> k.apply(x, y, step[0]++ % ROTATION));
        sink += y[N / 2];
        r.addRate(name, "elements_per_ns", "elements/ns", t, N, 1, 1);
    }

    static void run(BenchRunner r) {
        if (r.options().selected("fma-peak") && Baselines.available()) {
            long iters = 20_000;
            BenchRunner.Timing t = r.time("fma-peak", () -> sink += Baselines.fmaChains(iters));
            r.addRate("fma-peak", "gflops", "GFLOPS", t, (double) iters * Baselines.fmaFlopsPerIteration(), 1, 1);
        }
        elementwise(r, "exp-4096", (x, y, o) -> Activation.exp(x, o, y, o, N));
        elementwise(r, "sigmoid-4096", (x, y, o) -> Activation.sigmoid(x, o, y, o, N));
        elementwise(r, "tanh-4096", (x, y, o) -> Activation.tanh(x, o, y, o, N));
        if (Baselines.available()) {
            elementwise(r, "exp-4096-jdk", (x, y, o) -> Baselines.jdkExp(x, y, o, N));
            elementwise(r, "sigmoid-4096-jdk", (x, y, o) -> Baselines.jdkSigmoid(x, y, o, N));
            elementwise(r, "tanh-4096-jdk", (x, y, o) -> Baselines.jdkTanh(x, y, o, N));
        }
        elementwise(r, "exp-4096-scalar", (x, y, o) -> {
            for (int i = o; i < o + N; i++) {
                y[i] = (float) Math.exp(x[i]);
            }
        });
        softmaxXent(r, 32, 10_000);
        softmaxXent(r, 320, 127);
    }

    /**
     * softmax-xent-RxC: the fused softmax + cross-entropy + gradient over R rows of C logits. 32 ×
     * 10,000 is a language model's output; 320 × 127 a tagger shard's (E2: 16 sentences of 20 words,
     * 127 labels), whose rows end in a partial vector at either width.
     */
    private static void softmaxXent(BenchRunner r, int rows, int cols) {
        String sx = "softmax-xent-" + rows + "x" + cols;
        if (r.options().selected(sx)) {
            float[] logits = new float[rows * cols + ROTATION];
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
            int[] step = {0};
            BenchRunner.Timing t = r.time(sx, () -> sink += (float) Softmax.softmaxCrossEntropy(
                    rows, cols, logits, step[0]++ % ROTATION, cols, targets, 0, 1f / rows));
            r.addRate(sx, "elements_per_ns", "elements/ns", t, (double) rows * cols, 1, 1);
            r.addAlloc(sx, t, 1);
        }
    }
}
