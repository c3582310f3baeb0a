package dev.vecrnn.bench;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Baselines;
import dev.vecrnn.kernel.Softmax;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Elementwise kernels: SIMD (whatever {@code -Dvecrnn.vectorBits} / {@code -Dvecrnn.simd} select in the
 * fork) against the JDK's {@code VectorOperators} and a {@code Math.exp} loop. Scores are ns per
 * call: elements/ns = size / score. The softmax benchmark counts elements (32 × 10,000 per call), so
 * its score is ns per element.
 *
 * <pre>./vecrnn jmh ElementwiseBench -p size=4096
 * ./vecrnn jmh ElementwiseBench -jvmArgsPrepend -Dvecrnn.vectorBits=256</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBench {
    @Param({"256", "4096", "1048576"})
    int size;

    float[] x;
    float[] y;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        x = new float[size];
        y = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 20 - 10);
        }
    }

    @Benchmark
    public float exp() {
        Activation.exp(x, 0, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float sigmoid() {
        Activation.sigmoid(x, 0, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float tanh() {
        Activation.tanh(x, 0, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float expJdk() {
        Baselines.jdkExp(x, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float sigmoidJdk() {
        Baselines.jdkSigmoid(x, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float tanhJdk() {
        Baselines.jdkTanh(x, y, 0, size);
        return y[size - 1];
    }

    @Benchmark
    public float expMathLoop() {
        for (int i = 0; i < size; i++) {
            y[i] = (float) Math.exp(x[i]);
        }
        return y[size - 1];
    }

    /** Fused softmax + cross-entropy + gradient over 32 rows of 10,000 (size is ignored). */
    @State(Scope.Thread)
    public static class Logits {
        final int rows = 32;
        final int cols = 10_000;
        float[] z;
        int[] targets;

        @Setup
        public void setup() {
            SplittableRandom rnd = new SplittableRandom(7);
            z = new float[rows * cols];
            targets = new int[rows];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (rnd.nextDouble() * 8 - 4);
            }
            for (int i = 0; i < rows; i++) {
                targets[i] = rnd.nextInt(cols);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(320_000)
    public void softmaxXent32x10000(Logits l, Blackhole bh) {
        // the gradient written back is itself a valid input, so the logits need no restoring
        bh.consume(Softmax.softmaxCrossEntropy(l.rows, l.cols, l.z, 0, l.cols, l.targets, 0, 1f / l.rows));
    }
}
