package dev.vecrnn.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Wires the operators into a job: keys the input by its key (null read as the empty key), applies the
 * function and declares the output type explicitly. Each operator gets a fixed uid ({@code
 * vecrnn-tagger}, {@code vecrnn-scorer}, {@code vecrnn-stepper}; give another with {@code .uid(...)}
 * when a job has two of a kind), so its keyed state is found again when the job is restored from a
 * savepoint, at any parallelism.
 *
 * <pre>{@code
 * DataStream<WordEvent> words = ...;
 * DataStream<TaggedWord> tags = VecrnnStreams.tag(words, new StreamingTaggerFunction(ModelSource.path("/models/slots.vrnn")));
 * }</pre>
 */
public final class VecrnnStreams {
    /** The output types, for a job that wires the functions by hand. */
    public static final TypeInformation<TaggedWord> TAGGED_WORD = Types.POJO(TaggedWord.class);
    public static final TypeInformation<WordScore> WORD_SCORE = Types.POJO(WordScore.class);
    public static final TypeInformation<DenseOutput> DENSE_OUTPUT = Types.POJO(DenseOutput.class);

    private VecrnnStreams() {
    }

    /** Tags each key's words (see {@link StreamingTaggerFunction}). */
    public static SingleOutputStreamOperator<TaggedWord> tag(DataStream<WordEvent> events, StreamingTaggerFunction tagger) {
        return events.keyBy(WordEvent::keyOrEmpty, Types.STRING).process(tagger, TAGGED_WORD)
                .uid("vecrnn-tagger").name("vecrnn streaming tagger");
    }

    /** Scores each key's words with a language model (see {@link LanguageModelScorerFunction}). */
    public static SingleOutputStreamOperator<WordScore> score(DataStream<WordEvent> events, LanguageModelScorerFunction scorer) {
        return events.keyBy(WordEvent::keyOrEmpty, Types.STRING).process(scorer, WORD_SCORE)
                .uid("vecrnn-scorer").name("vecrnn language-model scorer");
    }

    /** Steps each key's feature vectors through an SCRN cell (see {@link DenseStepperFunction}). */
    public static SingleOutputStreamOperator<DenseOutput> step(DataStream<FeatureEvent> events, DenseStepperFunction stepper) {
        return events.keyBy(FeatureEvent::keyOrEmpty, Types.STRING).process(stepper, DENSE_OUTPUT)
                .uid("vecrnn-stepper").name("vecrnn dense stepper");
    }
}
