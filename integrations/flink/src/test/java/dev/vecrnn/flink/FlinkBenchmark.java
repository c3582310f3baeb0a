package dev.vecrnn.flink;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.kernel.Vectorization;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.StreamingTagger;
import dev.vecrnn.nn.WordClasses;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.api.java.tuple.Tuple5;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Events per second per task slot of the Flink operators at parallelism 1, next to the library's own
 * streaming APIs on the same events in the same JVM (issue 21, item 4). Run it with
 * {@code ./vecrnn flink-bench [--keys N] [--seconds S] [--runs R] [--only tagger|lm]
 * [--lm-output full|hs|class] [--backends hashmap,rocksdb] [--no-checkpoints]}.
 *
 * <p>Workloads, with random-initialised models saved as model files in a temporary folder:
 * <ul>
 *   <li><b>tagger</b>: the E1 shape (572 words, 127 labels, de 50, cs 7, nh 200) through
 *       {@link StreamingTaggerFunction};</li>
 *   <li><b>lm</b>: an S1-shaped SCRN language model (V = 10,000, nh 100, ns 40:
 *       {@code ScrnConfig.languageModel(V, 100, 40, VECTOR)}, full softmax; with {@code --lm-output hs}
 *       S1h's hierarchical softmax over a Huffman tree of Zipf counts, with {@code --lm-output class}
 *       S1c's class softmax over round(√V) frequency classes of the same counts) through
 *       {@link LanguageModelScorerFunction}.</li>
 * </ul>
 * The events: {@code --keys} keys in round-robin order, uniform random known words, and every key's
 * 21st event an end of sentence (sentences of 20 words, as E1's). Each configuration runs twice untimed
 * (warm-up, and to size the timed runs to about {@code --seconds}) and then {@code --runs} times; the
 * clock of a run starts once every key has had one event (so the timed events all find their key's
 * state, as in a long-running job) and stops at the last event. The library loops compute the
 * surprisal as the scorer does, with {@link LanguageModel#loss} over one step (reused int[1] buffers).
 *
 * <p>Configurations: "library, one state" pushes every event through one tagger / one LM state with no
 * per-key state (the compute alone); "library, state per key" keeps each key's state in a HashMap and
 * restores and saves it around every event exactly as the operator does; "Flink heap" and "Flink
 * RocksDB" run source → keyBy → operator → discarding sink on a MiniCluster at parallelism 1
 * (checkpoints off), and, for the tagger, "Flink heap, checkpoint every 1 s" the heap job with a
 * checkpoint every second (unless {@code --no-checkpoints}).
 * In the Flink jobs the source runs in its own task thread (keyBy does not chain), so the events cross
 * Flink's network stack (serialised), as in a real job. Finally it times the state's serialiser alone
 * (one serialise + one deserialise of a key's state, what RocksDB adds to each event).
 */
public final class FlinkBenchmark {
    static final int SENTENCE = 21; // 20 words and an end of sentence per key
    /** Where the library loops leave a value of their results, so that none is optimised away. */
    static volatile long blackhole;

    private FlinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = 10_000, runs = 3;
        double seconds = 2.0;
        String only = null;
        boolean checkpoints = true;
        String lmOutput = "full";
        List<String> backends = List.of("hashmap", "rocksdb");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--no-checkpoints" -> checkpoints = false;
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--lm-output" -> {
                    lmOutput = args[++i];
                    if (!List.of("full", "hs", "class").contains(lmOutput)) {
                        throw new IllegalArgumentException("--lm-output full|hs|class");
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--keys N] [--seconds S] [--runs R] [--only tagger|lm] [--lm-output full|hs|class] [--backends hashmap,rocksdb] [--no-checkpoints]");
            }
        }
        Path dir = Files.createTempDirectory("vecrnn-flink-bench");
        System.out.printf(Locale.ROOT, "vecrnn Flink benchmark: %d keys, ~%.1f s per timed run, %d runs; JDK %s; kernels: %s%n",
                keys, seconds, runs, Runtime.version(), Vectorization.describe());
        MiniClusterWithClientResource cluster = new MiniClusterWithClientResource(
                new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());
        cluster.before();
        List<String> table = new ArrayList<>();
        try {
            Bench b = new Bench(keys, seconds, runs, checkpoints, backends, table);
            if (only == null || only.equals("tagger")) {
                b.tagger(taggerModel(dir));
            }
            if (only == null || only.equals("lm")) {
                b.languageModel(languageModel(dir, lmOutput), lmOutput);
            }
        } finally {
            cluster.after();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.out.println();
        System.out.println("| workload | configuration | events/s, median | min – max | × library, state per key | × library, one state |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        table.forEach(System.out::println);
    }

    // ---------------------------------------------------------------- models

    /** The E1 shape with random weights: 571 words and <UNK>, 127 labels. */
    static Path taggerModel(Path dir) throws IOException {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 571; i++) {
            words.add("w" + i);
        }
        words.add(Vocabulary.TAGGER_UNK);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 127; i++) {
            labels.add("L" + i);
        }
        Path file = dir.resolve("tagger-e1.vrnn");
        ModelFile.saveTagger(file, new ElmanTagger(new ElmanConfig(572, 127, 50, 7, 200), 345),
                new TaggingVocabulary(Vocabulary.of(words, Vocabulary.TAGGER_UNK), Vocabulary.of(labels, null),
                        WordNormalizer.NONE));
        return file;
    }

    /**
     * S1 (full softmax), S1h (hierarchical softmax over a Huffman tree of Zipf counts) or S1c (class
     * softmax over frequency classes of the same counts): an SCRN LM over V = 10,000 words (<unk>,
     * <eos>, w0 …), 100 hidden and 40 context units.
     */
    static Path languageModel(Path dir, String output) throws IOException {
        int v = 10_000;
        List<String> words = new ArrayList<>();
        words.add(Vocabulary.LM_UNK);
        words.add(Vocabulary.LM_EOS);
        for (int i = 0; i < v - 2; i++) {
            words.add("w" + i);
        }
        long[] counts = new long[v];
        for (int i = 0; i < v; i++) {
            counts[i] = Math.max(1, 1_000_000L / (i + 1));
        }
        ScrnConfig config = ScrnConfig.languageModel(v, 100, 40, RateMode.VECTOR);
        Path file = dir.resolve("scrn-s1-" + output + ".vrnn");
        ScrnNetwork net = switch (output) {
            case "hs" -> new ScrnNetwork(config, 345, new HuffmanTree(counts));
            case "class" -> new ScrnNetwork(config, 345, WordClasses.byFrequency(counts));
            default -> new ScrnNetwork(config, 345);
        };
        ModelFile.saveLanguageModel(file, net, Vocabulary.of(words, Vocabulary.LM_UNK));
        return file;
    }

    // ---------------------------------------------------------------- events

    /** Event i: key i mod K (round robin), every key's 21st event an end of sentence, else a random known word. */
    record Events(String[] keys, String[] words) implements GeneratorFunction<Long, WordEvent> {
        static Events of(int keys, int knownWords, int firstWord) {
            String[] k = new String[keys];
            for (int i = 0; i < keys; i++) {
                k[i] = "key-" + i;
            }
            String[] w = new String[knownWords];
            for (int i = 0; i < knownWords; i++) {
                w[i] = "w" + (firstWord + i);
            }
            return new Events(k, w);
        }

        @Override
        public WordEvent map(Long index) {
            long i = index;
            String key = keys[(int) (i % keys.length)];
            if ((i / keys.length) % SENTENCE == SENTENCE - 1) {
                return WordEvent.endOfSentence(key);
            }
            long z = (i + 1) * 0x9E3779B97F4A7C15L; // a splitmix64 finaliser: a fixed pseudo-random word per event
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return WordEvent.word(key, words[(int) Math.floorMod(z, (long) words.length)]);
        }
    }

    // ---------------------------------------------------------------- timing sink

    /** Nanosecond times at which the sink saw its {@code from}-th and its last record, and the count. */
    static volatile long sinkStart, sinkEnd, sinkCount, sinkFrom;

    /** Discards records; notes when the sink saw record number {@link #sinkFrom} and the last one. */
    record TimingSink<T>() implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            long from = sinkFrom;
            return new SinkWriter<>() {
                long n, start, end;

                @Override
                public void write(T element, Context ctx) {
                    long now = System.nanoTime();
                    if (n++ == from) {
                        start = now;
                    }
                    end = now;
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                    sinkStart = start;
                    sinkEnd = end;
                    sinkCount = n;
                }
            };
        }
    }

    // ---------------------------------------------------------------- the benchmark

    private static final class Bench {
        final int keys, runs;
        final double seconds;
        final boolean checkpoints;
        final List<String> backends, table;

        Bench(int keys, double seconds, int runs, boolean checkpoints, List<String> backends, List<String> table) {
            this.backends = backends;
            this.keys = keys;
            this.seconds = seconds;
            this.runs = runs;
            this.checkpoints = checkpoints;
            this.table = table;
        }

        /** A timed measurement: events per second of one run with n events (the first {@code keys} untimed). */
        interface Run {
            double eventsPerSecond(long n) throws Exception;
        }

        /**
         * Two untimed warm-up runs (one of {@code warmup} events, one sized as the timed runs: the first
         * Flink job in a JVM keeps compiling Flink's own code well into its second run), then runs sized
         * to about {@code seconds} each; median, min, max.
         */
        double[] measure(String workload, String config, long warmup, Run run) throws Exception {
            double rate = run.eventsPerSecond(warmup);
            long n = keys + Math.max(keys, (long) (rate * seconds));
            rate = run.eventsPerSecond(n);
            n = keys + Math.max(keys, (long) (rate * seconds));
            double[] r = new double[runs];
            for (int i = 0; i < runs; i++) {
                r[i] = run.eventsPerSecond(n);
            }
            double[] s = r.clone();
            Arrays.sort(s);
            double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            System.out.printf(Locale.ROOT, "%-7s %-32s %,10.0f events/s (min %,.0f, max %,.0f; %d runs of %,d events; warm-up %,.0f)%n",
                    workload, config, median, s[0], s[s.length - 1], runs, n, rate);
            return new double[]{median, s[0], s[s.length - 1]};
        }

        void row(String workload, String config, double[] m, double[] perKey, double[] oneState) {
            table.add(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f – %,.0f | %s | %s |", workload, config, m[0], m[1], m[2],
                    perKey == null ? "" : String.format(Locale.ROOT, "%.2f", m[0] / perKey[0]),
                    oneState == null ? "" : String.format(Locale.ROOT, "%.2f", m[0] / oneState[0])));
        }

        // ------------------------------------------------------------ tagger

        void tagger(Path model) throws Exception {
            ModelFile.Loaded loaded = ModelFile.load(model);
            TaggingVocabulary vocabulary = loaded.taggingVocabulary();
            Events events = Events.of(keys, 571, 0);
            long warmup = Math.max(20L * keys, 200_000);
            String w = "tagger (E1)";
            double epr = SENTENCE / (SENTENCE - 1.0);

            double[] one = measure(w, "library, one state", warmup, n -> {
                StreamingTagger tagger = loaded.tagger().newStreamingTagger();
                int[] flushed = new int[tagger.lag()];
                long sum = 0, t0 = 0;
                for (long i = 0; i < n; i++) {
                    if (i == keys) {
                        t0 = System.nanoTime();
                    }
                    WordEvent e = events.map(i);
                    if (e.endOfSentence) {
                        int k = tagger.finish(flushed, 0);
                        for (int j = 0; j < k; j++) {
                            sum += vocabulary.label(flushed[j]).length();
                        }
                    } else {
                        int label = tagger.push(vocabulary.wordId(e.word));
                        if (label >= 0) {
                            sum += vocabulary.label(label).length();
                        }
                    }
                }
                return rate(n, t0, sum);
            });
            double[] perKey = measure(w, "library, state per key", warmup, n -> taggerPerKey(loaded, events, n));
            row(w, "library, one state (no per-key state)", one, null, null);
            row(w, "library, state per key (HashMap, save/restore per event)", perKey, perKey, one);
            flink(w, "hashmap", false, warmup, epr, perKey, one,
                    (env) -> VecrnnStreams.tag(source(env, events), new StreamingTaggerFunction(ModelSource.path(model.toString()))));
            flink(w, "rocksdb", false, warmup, epr, perKey, one,
                    (env) -> VecrnnStreams.tag(source(env, events), new StreamingTaggerFunction(ModelSource.path(model.toString()))));
            if (checkpoints && backends.contains("hashmap")) {
                flink(w, "hashmap", true, warmup, epr, perKey, one,
                        (env) -> VecrnnStreams.tag(source(env, events), new StreamingTaggerFunction(ModelSource.path(model.toString()))));
            }
            // the state of a key in mid-sentence, as the operator keeps it
            StreamingTagger tagger = loaded.tagger().newStreamingTagger();
            Tuple4<Long, int[], float[], String[]> s = Tuple4.of(0L, new int[tagger.stateIntCount()],
                    new float[tagger.stateFloatCount()], new String[tagger.lag()]);
            for (int i = 0; i < 10; i++) {
                tagger.push(i);
                s.f3[i % tagger.lag()] = "w" + i;
            }
            s.f0 = 10L;
            tagger.saveState(s.f1, 0, s.f2, 0);
            serialiser(w, StreamingTaggerFunction.STATE_TYPE, s);
        }

        /** As the operator: look up the key's state, restore it, push or finish, save it back. */
        private double taggerPerKey(ModelFile.Loaded loaded, Events events, long n) {
            StreamingTagger tagger = loaded.tagger().newStreamingTagger();
            TaggingVocabulary vocabulary = loaded.taggingVocabulary();
            int lag = tagger.lag();
            int[] flushed = new int[lag];
            Map<String, Tuple4<Long, int[], float[], String[]>> states = new HashMap<>();
            long sum = 0, t0 = 0;
            for (long i = 0; i < n; i++) {
                if (i == keys) {
                    t0 = System.nanoTime();
                }
                WordEvent e = events.map(i);
                Tuple4<Long, int[], float[], String[]> s = states.get(e.key);
                if (s == null) {
                    if (e.endOfSentence) {
                        continue;
                    }
                    s = Tuple4.of(0L, new int[tagger.stateIntCount()], new float[tagger.stateFloatCount()], new String[lag]);
                    tagger.reset();
                    states.put(e.key, s);
                } else {
                    tagger.restoreState(s.f1, 0, s.f2, 0);
                }
                long position = s.f0;
                if (e.endOfSentence) {
                    int k = tagger.finish(flushed, 0);
                    for (int j = 0; j < k; j++) {
                        long p = position - k + j;
                        sum += s.f3[(int) (p % lag)].length() + vocabulary.label(flushed[j]).length();
                    }
                } else {
                    int label = tagger.push(vocabulary.wordId(e.word));
                    if (label >= 0) {
                        sum += s.f3[(int) ((position - lag) % lag)].length() + vocabulary.label(label).length();
                    }
                    s.f3[(int) (position % lag)] = e.word;
                    s.f0 = position + 1;
                }
                tagger.saveState(s.f1, 0, s.f2, 0);
            }
            return rate(n, t0, sum);
        }

        // ------------------------------------------------------------ language model

        void languageModel(Path model, String output) throws Exception {
            ModelFile.Loaded loaded = ModelFile.load(model);
            LanguageModel lm = loaded.languageModel();
            Vocabulary words = loaded.words();
            int eos = words.id(Vocabulary.LM_EOS), v = lm.vocabularySize();
            Events events = Events.of(keys, v - 2, 0);
            long warmup = 2L * keys;
            String w = switch (output) {
                case "hs" -> "SCRN LM (S1h: hs, V = 10,000)";
                case "class" -> "SCRN LM (S1c: class softmax, V = 10,000)";
                default -> "SCRN LM (S1: full softmax, V = 10,000)";
            };
            double epr = 1;

            double[] one = measure(w, "library, one state", warmup, n -> {
                RecurrentState state = lm.newState(1);
                int[] prev = {eos}, target = new int[1];
                double sum = 0;
                long t0 = 0;
                for (long i = 0; i < n; i++) {
                    if (i == keys) {
                        t0 = System.nanoTime();
                    }
                    WordEvent e = events.map(i);
                    int id = e.endOfSentence ? eos : words.id(e.word);
                    target[0] = id;
                    sum += lm.loss(state, 1, prev, target);
                    prev[0] = id;
                }
                return rate(n, t0, (long) sum);
            });
            double[] perKey = measure(w, "library, state per key", warmup, n -> {
                RecurrentState recurrent = lm.newState(1);
                int[] prev = new int[1], target = new int[1];
                Map<String, Tuple5<float[], Integer, Long, Long, Double>> states = new HashMap<>();
                long t0 = 0;
                double total = 0;
                for (long i = 0; i < n; i++) {
                    if (i == keys) {
                        t0 = System.nanoTime();
                    }
                    WordEvent e = events.map(i);
                    Tuple5<float[], Integer, Long, Long, Double> s = states.get(e.key);
                    if (s == null) {
                        s = Tuple5.of(new float[recurrent.stateSize()], eos, 0L, 0L, 0.0);
                        recurrent.reset();
                        states.put(e.key, s);
                    } else {
                        recurrent.restoreState(0, s.f0, 0);
                    }
                    int id = e.endOfSentence ? eos : words.id(e.word);
                    prev[0] = s.f1;
                    target[0] = id;
                    double surprisal = lm.loss(recurrent, 1, prev, target);
                    recurrent.saveState(0, s.f0, 0);
                    s.f1 = id;
                    s.f2 = s.f2 + 1;
                    s.f3 = s.f3 + 1;
                    s.f4 = s.f4 + surprisal;
                    total += Math.exp(s.f4 / s.f3);
                }
                return rate(n, t0, (long) total);
            });
            row(w, "library, one state (no per-key state)", one, null, null);
            row(w, "library, state per key (HashMap, save/restore per event)", perKey, perKey, one);
            flink(w, "hashmap", false, warmup, epr, perKey, one,
                    (env) -> VecrnnStreams.score(source(env, events), new LanguageModelScorerFunction(ModelSource.path(model.toString()))));
            flink(w, "rocksdb", false, warmup, epr, perKey, one,
                    (env) -> VecrnnStreams.score(source(env, events), new LanguageModelScorerFunction(ModelSource.path(model.toString()))));
            RecurrentState r = lm.newState(1);
            float[] logits = new float[v];
            for (int i = 0; i < 5; i++) {
                lm.step(r, i + 2, logits);
            }
            Tuple5<float[], Integer, Long, Long, Double> s = Tuple5.of(new float[r.stateSize()], 7, 5L, 5L, 31.5);
            r.saveState(0, s.f0, 0);
            serialiser(w, LanguageModelScorerFunction.STATE_TYPE, s);
        }

        // ------------------------------------------------------------ Flink

        private static DataStream<WordEvent> source(StreamExecutionEnvironment env, Events events) {
            long n = pendingEvents;
            return env.fromSource(new DataGeneratorSource<>(events, n, TypeInformation.of(WordEvent.class)),
                    WatermarkStrategy.noWatermarks(), "events").setParallelism(1);
        }

        static long pendingEvents;

        /**
         * One Flink configuration: source → keyBy → operator → timing sink at parallelism 1. The
         * events per second are counted from the sink's {@code keys}-th record to its last, times
         * {@code eventsPerRecord} (the scorer emits one record per event; the tagger one per word, and
         * no record of its own for an end of sentence: 21 events per 20 records).
         */
        void flink(String workload, String backend, boolean checkpoint, long warmup, double eventsPerRecord,
                   double[] perKey, double[] one,
                   Function<StreamExecutionEnvironment, DataStream<?>> job) throws Exception {
            String config = "Flink " + (backend.equals("hashmap") ? "heap (HashMapStateBackend)" : "RocksDB (EmbeddedRocksDBStateBackend)")
                    + (checkpoint ? ", checkpoint every 1 s" : "");
            if (!backends.contains(backend)) {
                return;
            }
            double[] m = measure(workload, config, warmup, n -> {
                Configuration conf = new Configuration();
                conf.set(StateBackendOptions.STATE_BACKEND, backend);
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
                conf.set(PipelineOptions.GENERIC_TYPES, false);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                env.setParallelism(1);
                if (checkpoint) {
                    env.enableCheckpointing(1000);
                }
                pendingEvents = n;
                sinkFrom = keys;
                sinkCount = 0;
                @SuppressWarnings({"unchecked", "rawtypes"})
                DataStream<Object> out = (DataStream) job.apply(env);
                out.sinkTo(new TimingSink<>()).name("discard");
                env.execute("vecrnn-bench " + workload + " " + config);
                long records = sinkCount;
                if (records <= keys || sinkEnd <= sinkStart) {
                    throw new IllegalStateException("the sink saw " + records + " records");
                }
                return (records - 1 - keys) * eventsPerRecord / ((sinkEnd - sinkStart) / 1e9);
            });
            row(workload, config, m, perKey, one);
        }

        // ------------------------------------------------------------ the state's serialiser

        /** One serialise and one deserialise of a key's state, as RocksDB does on every event (value() and update()). */
        <T> void serialiser(String workload, TypeInformation<T> type, T state) throws IOException {
            TypeSerializer<T> serializer = type.createSerializer(new SerializerConfigImpl());
            DataOutputSerializer out = new DataOutputSerializer(256);
            DataInputDeserializer in = new DataInputDeserializer();
            long sink = 0;
            double[] ns = new double[runs + 1];
            for (int r = 0; r <= runs; r++) {
                int n = 2_000_000;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    out.clear();
                    serializer.serialize(state, out);
                    in.setBuffer(out.getSharedBuffer(), 0, out.length());
                    T copy = serializer.deserialize(in);
                    sink += copy.hashCode() & 1;
                }
                ns[r] = (System.nanoTime() - t0) / (double) n;
            }
            out.clear();
            serializer.serialize(state, out);
            double[] s = Arrays.copyOfRange(ns, 1, ns.length); // the first is the warm-up
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-7s state serialiser: %d bytes, serialise + deserialise %.0f ns (min %.0f, max %.0f) [%d]%n",
                    workload, out.length(), s[s.length / 2], s[0], s[s.length - 1], sink);
            table.add(String.format(Locale.ROOT, "| %s | state serialise + deserialise alone (%d bytes) | %.0f ns/event | %.0f – %.0f ns | | |",
                    workload, out.length(), s[s.length / 2], s[0], s[s.length - 1]));
        }

        private double rate(long n, long t0, long sink) {
            long t1 = System.nanoTime();
            blackhole += sink;
            return (n - keys) / ((t1 - t0) / 1e9);
        }
    }
}
