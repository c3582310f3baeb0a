package dev.vecrnn.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The example job of the README: reads {@code key word} lines (see {@link WordEventLines}) from a file,
 * tags or scores each key's words with a vecrnn model file, and prints the results (tab-separated:
 * key, position, word, then the label, or the surprisal and the running perplexity).
 *
 * <pre>
 *   ExampleJob tag   MODEL INPUT [--parallelism N]
 *   ExampleJob score MODEL INPUT [--parallelism N]
 * </pre>
 *
 * The model file is shipped to the task managers through Flink's distributed cache, so it only needs
 * to be readable where the job is submitted.
 */
public final class ExampleJob {
    private ExampleJob() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && !(args.length == 5 && args[3].equals("--parallelism"))
                || !(args[0].equals("tag") || args[0].equals("score"))) {
            System.err.println("usage: ExampleJob tag|score MODEL INPUT [--parallelism N]");
            System.exit(2);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (args.length == 5) {
            env.setParallelism(Integer.parseInt(args[4]));
        }
        env.registerCachedFile(java.nio.file.Path.of(args[1]).toAbsolutePath().toUri().toString(), "vecrnn-model");
        ModelSource model = ModelSource.distributedCache("vecrnn-model");
        FileSource<String> lines = FileSource.forRecordStreamFormat(new TextLineInputFormat(),
                new org.apache.flink.core.fs.Path(java.nio.file.Path.of(args[2]).toAbsolutePath().toUri())).build();
        DataStream<WordEvent> events = env.fromSource(lines, WatermarkStrategy.noWatermarks(), "key-word lines")
                .setParallelism(1) // one reader keeps each key's words in file order
                .flatMap(new WordEventLines(), Types.POJO(WordEvent.class)).setParallelism(1);
        if (args[0].equals("tag")) {
            VecrnnStreams.tag(events, new StreamingTaggerFunction(model)).print();
        } else {
            VecrnnStreams.score(events, new LanguageModelScorerFunction(model)).print();
        }
        env.execute("vecrnn " + args[0] + " " + args[2]);
    }
}
