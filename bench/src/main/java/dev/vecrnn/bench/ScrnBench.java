package dev.vecrnn.bench;

import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.ScrnStepper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The language-model workloads of BENCHMARKS.md over 10,000 words with the full softmax, B = 32
 * streams, T = 35 steps (ops/s = tokens/s through {@code @OperationsPerInvocation}):
 * <ul>
 *   <li>{@code train}: a training step (forward, BPTT through the segment, clipping at 5, SGD) of
 *       {@code model} S1 (SCRN 100 hidden + 40 context), S2 (300 + 40) or L1 (Elman, 100 hidden), with
 *       the {@code threads} param 1 and 2 (the pool size, set in its setup; shards of 16 streams);</li>
 *   <li>{@code s1Infer}: the forward pass and loss of S1, one thread;</li>
 *   <li>{@code r2Step}: µs per step of {@link ScrnStepper} at 256 in, 256 hidden, 64 context, 128-way
 *       softmax (sample mode: read p50 and p99).</li>
 * </ul>
 * Word ids are uniform from a fixed seed (speed, not learning); the state is carried from segment to
 * segment as in training.
 *
 * <pre>
 * ./vecrnn jmh ScrnBench -wi 3 -i 5 -f 1
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecrnn.threads=1"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class ScrnBench {
    static final int V = 10_000, B = 32, T = 35, SEGMENTS = 8;

    static int[][] segments(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] s = new int[SEGMENTS][B * T];
        for (int[] seg : s) {
            for (int i = 0; i < seg.length; i++) {
                seg[i] = rnd.nextInt(V);
            }
        }
        return s;
    }

    static LanguageModel model(String name) {
        return switch (name) {
            case "S1" -> new ScrnNetwork(ScrnConfig.languageModel(V, 100, 40, RateMode.VECTOR), 345);
            case "S2" -> new ScrnNetwork(ScrnConfig.languageModel(V, 300, 40, RateMode.VECTOR), 345);
            case "L1" -> new ElmanLanguageModel(V, 100, 345);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @State(Scope.Thread)
    public static class Training {
        @Param({"S1", "S2", "L1"})
        public String model;
        @Param({"1", "2"})
        public int threads;
        LanguageModel lm;
        RecurrentState state;
        int[][] inputs, targets;
        int next;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            lm = model(model);
            state = lm.newState(B);
            inputs = segments(1);
            targets = segments(2);
        }

        @TearDown
        public void tearDown() {
            Parallel.setThreads(1);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(B * T)
    public double train(Training s) {
        int i = s.next;
        s.next = (i + 1) % SEGMENTS;
        double loss = s.lm.computeGradients(s.state, T, s.inputs[i], s.targets[i]);
        s.lm.clipGradients(5f);
        s.lm.applySgd(0.1f);
        return loss;
    }

    @State(Scope.Thread)
    public static class Inference {
        LanguageModel lm;
        RecurrentState state;
        int[][] inputs, targets;
        int next;

        @Setup
        public void setup() {
            lm = model("S1");
            state = lm.newState(B);
            inputs = segments(1);
            targets = segments(2);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(B * T)
    public double s1Infer(Inference s) {
        int i = s.next;
        s.next = (i + 1) % SEGMENTS;
        return s.lm.loss(s.state, T, s.inputs[i], s.targets[i]);
    }

    @State(Scope.Thread)
    public static class Stream {
        ScrnStepper stepper;
        float[][] inputs = new float[64][256];
        float[] probs = new float[128];
        int i;

        @Setup
        public void setup() {
            stepper = new ScrnNetwork(new ScrnConfig(256, 256, 64, 128, RateMode.VECTOR, 0.95f,
                    OutputActivation.SOFTMAX), 345).newStepper();
            SplittableRandom rnd = new SplittableRandom(7);
            for (float[] x : inputs) {
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) (2 * rnd.nextDouble() - 1);
                }
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] r2Step(Stream s) {
        s.stepper.step(s.inputs[s.i++ & 63], s.probs);
        return s.probs;
    }
}
