package dev.vecrnn.cli;

import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.GemmBlocking;
import dev.vecrnn.kernel.HostCpu;
import dev.vecrnn.kernel.Vectorization;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times workloads for {@code vecrnn bench}: warm-up, then many timed samples of a step; reports the
 * median with min and max, and the bytes the measuring thread allocated per step in steady state.
 */
final class BenchRunner {
    /** What the user asked for. */
    record Options(boolean json, boolean quick, int threads, List<String> only) {
        boolean selected(String workload) {
            if (only.isEmpty()) {
                return true;
            }
            for (String o : only) {
                if (workload.equals(o) || workload.startsWith(o)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One line of output: the median of a metric over the timed samples, with its range. */
    record Result(String workload, String metric, double value, double min, double max, String unit,
                  int threads, long steps) {}

    /** Nanoseconds per step of each sample, and the allocation per step measured over all of them. */
    record Timing(double[] nsPerStep, double allocBytesPerStep, long steps) {
        double median() {
            return percentile(50);
        }

        double percentile(double p) {
            double[] s = nsPerStep.clone();
            Arrays.sort(s);
            int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, i))];
        }

        double min() {
            return Arrays.stream(nsPerStep).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(nsPerStep).max().orElse(Double.NaN);
        }
    }

    private final Options options;
    private final List<Result> results = new ArrayList<>();

    BenchRunner(Options options) {
        this.options = options;
    }

    Options options() {
        return options;
    }

    List<Result> results() {
        return results;
    }

    /**
     * Warms the step up, then takes samples of at least {@code minSampleNs} each (the number of steps
     * per sample is calibrated once), {@code samples} of them.
     */
    Timing time(String name, Runnable step) {
        int samples = options.quick ? 9 : 25;
        long minSampleNs = options.quick ? 2_000_000L : 5_000_000L;
        System.err.printf(Locale.ROOT, "bench: %s ...%n", name);
        warmUp(step);
        int perSample = stepsPerSample(step, minSampleNs);
        double[] ns = new double[samples];
        long alloc0 = allocatedBytes();
        for (int s = 0; s < samples; s++) {
            long a = System.nanoTime();
            for (int i = 0; i < perSample; i++) {
                step.run();
            }
            ns[s] = (double) (System.nanoTime() - a) / perSample;
        }
        long steps = (long) samples * perSample;
        long alloc1 = allocatedBytes();
        double allocPerStep = alloc0 < 0 ? Double.NaN : (double) (alloc1 - alloc0 - probeCost()) / steps;
        return new Timing(ns, allocPerStep, steps);
    }

    /** Doubles a batch of steps until it takes at least minSampleNs, now that the code is compiled. */
    private static int stepsPerSample(Runnable step, long minSampleNs) {
        int n = 1;
        while (n < 1_000_000) {
            long a = System.nanoTime();
            for (int i = 0; i < n; i++) {
                step.run();
            }
            if (System.nanoTime() - a >= minSampleNs) {
                break;
            }
            n *= 2;
        }
        return n;
    }

    /**
     * Runs the step in windows of 200 ms (quick: 100 ms) until the JIT has settled: at least 4 s
     * (quick: 1.5 s), and then until three windows in a row agree within 10 % (Vector API code runs
     * boxed, 10-100x slower, until C2 has compiled it), or 15 s (quick: 6 s).
     */
    private void warmUp(Runnable step) {
        long minNs = options.quick ? 1_500_000_000L : 4_000_000_000L;
        long maxNs = options.quick ? 6_000_000_000L : 15_000_000_000L;
        long windowNs = options.quick ? 100_000_000L : 200_000_000L;
        long start = System.nanoTime();
        double previous = Double.NaN;
        int agreeing = 0;
        while (true) {
            long w0 = System.nanoTime();
            long calls = 0;
            do {
                step.run();
                calls++;
            } while (System.nanoTime() - w0 < windowNs);
            long now = System.nanoTime();
            double perCall = (double) (now - w0) / calls;
            agreeing = Math.abs(perCall - previous) <= 0.1 * previous ? agreeing + 1 : 0;
            if (now - start >= maxNs || (now - start >= minNs && agreeing >= 2)) {
                return;
            }
            previous = perCall;
        }
    }

    /**
     * Times each step individually (for latency percentiles), after warm-up: {@code count} steps.
     */
    Timing timeEachStep(String name, Runnable step, int count) {
        System.err.printf(Locale.ROOT, "bench: %s ...%n", name);
        warmUp(step);
        int n = options.quick ? count / 4 : count;
        double[] ns = new double[n];
        long alloc0 = allocatedBytes();
        for (int s = 0; s < n; s++) {
            long a = System.nanoTime();
            step.run();
            ns[s] = System.nanoTime() - a;
        }
        long alloc1 = allocatedBytes();
        return new Timing(ns, alloc0 < 0 ? Double.NaN : (double) (alloc1 - alloc0 - probeCost()) / n, n);
    }

    /** Records a rate: {@code workPerStep / (ns per step) · factor}, median and range over the samples. */
    void addRate(String workload, String metric, String unit, Timing t, double workPerStep, double factor, int threads) {
        double med = workPerStep / t.median() * factor;
        double lo = workPerStep / t.max() * factor;
        double hi = workPerStep / t.min() * factor;
        results.add(new Result(workload, metric, med, lo, hi, unit, threads, t.steps()));
    }

    void add(Result r) {
        results.add(r);
    }

    /** Records the steady-state allocation per step of a timing. */
    void addAlloc(String workload, Timing t, int threads) {
        double a = t.allocBytesPerStep();
        if (!Double.isNaN(a)) {
            results.add(new Result(workload, "alloc_bytes_per_step", a, a, a, "bytes", threads, t.steps()));
        }
    }

    /** What one reading of the allocation counter itself allocates (read twice back to back). */
    private static long probeCost() {
        long a = allocatedBytes();
        long b = allocatedBytes();
        return Math.max(0, b - a);
    }

    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            if (!sun.isThreadAllocatedMemoryEnabled()) {
                sun.setThreadAllocatedMemoryEnabled(true);
            }
            return sun.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    void print(PrintStream out) {
        if (options.json) {
            for (Result r : results) {
                out.println(json(r));
            }
            return;
        }
        out.printf(Locale.ROOT, "%-26s %-22s %14s %14s %14s  %s%n", "workload", "metric", "median", "min", "max", "unit");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-26s %-22s %14s %14s %14s  %s%n", r.workload(), r.metric(),
                    fmt(r.value()), fmt(r.min()), fmt(r.max()), r.unit());
        }
        out.printf(Locale.ROOT, "threads %d, %s, JDK %s%n", options.threads, Vectorization.describe(), Runtime.version());
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * One record: the figure, then the host it was measured on (CPU model and family, cache sizes,
     * vector width, GEMM blocks), so figures from different hosts are never compared blind.
     */
    static String json(Result r) {
        HostCpu h = HostCpu.THIS;
        GemmBlocking g = Gemm.blocking();
        return new JsonLine().add("workload", r.workload()).add("metric", r.metric())
                .add("value", num(r.value())).add("min", num(r.min())).add("max", num(r.max()))
                .add("unit", r.unit()).add("threads", r.threads()).add("simd", Vectorization.simdActive())
                .add("species", Vectorization.speciesName()).add("jdk", Runtime.version().toString())
                .add("steps", r.steps()).add("cpu", h.model()).add("cpu_family", h.family())
                .add("l1d_kib", h.l1dBytes() >> 10).add("l2_kib", h.l2Bytes() >> 10).add("l3_kib", h.l3Bytes() >> 10)
                .add("vector_bits", Vectorization.vectorBits())
                .add("gemm_blocks", "mr " + g.mr() + " nr " + g.nr() + " kc " + g.kc() + " mc " + g.mc() + " nc " + g.nc())
                .toString();
    }

    /** {@code v} to 6 significant digits (a benchmark figure has no more), NaN and infinities as null. */
    private static Double num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        return Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
    }
}
