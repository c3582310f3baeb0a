package dev.vecrnn.flink;

import java.io.Serializable;
import java.util.Objects;

/**
 * An input event of the {@link StreamingTaggerFunction} and the {@link LanguageModelScorerFunction}:
 * the next word of the stream {@code key}, or the end of that stream's current sentence.
 *
 * <p>A Flink POJO (public fields, public no-argument constructor), so Flink serialises it with its
 * own POJO serializer, not Kryo. A null {@code word} is read as an unknown word.
 */
public class WordEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The stream (session, user, log source) the word belongs to; the operators are keyed by it. */
    public String key;
    /** The word as it appears in the input (the model's normaliser and vocabulary are applied to it). */
    public String word;
    /** Whether this event ends the current sentence (then {@code word} is ignored). */
    public boolean endOfSentence;

    /** For Flink's POJO serializer. */
    public WordEvent() {
    }

    public WordEvent(String key, String word, boolean endOfSentence) {
        this.key = key;
        this.word = word;
        this.endOfSentence = endOfSentence;
    }

    /** The next word of stream {@code key}. */
    public static WordEvent word(String key, String word) {
        return new WordEvent(key, word, false);
    }

    /** The end of stream {@code key}'s current sentence. */
    public static WordEvent endOfSentence(String key) {
        return new WordEvent(key, null, true);
    }

    /** The key, with null read as the empty key (Flink cannot route a null key). */
    public String keyOrEmpty() {
        return key == null ? "" : key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordEvent e && endOfSentence == e.endOfSentence && Objects.equals(key, e.key)
                && Objects.equals(word, e.word);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, word, endOfSentence);
    }

    @Override
    public String toString() {
        return endOfSentence ? key + " <end of sentence>" : key + " " + word;
    }
}
