package dev.vecrnn.cli;

import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.ScrnStepper;
import dev.vecrnn.nn.WordClasses;

import java.util.SplittableRandom;

/**
 * The language-model workloads of {@code vecrnn bench} (../shared/BENCHMARKS.md): S1 (SCRN 100 + 40
 * units), S2 (300 + 40) and L1 (Elman, 100) over 10,000 words with the full softmax, B = 32 streams,
 * T = 35 steps; a training step is forward + backward through the segment + clipping + SGD, with the
 * state carried from segment to segment. S1 infer is the forward and loss alone; R2 one step of a dense
 * SCRN (256 in, 256 hidden, 64 context, 128-way softmax); S1h and L1h are S1 and L1 with a
 * hierarchical softmax over a Huffman tree of Zipf-shaped counts, S1c and L1c with a class softmax over
 * the classes of the same counts (round(√V) = 100 at most). Word ids are uniform from a fixed seed.
 */
final class LanguageModelWorkloads {
    private LanguageModelWorkloads() {}

    static final int V = 10_000, B = 32, T = 35;
    private static final int SEGMENTS = 8;
    private static final float LR = 0.1f, CLIP = 5f;

    static void run(BenchRunner r, int threads) {
        int[][] inputs = new int[SEGMENTS][];
        int[][] targets = new int[SEGMENTS][];
        SplittableRandom rnd = new SplittableRandom(345);
        for (int i = 0; i < SEGMENTS; i++) {
            inputs[i] = new int[B * T];
            targets[i] = new int[B * T];
            for (int j = 0; j < B * T; j++) {
                inputs[i][j] = rnd.nextInt(V);
                targets[i][j] = rnd.nextInt(V);
            }
        }
        // with --threads N > 1, each at one thread and then at N in the same run
        if (r.options().selected("S1")) {
            ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "S1", scrn(100), inputs, targets, t));
            ModelWorkloads.atOneAndNThreads(threads, t -> infer(r, "S1", scrn(100), inputs, targets, t));
        }
        if (r.options().selected("S2")) {
            ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "S2", scrn(300), inputs, targets, t));
        }
        if (r.options().selected("L1")) {
            ModelWorkloads.atOneAndNThreads(threads,
                    t -> train(r, "L1", new ElmanLanguageModel(V, 100, 345), inputs, targets, t));
        }
        Gemm.setThreads(threads);
        if (r.options().selected("S1h") || r.options().selected("L1h")) {
            long[] counts = zipfCounts();
            HuffmanTree tree = new HuffmanTree(counts);
            if (r.options().selected("S1h")) {
                ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "S1h",
                        new ScrnNetwork(ScrnConfig.languageModel(V, 100, 40, RateMode.VECTOR), 345, tree), inputs, targets, t));
            }
            if (r.options().selected("L1h")) {
                ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "L1h",
                        new ElmanLanguageModel(V, 100, 345, tree), inputs, targets, t));
            }
        }
        Gemm.setThreads(threads);
        if (r.options().selected("S1c") || r.options().selected("L1c")) {
            WordClasses classes = WordClasses.byFrequency(zipfCounts());
            if (r.options().selected("S1c")) {
                ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "S1c",
                        new ScrnNetwork(ScrnConfig.languageModel(V, 100, 40, RateMode.VECTOR), 345, classes), inputs,
                        targets, t));
            }
            if (r.options().selected("L1c")) {
                ModelWorkloads.atOneAndNThreads(threads, t -> train(r, "L1c",
                        new ElmanLanguageModel(V, 100, 345, classes), inputs, targets, t));
            }
        }
        Gemm.setThreads(threads);
        if (r.options().selected("R2")) {
            ScrnNetwork cell = new ScrnNetwork(new ScrnConfig(256, 256, 64, 128, RateMode.VECTOR, 0.95f,
                    OutputActivation.SOFTMAX), 345);
            ScrnStepper s = cell.newStepper();
            float[][] rows = new float[64][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = ModelWorkloads.random(rnd, 256);
            }
            float[] probs = new float[128];
            int[] next = {0};
            BenchRunner.Timing t = r.timeEachStep("R2 step", () -> {
                s.step(rows[next[0]], probs);
                next[0] = (next[0] + 1) % rows.length;
            }, 20_000);
            ModelWorkloads.latency(r, "R2", t, threads);
        }
    }

    /** Word counts that fall off as 1/rank (Zipf), the shape of real text, for the tree and classes of S1h … L1c. */
    private static long[] zipfCounts() {
        long[] c = new long[V];
        for (int i = 0; i < V; i++) {
            c[i] = Math.max(1, 1_000_000L / (i + 1));
        }
        return c;
    }

    private static ScrnNetwork scrn(int hidden) {
        return new ScrnNetwork(ScrnConfig.languageModel(V, hidden, 40, RateMode.VECTOR), 345);
    }

    private static void train(BenchRunner r, String name, LanguageModel m, int[][] inputs, int[][] targets, int threads) {
        RecurrentState state = m.newState(B);
        int[] next = {0};
        BenchRunner.Timing t = r.time(name + " train", () -> {
            int i = next[0];
            m.computeGradients(state, T, inputs[i], targets[i]);
            m.clipGradients(CLIP);
            m.applySgd(LR);
            next[0] = (i + 1) % inputs.length;
        });
        r.addRate(name, "train_tokens_per_s", "tokens/s", t, (double) B * T, 1e9, threads);
        r.addAlloc(name, t, threads);
    }

    private static void infer(BenchRunner r, String name, LanguageModel m, int[][] inputs, int[][] targets, int threads) {
        RecurrentState state = m.newState(B);
        int[] next = {0};
        BenchRunner.Timing t = r.time(name + " infer", () -> {
            int i = next[0];
            m.loss(state, T, inputs[i], targets[i]);
            next[0] = (i + 1) % inputs.length;
        });
        r.addRate(name, "infer_tokens_per_s", "tokens/s", t, (double) B * T, 1e9, threads);
        r.addAlloc(name, t, threads);
    }
}
