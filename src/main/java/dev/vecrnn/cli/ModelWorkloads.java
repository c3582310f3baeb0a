package dev.vecrnn.cli;

import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.nn.DenseElman;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.StreamingTagger;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The GEMM and network workloads of {@code vecrnn bench} (../shared/BENCHMARKS.md): square and
 * RNN-shaped products, and the Elman workloads E1, E2, R1 and R1w on synthetic data from a fixed seed.
 */
final class ModelWorkloads {
    private ModelWorkloads() {}

    /** M × K × N of the gemm workloads: the squares, then the shapes of the RNN passes. */
    private static final int[][] GEMM_SHAPES = {
        {128, 128, 128}, {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024},
        {32, 256, 256}, {64, 512, 512}, {1, 256, 256}, {700, 100, 10000},
    };

    static void run(BenchRunner r) {
        int threads = r.options().threads();
        try {
            for (int[] s : GEMM_SHAPES) {
                atOneAndNThreads(threads, t -> gemm(r, s[0], s[1], s[2], t));
            }
            Gemm.setThreads(threads);
            elman(r, threads);
            LanguageModelWorkloads.run(r, threads);
        } finally {
            Gemm.setThreads(1);
        }
    }

    /**
     * Runs a workload that can use threads: with --threads N > 1, first on one thread and then on N
     * in the same process, so the scaling is a ratio of two figures from one run.
     */
    static void atOneAndNThreads(int threads, IntConsumer workload) {
        if (threads > 1) {
            Gemm.setThreads(1);
            workload.accept(1);
        }
        Gemm.setThreads(threads);
        workload.accept(threads);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void gemm(BenchRunner r, int m, int k, int n, int threads) {
        String name = m == k && k == n ? "gemm-" + m : "gemm-" + m + "x" + k + "x" + n;
        if (!r.options().selected(name)) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] c = new float[m * n];
        BenchRunner.Timing t = r.time(name, () -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
        r.addRate(name, "gflops", "GFLOPS", t, 2.0 * m * n * k, 1, threads);
        r.addAlloc(name, t, threads);
    }

    /** The E1 shape: ATIS-like, 572 words, 127 tags, de 50, window 7, 200 hidden, sentences of 20. */
    private static final ElmanConfig E_SHAPE = new ElmanConfig(572, 127, 50, 7, 200);
    private static final int T = 20;

    private static int[][] sentences(SplittableRandom rnd, int count, int bound) {
        int[][] s = new int[count][T];
        for (int[] row : s) {
            for (int t = 0; t < T; t++) {
                row[t] = rnd.nextInt(bound);
            }
        }
        return s;
    }

    private static void elman(BenchRunner r, int threads) {
        SplittableRandom rnd = new SplittableRandom(345);
        int pool = 64;
        int[][] words = sentences(rnd, pool, E_SHAPE.vocabularySize());
        int[][] labels = sentences(rnd, pool, E_SHAPE.numLabels());
        float lr = 0.01f;
        if (r.options().selected("E1")) {
            ElmanTagger m = new ElmanTagger(E_SHAPE, 345);
            int[] next = {0};
            BenchRunner.Timing t = r.time("E1 train", () -> {
                m.trainStep(words, labels, next[0], 1, lr);
                next[0] = (next[0] + 1) % pool;
            });
            r.addRate("E1", "train_tokens_per_s", "tokens/s", t, T, 1e9, threads);
            r.addAlloc("E1", t, threads);
            int[] out = new int[T];
            BenchRunner.Timing ti = r.time("E1 infer", () -> {
                m.tag(words[next[0]], out);
                next[0] = (next[0] + 1) % pool;
            });
            r.addRate("E1", "infer_tokens_per_s", "tokens/s", ti, T, 1e9, threads);
            r.addAlloc("E1", ti, threads);
        }
        if (r.options().selected("E2")) {
            atOneAndNThreads(threads, t -> e2(r, words, labels, pool, lr, t));
            Gemm.setThreads(threads);
        }
        if (r.options().selected("R1")) {
            DenseElman cell = new DenseElman(256, 256, 128, 345);
            DenseElman.Stepper s = cell.newStepper();
            float[][] inputs = new float[pool][];
            for (int i = 0; i < pool; i++) {
                inputs[i] = random(rnd, 256);
            }
            float[] probs = new float[128];
            int[] next = {0};
            BenchRunner.Timing t = r.timeEachStep("R1 step", () -> {
                s.step(inputs[next[0]], probs);
                next[0] = (next[0] + 1) % pool;
            }, 20_000);
            latency(r, "R1", t, threads);
        }
        if (r.options().selected("R1w")) {
            ElmanTagger m = new ElmanTagger(E_SHAPE, 345);
            StreamingTagger st = m.newStreamingTagger();
            int[] flushed = new int[E_SHAPE.windowSize()];
            int[] pos = {0};
            // One step = one word pushed; every 64 words the sentence ends and the tagger flushes.
            BenchRunner.Timing t = r.timeEachStep("R1w word", () -> {
                int p = pos[0]++;
                st.push(words[(p / T) % pool][p % T]);
                if (p % 64 == 63) {
                    st.finish(flushed, 0);
                }
            }, 20_000);
            latency(r, "R1w", t, threads);
        }
    }

    /** E2: batches of 32 sentences, training steps (the batch's shards run on the pool's threads). */
    private static void e2(BenchRunner r, int[][] words, int[][] labels, int pool, float lr, int threads) {
        ElmanTagger m = new ElmanTagger(E_SHAPE, 345);
        int batch = 32;
        int[] next = {0};
        BenchRunner.Timing t = r.time("E2 train", () -> {
            m.trainStep(words, labels, next[0], batch, lr);
            next[0] = (next[0] + batch) % pool;
        });
        r.addRate("E2", "train_tokens_per_s", "tokens/s", t, (double) batch * T, 1e9, threads);
        r.addAlloc("E2", t, threads);
    }

    static void latency(BenchRunner r, String name, BenchRunner.Timing t, int threads) {
        r.add(new BenchRunner.Result(name, "step_us_p50", t.median() / 1e3, t.min() / 1e3, t.max() / 1e3, "us", threads, t.steps()));
        r.add(new BenchRunner.Result(name, "step_us_p99", t.percentile(99) / 1e3, t.min() / 1e3, t.max() / 1e3, "us", threads, t.steps()));
        r.addAlloc(name, t, threads);
    }
}
