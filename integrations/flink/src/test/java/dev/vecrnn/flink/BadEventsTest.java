package dev.vecrnn.flink;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.ScrnStepper;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad events and missing or unfitting state give the results the operators' Javadoc documents, and
 * never a failed job (heap backend, parallelism 2, checkpoints on).
 */
class BadEventsTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniJobs.miniCluster();

    @TempDir
    static Path dir;
    static Path tagger, scrn, elmanLm, dense;

    static final TypeInformation<WordEvent> WORD_EVENT = Types.POJO(WordEvent.class);
    static final TypeInformation<FeatureEvent> FEATURE_EVENT = Types.POJO(FeatureEvent.class);

    @BeforeAll
    static void models() throws Exception {
        tagger = TestModels.tagger(dir);
        scrn = TestModels.scrnLanguageModel(dir);
        elmanLm = TestModels.elmanLanguageModel(dir);
        dense = TestModels.denseScrn(dir);
    }

    private static Map<String, String> runTagger(List<WordEvent> events) throws Exception {
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        VecrnnStreams.tag(MiniJobs.source(env, events, null, 1e6, WORD_EVENT, "source"),
                        new StreamingTaggerFunction(ModelSource.path(tagger.toString())))
                .sinkTo(MiniJobs.sink(run, t -> t.key + "#" + t.position));
        env.execute();
        return new TreeMap<>(MiniJobs.RESULTS.remove(run));
    }

    private static List<WordEvent> sentence(String key, String... words) {
        List<WordEvent> events = new ArrayList<>();
        for (String w : words) {
            events.add(w == null ? WordEvent.word(key, null) : w.equals(".") ? WordEvent.endOfSentence(key)
                    : WordEvent.word(key, w));
        }
        return events;
    }

    @Test
    void unknownAndNullWordsAreTaggedAsTheUnknownWordAndEndsWithoutWordsEmitNothing() throws Exception {
        List<WordEvent> events = new ArrayList<>();
        events.addAll(sentence("unk", "w1", "<UNK>", "w2", "w3", "."));
        events.addAll(sentence("raw", "w1", "never-seen", "w2", "w3", "."));
        events.addAll(sentence("null", "w1", null, "w2", "w3", "."));
        events.addAll(sentence("ends", ".", ".", "w1", "<UNK>", "w2", "w3", ".", "."));
        events.add(WordEvent.endOfSentence("only-ends"));
        Map<String, String> out = runTagger(events);
        assertEquals(new TreeMap<>(LibraryReference.tag(tagger, events)), out);
        assertEquals(16, out.size(), "4 keys × 4 words, nothing for the ends of empty sentences: " + out);
        for (int p = 0; p < 4; p++) {
            String label = out.get("unk#" + p).split("\t")[3];
            assertEquals(label, out.get("raw#" + p).split("\t")[3], "position " + p);
            assertEquals(label, out.get("null#" + p).split("\t")[3], "position " + p);
            assertEquals(label, out.get("ends#" + p).split("\t")[3], "position " + p);
        }
        assertEquals("raw\t1\tnever-seen", out.get("raw#1").substring(0, "raw\t1\tnever-seen".length()));
        assertEquals("null\t1\t\t", out.get("null#1").substring(0, "null\t1\t\t".length()), "a null word comes out empty");
    }

    @Test
    void anUnknownWordIsScoredAsUnk() throws Exception {
        List<WordEvent> events = new ArrayList<>();
        events.addAll(sentence("unk", "w1", "<unk>", "w2", "."));
        events.addAll(sentence("raw", "w1", "never-seen", "w2", "."));
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        VecrnnStreams.score(MiniJobs.source(env, events, null, 1e6, WORD_EVENT, "source"),
                        new LanguageModelScorerFunction(ModelSource.path(scrn.toString())))
                .sinkTo(MiniJobs.sink(run, s -> s.key + "#" + s.position));
        env.execute();
        Map<String, String> out = new TreeMap<>(MiniJobs.RESULTS.remove(run));
        assertEquals(new TreeMap<>(LibraryReference.score(scrn, events)), out);
        for (int p = 0; p < 4; p++) {
            String[] unk = out.get("unk#" + p).split("\t"), raw = out.get("raw#" + p).split("\t");
            assertEquals(unk[3], raw[3], "surprisal at " + p);
            assertEquals(unk[4], raw[4], "perplexity at " + p);
        }
        assertEquals("<eos>", out.get("raw#3").split("\t")[2], "an end of sentence is the word <eos>");
    }

    @Test
    void badFeatureVectorsAreRejectedAndLeaveTheKeysStateAsItWas() throws Exception {
        float[][] good = new float[3][TestModels.FEATURES];
        for (int t = 0; t < good.length; t++) {
            for (int i = 0; i < TestModels.FEATURES; i++) {
                good[t][i] = (float) Math.sin(3 * t + i);
            }
        }
        float[] nan = good[1].clone(), inf = good[1].clone();
        nan[2] = Float.NaN;
        inf[4] = Float.NEGATIVE_INFINITY;
        Map<String, float[]> bad = new HashMap<>();
        bad.put("nan", nan);
        bad.put("inf", inf);
        bad.put("short", new float[TestModels.FEATURES - 1]);
        bad.put("null", null);
        List<FeatureEvent> events = new ArrayList<>();
        List<FeatureEvent> goodEvents = new ArrayList<>();
        for (Map.Entry<String, float[]> e : bad.entrySet()) {
            events.add(new FeatureEvent(e.getKey(), good[0]));
            events.add(new FeatureEvent(e.getKey(), e.getValue()));
            events.add(new FeatureEvent(e.getKey(), good[1]));
            events.add(new FeatureEvent(e.getKey(), good[2]));
            goodEvents.add(new FeatureEvent(e.getKey(), good[0]));
            goodEvents.add(new FeatureEvent(e.getKey(), good[1]));
            goodEvents.add(new FeatureEvent(e.getKey(), good[2]));
        }
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        VecrnnStreams.step(MiniJobs.source(env, events, null, 1e6, FEATURE_EVENT, "source"),
                        new DenseStepperFunction(ModelSource.path(dense.toString())))
                .sinkTo(MiniJobs.sink(run, d -> d.key + "#" + d.position));
        env.execute();
        Map<String, String> out = new TreeMap<>(MiniJobs.RESULTS.remove(run));
        Map<String, String> expected = new TreeMap<>(LibraryReference.step(dense, goodEvents));
        for (String key : bad.keySet()) {
            expected.put(key + "#-1", new DenseOutput(key, -1, new float[0], -1).toString());
        }
        assertEquals(expected, out);
    }

    @Test
    void aKeyWhoseStateOutlivedItsTimeToLiveStartsAfresh() throws Exception {
        float[][] x = {{1, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}};
        List<FeatureEvent> events = new ArrayList<>();
        for (float[] v : x) {
            events.add(new FeatureEvent("idle", v));
        }
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        // one event every 300 ms, a time to live of 50 ms: the state is gone before each next event
        env.fromSource(new org.apache.flink.connector.datagen.source.DataGeneratorSource<>(new Slow(events), events.size(),
                        FEATURE_EVENT), org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "slow")
                .setParallelism(1)
                .keyBy(FeatureEvent::keyOrEmpty, Types.STRING)
                .process(new DenseStepperFunction(ModelSource.path(dense.toString())).withStateTtl(Duration.ofMillis(50)),
                        VecrnnStreams.DENSE_OUTPUT)
                .sinkTo(MiniJobs.sink(run, d -> d.key + "#" + d.position + "#" + Arrays.toString(d.outputs)));
        env.execute();
        Map<String, String> out = MiniJobs.RESULTS.remove(run);
        ScrnNetwork net = (ScrnNetwork) ModelFile.load(dense).languageModel();
        Map<String, String> expected = new HashMap<>();
        for (float[] v : x) {
            ScrnStepper fresh = net.newStepper();
            float[] o = new float[TestModels.CLASSES];
            fresh.step(v, o);
            DenseOutput d = new DenseOutput("idle", 0, o, DenseStepperFunction.argmax(o));
            expected.put("idle#0#" + Arrays.toString(o), d.toString());
        }
        assertEquals(expected, out);
    }

    private record Slow(List<FeatureEvent> events) implements GeneratorFunction<Long, FeatureEvent> {
        @Override
        public FeatureEvent map(Long index) throws InterruptedException {
            if (index > 0) {
                Thread.sleep(300);
            }
            return events.get((int) (long) index);
        }
    }

    @Test
    void aSavedStateOfAnotherModelStartsAFreshHistoryAtTheKeysPosition() throws Exception {
        List<WordEvent> events = StreamFixtures.wordEvents(12, 3, 6);
        int half = events.size() / 2;
        List<WordEvent> first = new ArrayList<>(events.subList(0, half));
        List<WordEvent> second = new ArrayList<>(events.subList(half, events.size()));
        WordEvent idle = WordEvent.word("~idle", TestModels.knownWord(0));
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env1 = MiniJobs.environment("hashmap", 2, null);
        VecrnnStreams.score(MiniJobs.source(env1, first, idle, 2000, WORD_EVENT, "source-1"),
                new LanguageModelScorerFunction(ModelSource.path(scrn.toString())))
                .sinkTo(MiniJobs.sink(run, s -> s.key + "#" + s.position));
        Map<String, String> expected = new TreeMap<>(LibraryReference.score(scrn, first));
        String savepoint = MiniJobs.stopWithSavepointAfter(env1.executeAsync(), run, idle.key, expected.size(),
                dir.resolve("savepoints"));

        // the Elman LM's state (9 floats) does not fit the SCRN's (8 + 5): each key starts a fresh history
        StreamExecutionEnvironment env2 = MiniJobs.environment("hashmap", 2, savepoint);
        VecrnnStreams.score(MiniJobs.source(env2, second, null, 1e6, WORD_EVENT, "source-2"),
                        new LanguageModelScorerFunction(ModelSource.path(elmanLm.toString())))
                .sinkTo(MiniJobs.sink(run, s -> s.key + "#" + s.position));
        env2.execute();
        Map<String, Long> firstPositions = new HashMap<>();
        for (WordEvent e : first) {
            firstPositions.merge(e.key, 1L, Long::sum);
        }
        expected.putAll(LibraryReference.score(elmanLm, second, firstPositions));
        Map<String, String> actual = new TreeMap<>(MiniJobs.RESULTS.remove(run));
        actual.keySet().removeIf(k -> k.startsWith("~idle#"));
        assertEquals(expected, actual);
    }

    @Test
    void aModelFileOfTheWrongKindFailsTheJobWithAClearMessage() {
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        VecrnnStreams.tag(MiniJobs.source(env, sentence("k", "w1", "."), null, 1e6, WORD_EVENT, "source"),
                        new StreamingTaggerFunction(ModelSource.path(scrn.toString())))
                .sinkTo(MiniJobs.sink(run, t -> t.key + "#" + t.position));
        Exception e = assertThrows(Exception.class, env::execute);
        assertTrue(ExceptionUtils.findThrowableWithMessage(e, "holds a scrn model, not a tagger").isPresent(),
                () -> ExceptionUtils.stringifyException(e));
        MiniJobs.RESULTS.remove(run);
    }

    @Test
    void anScrnWithoutASoftmaxOverItsWordsFailsTheScorerWithAClearMessage() throws Exception {
        Path file = TestModels.sigmoidScrnOverWords(dir);
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 1, null);
        VecrnnStreams.score(MiniJobs.source(env, sentence("k", "w1", "."), null, 1e6, WORD_EVENT, "source"),
                        new LanguageModelScorerFunction(ModelSource.path(file.toString())))
                .sinkTo(MiniJobs.sink(run, t -> t.key + "#" + t.position));
        Exception e = assertThrows(Exception.class, env::execute);
        assertTrue(ExceptionUtils.findThrowableWithMessage(e, "SIGMOID outputs").isPresent(),
                () -> ExceptionUtils.stringifyException(e));
        MiniJobs.RESULTS.remove(run);
    }
}
