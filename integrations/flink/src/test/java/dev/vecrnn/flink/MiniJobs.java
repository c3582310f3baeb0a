package dev.vecrnn.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.function.SerializableFunction;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The MiniCluster, the job configuration, a replayable source, an idempotent sink and a one-off failure, for the tests. */
final class MiniJobs {
    /** One task manager with two slots: jobs run at parallelism 2 (or 1 after rescaling). */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }

    private MiniJobs() {
    }

    /**
     * An environment with the given state backend ("hashmap" or "rocksdb") and parallelism, checkpoints
     * every 100 ms, a fixed-delay restart strategy of 3 attempts (so a failing test fails, never hangs),
     * generic types off (any Kryo fallback fails the job), and optionally a savepoint to restore.
     */
    static StreamExecutionEnvironment environment(String backend, int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        return env;
    }

    /**
     * The events in order from one source task (so each key's events keep their order through keyBy),
     * at most {@code perSecond} a second; then, when {@code filler} is not null, that event forever.
     * Replayable: after a restore it continues from the checkpointed index.
     */
    static <T> DataStream<T> source(StreamExecutionEnvironment env, List<T> events, T filler, double perSecond,
                                    TypeInformation<T> type, String uid) {
        GeneratorFunction<Long, T> generator = new ListGenerator<>(events, filler);
        long count = filler == null ? events.size() : Long.MAX_VALUE;
        return env.fromSource(new DataGeneratorSource<>(generator, count, RateLimiterStrategy.perSecond(perSecond), type),
                WatermarkStrategy.noWatermarks(), uid).uid(uid).setParallelism(1);
    }

    private record ListGenerator<T>(List<T> events, T filler) implements GeneratorFunction<Long, T> {
        @Override
        public T map(Long index) {
            return index < events.size() ? events.get((int) (long) index) : filler;
        }
    }

    /** What every test sink received, by run and by (key, position): a replay overwrites with the same value. */
    static final Map<String, Map<String, String>> RESULTS = new ConcurrentHashMap<>();

    /**
     * A sink that keeps each record's text under its (key, position), in {@link #RESULTS}'s map for
     * {@code run} (one map per run: the jobs of one run, before and after a savepoint, add to it).
     */
    static <T> Sink<T> sink(String run, SerializableFunction<T, String> keyAndPosition) {
        RESULTS.putIfAbsent(run, new ConcurrentHashMap<>());
        return new IdempotentSink<>(run, keyAndPosition);
    }

    private record IdempotentSink<T>(String run, SerializableFunction<T, String> keyAndPosition) implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Map<String, String> results = RESULTS.get(run);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    results.put(keyAndPosition.apply(element), element.toString());
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /**
     * Waits until the run's sink holds {@code count} results of keys other than {@code ignoredKey}, then
     * stops the job with a (canonical) savepoint in {@code dir}.
     *
     * @return the savepoint's path
     */
    static String stopWithSavepointAfter(JobClient job, String run, String ignoredKey, int count, Path dir)
            throws Exception {
        Map<String, String> results = RESULTS.get(run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (results.keySet().stream().filter(k -> !k.startsWith(ignoredKey + "#")).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job did not emit " + count + " results in 60 s");
            }
            Thread.sleep(20);
        }
        return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
    }

    /** Runs which already failed once ({@link FailOnce}). */
    static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();
    /** Events that passed {@link FailOnce}, by run, over all attempts of the job. */
    static final Map<String, AtomicLong> PASSED = new ConcurrentHashMap<>();

    /**
     * Passes events through, but throws once per run at the first event from the N-th on that comes
     * after a completed checkpoint, so the job restarts from that checkpoint.
     */
    static final class FailOnce<T> extends RichMapFunction<T, T> implements CheckpointListener {
        private final String run;
        private final long n;
        private transient long seen;
        private transient volatile boolean checkpointed;

        FailOnce(String run, long n) {
            this.run = run;
            this.n = n;
            FAILED.put(run, new AtomicBoolean());
            PASSED.put(run, new AtomicLong());
        }

        @Override
        public void open(OpenContext openContext) {
            seen = 0;
        }

        @Override
        public T map(T value) {
            if (++seen >= n && checkpointed && FAILED.get(run).compareAndSet(false, true)) {
                throw new IllegalStateException("failure injected at event " + seen + " of run " + run);
            }
            PASSED.get(run).incrementAndGet();
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
