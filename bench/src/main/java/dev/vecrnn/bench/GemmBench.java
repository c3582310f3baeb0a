package dev.vecrnn.bench;

import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.PackedMatrix;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SGEMM C = A·B (row-major, no transpose, β = 0) on the shapes of {@code vecrnn bench gemm}:
 * square n = 128 .. 1024 and the M×K×N products of the recurrent networks.
 *
 * <p>Scores are microseconds per product; GFLOPS = 2·M·N·K / (µs · 1000). {@code sgemm} packs B on
 * every call (the general case); {@code sgemmPacked} uses a B packed once ({@link PackedMatrix}),
 * as a recurrent layer does with W_hh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    /** M x K x N. */
    @Param({"128x128x128", "256x256x256", "512x512x512", "1024x1024x1024",
            "32x256x256", "64x512x512", "1x256x256", "700x100x10000"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private float[] a, b, c;
    private PackedMatrix packed;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        Random rnd = new Random(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextFloat() - 0.5f;
        }
        packed = PackedMatrix.pack(false, k, n, b, 0, n);
        Gemm.setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Gemm.setThreads(1);
    }

    @Benchmark
    public void sgemm(Blackhole bh) {
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        bh.consume(c);
    }

    @Benchmark
    public void sgemmPacked(Blackhole bh) {
        Gemm.sgemm(false, m, 1f, a, 0, k, packed, 0f, c, 0, n);
        bh.consume(c);
    }
}
