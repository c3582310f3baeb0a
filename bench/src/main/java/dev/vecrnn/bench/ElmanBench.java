package dev.vecrnn.bench;

import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.nn.DenseElman;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.StreamingTagger;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Elman workloads of BENCHMARKS.md, one thread (E2 also on two):
 * <ul>
 *   <li>{@code e1Train}, {@code e2Train}: tokens/s of a train step (forward + BPTT + SGD + embedding
 *       normalisation) on the E1 shape (ne 572, de 50, cs 7, nh 200, nc 127, T 20), B = 1 and B = 32
 *       (ops/s = tokens/s through {@code @OperationsPerInvocation}); {@code e2Train} with the
 *       {@code threads} param 1 and 2 (the pool size, set in its setup);</li>
 *   <li>{@code e1Infer}: tokens/s of {@code tag()} on one 20-word sentence;</li>
 *   <li>{@code r1Step}: µs per step of {@link DenseElman.Stepper} at 256 in, 256 hidden, 128 softmax
 *       out (sample mode: read p50 and p99);</li>
 *   <li>{@code r1wWord}: µs per word of the streaming tagger on the E1 shape, with and without the
 *       precomputed window projections ({@code precomputed} param).</li>
 * </ul>
 * Word ids and labels are uniform from a fixed seed (speed, not learning). Apart from
 * {@code e2Train}'s param, everything runs on one thread ({@code -Dvecrnn.threads=1}).
 * {@code r1wWord} finishes the sentence every 20 words, so one sample in 20 also flushes the last
 * 3 labels: read its p50.
 *
 * <pre>
 * mvn -q -DskipTests install && (cd bench && mvn -q package)
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ElmanBench -wi 3 -i 5 -f 1
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecrnn.threads=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ElmanBench {
    static final int NE = 572, NC = 127, DE = 50, CS = 7, NH = 200, T = 20;
    static final float LR = 0.0970806646812754f;

    static int[][] randomSentences(SplittableRandom rnd, int count, int bound) {
        int[][] s = new int[count][T];
        for (int[] row : s) {
            for (int t = 0; t < T; t++) {
                row[t] = rnd.nextInt(bound);
            }
        }
        return s;
    }

    @State(Scope.Thread)
    public static class Tagger {
        ElmanTagger model;
        int[][] words1, labels1;
        int[] out = new int[T];

        @Setup
        public void setup() {
            model = new ElmanTagger(new ElmanConfig(NE, NC, DE, CS, NH), 345);
            SplittableRandom rnd = new SplittableRandom(2024);
            words1 = randomSentences(rnd, 1, NE);
            labels1 = randomSentences(rnd, 1, NC);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(T)
    public double e1Train(Tagger s) {
        return s.model.trainStep(s.words1, s.labels1, 0, 1, LR);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(T)
    public int[] e1Infer(Tagger s) {
        s.model.tag(s.words1[0], s.out);
        return s.out;
    }

    /** E2 on 1 or 2 threads: the batch's two shards of 16 sentences run on the pool's threads. */
    @State(Scope.Thread)
    public static class Batch {
        @Param({"1", "2"})
        public int threads;
        ElmanTagger model;
        int[][] words32, labels32;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            model = new ElmanTagger(new ElmanConfig(NE, NC, DE, CS, NH), 345);
            SplittableRandom rnd = new SplittableRandom(2024);
            randomSentences(rnd, 1, NE);
            randomSentences(rnd, 1, NC);
            words32 = randomSentences(rnd, 32, NE);
            labels32 = randomSentences(rnd, 32, NC);
        }

        @TearDown
        public void tearDown() {
            Parallel.setThreads(1);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(32 * T)
    public double e2Train(Batch s) {
        return s.model.trainStep(s.words32, s.labels32, 0, 32, LR);
    }

    @State(Scope.Thread)
    public static class Dense {
        DenseElman.Stepper stepper;
        float[][] inputs = new float[64][256];
        float[] probs = new float[128];
        int i;

        @Setup
        public void setup() {
            stepper = new DenseElman(256, 256, 128, 345).newStepper();
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
    public float[] r1Step(Dense s) {
        s.stepper.step(s.inputs[s.i++ & 63], s.probs);
        return s.probs;
    }

    @State(Scope.Thread)
    public static class Stream {
        @Param({"true", "false"})
        boolean precomputed;
        StreamingTagger tagger;
        int[] words;
        int[] flush = new int[CS];
        int i;

        @Setup
        public void setup() {
            ElmanTagger model = new ElmanTagger(new ElmanConfig(NE, NC, DE, CS, NH), 345);
            tagger = model.newStreamingTagger(precomputed);
            words = randomSentences(new SplittableRandom(3), 1, NE)[0];
        }
    }

    /** One word pushed; every T words the sentence is finished (its lag flushed), as a stream of sentences. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void r1wWord(Stream s, Blackhole bh) {
        bh.consume(s.tagger.push(s.words[s.i]));
        if (++s.i == T) {
            s.i = 0;
            bh.consume(s.tagger.finish(s.flush, 0));
        }
    }
}
