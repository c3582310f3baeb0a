package dev.vecrnn.flink;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example job's pieces: {@code key word} lines, and a model file shipped by the distributed cache. */
class DistributedCacheAndLinesTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniJobs.miniCluster();

    @TempDir
    static Path dir;

    private static List<WordEvent> parse(String... lines) {
        List<WordEvent> out = new ArrayList<>();
        Collector<WordEvent> collector = new Collector<>() {
            @Override
            public void collect(WordEvent record) {
                out.add(record);
            }

            @Override
            public void close() {
            }
        };
        for (String line : lines) {
            new WordEventLines().flatMap(line, collector);
        }
        return out;
    }

    @Test
    void linesAreWordsEndsOfSentenceOrNothing() {
        assertEquals(List.of(WordEvent.word("a", "w1"), WordEvent.word("b", "w2"), WordEvent.word("a", "w3"),
                        WordEvent.word("a", "w4"), WordEvent.endOfSentence("a")),
                parse("a w1", "  b\tw2 ", "", "   ", "a w3 w4", "a"));
    }

    @Test
    void theScorerReadsItsModelFromTheDistributedCache() throws Exception {
        Path model = TestModels.scrnLanguageModel(dir);
        List<String> lines = new ArrayList<>();
        for (WordEvent e : StreamFixtures.wordEvents(10, 2, 8)) {
            lines.add(e.endOfSentence ? e.key : e.key + " " + e.word);
        }
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = MiniJobs.environment("hashmap", 2, null);
        env.registerCachedFile(model.toUri().toString(), "the-model");
        DataStream<WordEvent> events = MiniJobs.source(env, lines, null, 1e6, Types.STRING, "lines")
                .flatMap(new WordEventLines(), Types.POJO(WordEvent.class)).setParallelism(1);
        VecrnnStreams.score(events, new LanguageModelScorerFunction(ModelSource.distributedCache("the-model")))
                .sinkTo(MiniJobs.sink(run, s -> s.key + "#" + s.position));
        env.execute();
        Map<String, String> expected = new TreeMap<>(LibraryReference.score(model, parse(lines.toArray(new String[0]))));
        assertEquals(expected, new TreeMap<>(MiniJobs.RESULTS.remove(run)));
    }
}
