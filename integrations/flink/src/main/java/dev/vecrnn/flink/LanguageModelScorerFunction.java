package dev.vecrnn.flink;

import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnNetwork;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple5;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Objects;

/**
 * Scores each key's stream of words with a vecrnn language model (an SCRN or an Elman LM): for the
 * word w at position t of the key's stream it emits the surprisal −ln p(w | the key's words before t)
 * and the key's running perplexity exp(mean surprisal of its words 0..t), the building block of
 * anomaly detection on logs or click streams.
 *
 * <p>Every key's history starts as the model's training data does at a sentence boundary: the state
 * after reading {@code <eos>} from the zero state, so the first word is scored too. An
 * end-of-sentence event is the word {@code <eos>}, scored like any word (the model predicts it). The
 * surprisal is the model's own negative log-likelihood of w, {@link LanguageModel#loss} over one step of
 * a one-stream state (input the previous word, target w), which advances the state by the previous word:
 * with a full softmax the fused softmax + cross-entropy over all V logits; with a hierarchical softmax
 * only the nodes on w's path in the tree; with a class softmax the class scores and the scores of the
 * words in w's class. So a hierarchical or class softmax model is scored without computing the other
 * words' scores. It is computed in float by the library's kernels (as in training and evaluation), so
 * it equals a log-sum-exp in double over {@link LanguageModel#step}'s logits to float rounding (within
 * 1e−6 at V = 10,000), not bit for bit.
 *
 * <p>Use it on a stream keyed by {@link WordEvent#keyOrEmpty()} ({@link VecrnnStreams#score}). The
 * model is loaded from the {@link ModelSource} once per parallel task; per key it keeps one value of
 * explicit type: the recurrent state before the previous word ([h ‖ s], nh + ns floats), the previous
 * word's id, the key's position, and the length and summed surprisal of its history.
 *
 * <p><b>Bad events never fail the job.</b> An unknown word (and a null word) is scored as the model's
 * {@code <unk>} (counted in {@code vecrnnUnknownWords}), as the library's readers map it; a key
 * without state (new, or dropped by the state TTL) starts a fresh history at position 0; a saved state
 * that does not fit the model (one written with another model file) is counted in
 * {@code vecrnnStateResets} and starts a fresh history, keeping its position (so (key, position) stays
 * unique); the running perplexity is then over the new history.
 */
public class LanguageModelScorerFunction extends KeyedProcessFunction<String, WordEvent, WordScore> {
    private static final long serialVersionUID = 1L;

    /**
     * The per-key state: (state before the previous word, previous word id, position in the key's
     * stream, words in the history, their summed surprisal).
     */
    static final TypeInformation<Tuple5<float[], Integer, Long, Long, Double>> STATE_TYPE = Types.TUPLE(
            Types.PRIMITIVE_ARRAY(Types.FLOAT), Types.INT, Types.LONG, Types.LONG, Types.DOUBLE);

    private final ModelSource modelSource;
    private Duration stateTtl;

    private transient LanguageModel model;
    private transient Vocabulary words;
    private transient int eos;
    private transient RecurrentState recurrent;
    private transient int[] previousWord, target; // loss()'s one-step input and target, reused
    private transient ValueState<Tuple5<float[], Integer, Long, Long, Double>> state;
    private transient Counter unknownWords, stateResets;

    public LanguageModelScorerFunction(ModelSource modelSource) {
        this.modelSource = Objects.requireNonNull(modelSource, "modelSource");
    }

    /** Drops a key's state when it has not been written for {@code ttl}; its next word starts afresh. */
    public LanguageModelScorerFunction withStateTtl(Duration ttl) {
        this.stateTtl = KeyStateDescriptors.checkTtl(ttl);
        return this;
    }

    /**
     * Loads the model.
     *
     * @throws IllegalArgumentException when the file holds no language model, or one saved without its
     *                                  word vocabulary (it could not map words to ids), or an SCRN whose
     *                                  outputs are not a softmax over its input words
     */
    @Override
    public void open(OpenContext openContext) throws Exception {
        ModelFile.Loaded loaded = modelSource.load(getRuntimeContext());
        if (loaded.kind() == ModelFile.Kind.TAGGER || loaded.words() == null) {
            throw new IllegalArgumentException(modelSource + " holds " + (loaded.kind() == ModelFile.Kind.TAGGER
                    ? "a tagger" : "a " + loaded.kind().id() + " model without a word vocabulary")
                    + ", not a language model over words");
        }
        model = loaded.languageModel();
        words = loaded.words();
        eos = words.id(Vocabulary.LM_EOS);
        if (eos < 0 || words.unknownId() < 0) {
            throw new IllegalArgumentException(modelSource + ": the vocabulary has no " + Vocabulary.LM_EOS
                    + " or no unknown word");
        }
        if (model instanceof ScrnNetwork net && (net.config().activation() != OutputActivation.SOFTMAX
                || net.config().outputSize() != net.config().inputSize())) {
            throw new IllegalArgumentException(modelSource + " holds an SCRN with " + net.config().activation()
                    + " outputs over " + net.config().outputSize() + " of its " + net.config().inputSize()
                    + " words, not a language model (a softmax over its words)");
        }
        recurrent = model.newState(1);
        previousWord = new int[1];
        target = new int[1];
        state = getRuntimeContext().getState(KeyStateDescriptors.descriptor("vecrnn-lm", STATE_TYPE, stateTtl));
        unknownWords = getRuntimeContext().getMetricGroup().counter("vecrnnUnknownWords");
        stateResets = getRuntimeContext().getMetricGroup().counter("vecrnnStateResets");
    }

    @Override
    public void processElement(WordEvent event, Context ctx, Collector<WordScore> out) throws Exception {
        Tuple5<float[], Integer, Long, Long, Double> s = state.value();
        if (s == null || !restore(s)) {
            long position = s != null && s.f2 != null && s.f2 >= 0 ? s.f2 : 0L;
            s = Tuple5.of(new float[recurrent.stateSize()], eos, position, 0L, 0.0);
            recurrent.reset();
        }
        String word;
        int id;
        if (event.endOfSentence) {
            word = Vocabulary.LM_EOS;
            id = eos;
        } else {
            word = event.word == null ? "" : event.word;
            id = words.id(word);
            if (id < 0) {
                id = words.unknownId();
                unknownWords.inc();
            }
        }
        previousWord[0] = s.f1;
        target[0] = id;
        double surprisal = model.loss(recurrent, 1, previousWord, target); // reads the previous word, scores this one
        recurrent.saveState(0, s.f0, 0);
        long position = s.f2, words = s.f3 + 1;
        double sum = s.f4 + surprisal;
        s.f1 = id;
        s.f2 = position + 1;
        s.f3 = words;
        s.f4 = sum;
        state.update(s);
        out.collect(new WordScore(ctx.getCurrentKey(), position, word, surprisal, Math.exp(sum / words)));
    }

    private boolean restore(Tuple5<float[], Integer, Long, Long, Double> s) {
        try {
            if (s.f1 == null || s.f1 < 0 || s.f1 >= model.vocabularySize() || s.f2 == null || s.f2 < 0
                    || s.f3 == null || s.f3 < 0 || s.f4 == null || s.f0 == null || s.f0.length != recurrent.stateSize()) {
                throw new IllegalArgumentException("saved state of another shape");
            }
            recurrent.restoreState(0, s.f0, 0);
            return true;
        } catch (IllegalArgumentException e) {
            stateResets.inc();
            return false;
        }
    }
}
