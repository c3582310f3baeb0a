package dev.vecrnn.flink;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.StreamingTagger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Objects;

/**
 * Tags each key's stream of words as it arrives with a vecrnn Elman tagger ({@link StreamingTagger}):
 * a word's label needs the (cs − 1)/2 words to its right, so the label of the word at position p is
 * emitted when word p + (cs − 1)/2 arrives, and the labels still pending are emitted at the sentence's
 * end-of-sentence event. The labels are those of tagging each sentence whole.
 *
 * <p>Use it on a stream keyed by {@link WordEvent#keyOrEmpty()} ({@link VecrnnStreams#tag} does the
 * wiring). The tagger model is loaded from the {@link ModelSource} once per parallel task; the only
 * per-key state is the sentence in progress, one value of explicit type
 * (position in the key's stream, the tagger's window and position, its hidden vector, the pending words
 * as they came in): about 4·(cs + nh) bytes plus the pending words.
 *
 * <p><b>Bad events never fail the job.</b> An unknown word (after the model's normaliser) is tagged as
 * the model's unknown word {@code <UNK>}, as the library does, and a null word as an unknown word;
 * an end of sentence for a key with no words pending emits nothing; a key without state (new, or
 * dropped by the state TTL) starts a new sentence at position 0; a key whose saved state does not fit
 * the model (a state written with another model file) is counted in the metric
 * {@code vecrnnStateResets} and starts afresh. Unknown words are counted in {@code vecrnnUnknownWords}.
 */
public class StreamingTaggerFunction extends KeyedProcessFunction<String, WordEvent, TaggedWord> {
    private static final long serialVersionUID = 1L;

    /** The per-key state: (key position, tagger ints, tagger floats, pending words by position mod lag). */
    static final TypeInformation<Tuple4<Long, int[], float[], String[]>> STATE_TYPE = Types.TUPLE(Types.LONG,
            Types.PRIMITIVE_ARRAY(Types.INT), Types.PRIMITIVE_ARRAY(Types.FLOAT), Types.OBJECT_ARRAY(Types.STRING));

    private final ModelSource modelSource;
    private Duration stateTtl;

    private transient StreamingTagger tagger;
    private transient TaggingVocabulary vocabulary;
    private transient int[] flushed;
    private transient ValueState<Tuple4<Long, int[], float[], String[]>> state;
    private transient Counter unknownWords, stateResets;

    public StreamingTaggerFunction(ModelSource modelSource) {
        this.modelSource = Objects.requireNonNull(modelSource, "modelSource");
    }

    /** Drops a key's state when it has not been written for {@code ttl}; its next word starts afresh. */
    public StreamingTaggerFunction withStateTtl(Duration ttl) {
        this.stateTtl = KeyStateDescriptors.checkTtl(ttl);
        return this;
    }

    /**
     * Loads the model and makes the task's one streaming tagger.
     *
     * @throws IllegalArgumentException when the model file holds no tagger
     */
    @Override
    public void open(OpenContext openContext) throws Exception {
        ModelFile.Loaded loaded = modelSource.load(getRuntimeContext());
        if (loaded.kind() != ModelFile.Kind.TAGGER) {
            throw new IllegalArgumentException(modelSource + " holds a " + loaded.kind().id() + " model, not a tagger");
        }
        tagger = loaded.tagger().newStreamingTagger();
        vocabulary = loaded.taggingVocabulary();
        flushed = new int[tagger.lag()];
        state = getRuntimeContext().getState(KeyStateDescriptors.descriptor("vecrnn-tagger", STATE_TYPE, stateTtl));
        unknownWords = getRuntimeContext().getMetricGroup().counter("vecrnnUnknownWords");
        stateResets = getRuntimeContext().getMetricGroup().counter("vecrnnStateResets");
    }

    @Override
    public void processElement(WordEvent event, Context ctx, Collector<TaggedWord> out) throws Exception {
        String key = ctx.getCurrentKey();
        Tuple4<Long, int[], float[], String[]> s = state.value();
        if (s == null || !restore(s)) {
            if (event.endOfSentence) {
                return; // nothing pending, nothing to keep
            }
            // a state that does not fit keeps its position (if it has one), so positions stay unique
            long position = s != null && s.f0 != null && s.f0 >= 0 ? s.f0 : 0L;
            s = Tuple4.of(position, new int[tagger.stateIntCount()], new float[tagger.stateFloatCount()],
                    new String[tagger.lag()]);
            tagger.reset();
        }
        int lag = tagger.lag();
        long position = s.f0;
        if (event.endOfSentence) {
            int n = tagger.finish(flushed, 0);
            for (int i = 0; i < n; i++) {
                long p = position - n + i;
                out.collect(new TaggedWord(key, p, s.f3[(int) (p % lag)], vocabulary.label(flushed[i])));
            }
        } else {
            String word = event.word == null ? "" : event.word;
            int id = vocabulary.wordId(word);
            if (id == vocabulary.words().unknownId()) {
                unknownWords.inc();
            }
            int label = tagger.push(id);
            if (label >= 0) {
                long p = position - lag;
                out.collect(new TaggedWord(key, p, lag == 0 ? word : s.f3[(int) (p % lag)], vocabulary.label(label)));
            }
            if (lag > 0) {
                s.f3[(int) (position % lag)] = word;
            }
            s.f0 = position + 1;
        }
        tagger.saveState(s.f1, 0, s.f2, 0);
        for (int i = 0; i < lag; i++) {
            if (s.f3[i] == null) {
                s.f3[i] = "";
            }
        }
        state.update(s);
    }

    /** Loads a key's saved state into the tagger; false (counted) when it does not fit this model. */
    private boolean restore(Tuple4<Long, int[], float[], String[]> s) {
        try {
            if (s.f0 == null || s.f0 < 0 || s.f3 == null || s.f3.length != tagger.lag()
                    || s.f1 == null || s.f1.length != tagger.stateIntCount()
                    || s.f2 == null || s.f2.length != tagger.stateFloatCount()) {
                throw new IllegalArgumentException("saved state of another shape");
            }
            tagger.restoreState(s.f1, 0, s.f2, 0);
            return true;
        } catch (IllegalArgumentException e) {
            stateResets.inc();
            return false;
        }
    }
}
