package dev.vecrnn.flink;

import java.util.Objects;

/**
 * An output of the {@link StreamingTaggerFunction}: the label of the word at {@code position} of
 * stream {@code key}. Positions count the words of the key's stream from 0 across all its
 * sentences (end-of-sentence markers are not counted), so (key, position) identifies an output and a
 * sink keyed by it is idempotent under replays. A Flink POJO.
 */
public class TaggedWord {
    public String key;
    /** The word's index in the key's stream, from 0. */
    public long position;
    /** The word as it came in. */
    public String word;
    /** The predicted label (from the model file's label vocabulary). */
    public String label;

    /** For Flink's POJO serializer. */
    public TaggedWord() {
    }

    public TaggedWord(String key, long position, String word, String label) {
        this.key = key;
        this.position = position;
        this.word = word;
        this.label = label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaggedWord t && position == t.position && Objects.equals(key, t.key)
                && Objects.equals(word, t.word) && Objects.equals(label, t.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, word, label);
    }

    @Override
    public String toString() {
        return key + "\t" + position + "\t" + word + "\t" + label;
    }
}
