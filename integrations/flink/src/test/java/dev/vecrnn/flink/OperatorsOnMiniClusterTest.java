package dev.vecrnn.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.function.SerializableFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three operators on Flink's MiniCluster at parallelism 2 with checkpoints every 100 ms, on the
 * heap and the RocksDB state backends: many keys with interleaved events give, key by key and bit for
 * bit, what the library's own streaming APIs give in this process; so does a run with a failure
 * injected once mid-stream (restarted from the last checkpoint, written to a sink keyed by (key,
 * position)); and so does a run stopped with a savepoint at parallelism 2 and finished from it at
 * parallelism 1.
 */
class OperatorsOnMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniJobs.miniCluster();

    @TempDir
    static Path dir;
    static Path tagger, taggerWithoutLag, scrn, elmanLm, scrnHs, elmanClass, dense;

    static final TypeInformation<WordEvent> WORD_EVENT = Types.POJO(WordEvent.class);
    static final TypeInformation<FeatureEvent> FEATURE_EVENT = Types.POJO(FeatureEvent.class);
    static final SerializableFunction<TaggedWord, String> TAG_KEY = t -> t.key + "#" + t.position;
    static final SerializableFunction<WordScore, String> SCORE_KEY = s -> s.key + "#" + s.position;
    static final SerializableFunction<DenseOutput, String> DENSE_KEY = d -> d.key + "#" + d.position;

    @BeforeAll
    static void models() throws Exception {
        tagger = TestModels.tagger(dir);
        taggerWithoutLag = TestModels.tagger(dir, 1);
        scrn = TestModels.scrnLanguageModel(dir);
        elmanLm = TestModels.elmanLanguageModel(dir);
        scrnHs = TestModels.scrnHsLanguageModel(dir);
        elmanClass = TestModels.elmanClassLanguageModel(dir);
        dense = TestModels.denseScrn(dir);
    }

    /** Runs events → (fail once at event failAt, when ≥ 0) → the wired operator → the idempotent sink, at parallelism 2. */
    private static <I, O> Map<String, String> run(String backend, List<I> events, TypeInformation<I> type,
                                                   double perSecond, long failAt,
                                                   Function<DataStream<I>, DataStream<O>> wire,
                                                   SerializableFunction<O, String> key) throws Exception {
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment(backend, 2, null);
        DataStream<I> in = MiniJobs.source(env, events, null, perSecond, type, "source");
        if (failAt >= 0) {
            in = in.map(new MiniJobs.FailOnce<I>(run, failAt)).returns(type).setParallelism(1);
        }
        wire.apply(in).sinkTo(MiniJobs.sink(run, key));
        env.execute();
        if (failAt >= 0) {
            assertTrue(MiniJobs.FAILED.get(run).get(), "the failure was injected");
            long passed = MiniJobs.PASSED.get(run).get();
            assertTrue(passed < failAt + events.size() - 1, "the restart resumed from a checkpoint, not from the"
                    + " first event: " + passed + " events passed for " + events.size());
        }
        Map<String, String> results = new TreeMap<>(MiniJobs.RESULTS.remove(run));
        assertTrue(results.size() > 100, "the job emitted its outputs");
        return results;
    }

    private static Function<DataStream<WordEvent>, DataStream<TaggedWord>> tagWith(Path model) {
        return in -> VecrnnStreams.tag(in, new StreamingTaggerFunction(ModelSource.path(model.toString())));
    }

    private static Function<DataStream<WordEvent>, DataStream<WordScore>> scoreWith(Path model) {
        return in -> VecrnnStreams.score(in, new LanguageModelScorerFunction(ModelSource.path(model.toString())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void taggerEqualsTheLibraryKeyByKey(String backend) throws Exception {
        List<WordEvent> events = StreamFixtures.wordEvents(40, 4, 1);
        for (Path model : new Path[] {tagger, taggerWithoutLag}) {
            Map<String, String> expected = new TreeMap<>(LibraryReference.tag(model, events));
            assertEquals(expected, run(backend, events, WORD_EVENT, 1e6, -1, tagWith(model), TAG_KEY),
                    model.getFileName().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void scorersEqualTheLibraryKeyByKeyForEachModelAndOutputLayer(String backend) throws Exception {
        List<WordEvent> events = StreamFixtures.wordEvents(40, 3, 2);
        for (Path model : new Path[] {scrn, elmanLm, scrnHs, elmanClass}) {
            Map<String, String> expected = new TreeMap<>(LibraryReference.score(model, events));
            assertEquals(expected, run(backend, events, WORD_EVENT, 1e6, -1, scoreWith(model), SCORE_KEY),
                    model.getFileName().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void denseStepperEqualsTheLibraryKeyByKey(String backend) throws Exception {
        List<FeatureEvent> events = StreamFixtures.featureEvents(30, 12, 3);
        Map<String, String> expected = new TreeMap<>(LibraryReference.step(dense, events));
        assertEquals(expected, run(backend, events, FEATURE_EVENT, 1e6, -1,
                in -> VecrnnStreams.step(in, new DenseStepperFunction(ModelSource.path(dense.toString()))), DENSE_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aFailureMidStreamRestartsFromTheCheckpointWithTheSameResults(String backend) throws Exception {
        // ~1000 events at 500 a second: checkpoints complete before the failure at event 400
        List<WordEvent> events = StreamFixtures.wordEvents(40, 4, 4);
        assertEquals(new TreeMap<>(LibraryReference.tag(tagger, events)),
                run(backend, events, WORD_EVENT, 500, 400, tagWith(tagger), TAG_KEY), "tagger");
        assertEquals(new TreeMap<>(LibraryReference.score(scrn, events)),
                run(backend, events, WORD_EVENT, 500, 400, scoreWith(scrn), SCORE_KEY), "SCRN scorer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointTakenAtParallelism2AndRestoredAtParallelism1KeepsEveryKeysState(String backend) throws Exception {
        List<WordEvent> events = StreamFixtures.wordEvents(30, 4, 5);
        int half = events.size() / 2;
        List<WordEvent> first = new ArrayList<>(events.subList(0, half));
        List<WordEvent> second = new ArrayList<>(events.subList(half, events.size()));
        WordEvent idle = WordEvent.word("~idle", TestModels.knownWord(0)); // keeps job 1 running until stopped
        assertResumes(backend, first, second, idle, tagWith(tagger), TAG_KEY, LibraryReference.tag(tagger, first).size(),
                LibraryReference.tag(tagger, events));
        assertResumes(backend, first, second, idle, scoreWith(scrn), SCORE_KEY, LibraryReference.score(scrn, first).size(),
                LibraryReference.score(scrn, events));
    }

    private <O> void assertResumes(String backend, List<WordEvent> first, List<WordEvent> second, WordEvent idle,
                                   Function<DataStream<WordEvent>, DataStream<O>> wire,
                                   SerializableFunction<O, String> key, int outputsOfFirst,
                                   Map<String, String> expected) throws Exception {
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env1 = MiniJobs.environment(backend, 2, null);
        wire.apply(MiniJobs.source(env1, first, idle, 2000, WORD_EVENT, "source-1")).sinkTo(MiniJobs.sink(run, key));
        String savepoint = MiniJobs.stopWithSavepointAfter(env1.executeAsync(), run, idle.key, outputsOfFirst,
                dir.resolve("savepoints"));

        StreamExecutionEnvironment env2 = MiniJobs.environment(backend, 1, savepoint);
        wire.apply(MiniJobs.source(env2, second, null, 1e6, WORD_EVENT, "source-2")).sinkTo(MiniJobs.sink(run, key));
        env2.execute();
        Map<String, String> actual = new TreeMap<>(MiniJobs.RESULTS.remove(run));
        actual.keySet().removeIf(k -> k.startsWith("~idle#"));
        assertEquals(new TreeMap<>(expected), actual);
    }
}
