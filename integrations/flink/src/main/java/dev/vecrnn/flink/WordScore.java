package dev.vecrnn.flink;

import java.util.Objects;

/**
 * An output of the {@link LanguageModelScorerFunction}: how surprising the word at {@code position}
 * of stream {@code key} was given the key's history. (key, position) identifies an output. A Flink POJO.
 */
public class WordScore {
    public String key;
    /** The event's index in the key's stream, from 0 (end-of-sentence events count: they are the word {@code <eos>}). */
    public long position;
    /** The word as it came in ({@code <eos>} for an end-of-sentence event). */
    public String word;
    /** −ln p(word | the key's history), in nats; an unknown word is scored as {@code <unk>}. */
    public double surprisal;
    /** exp(mean surprisal) over the key's words up to and including this one. */
    public double perplexity;

    /** For Flink's POJO serializer. */
    public WordScore() {
    }

    public WordScore(String key, long position, String word, double surprisal, double perplexity) {
        this.key = key;
        this.position = position;
        this.word = word;
        this.surprisal = surprisal;
        this.perplexity = perplexity;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordScore s && position == s.position && Objects.equals(key, s.key)
                && Objects.equals(word, s.word) && Double.compare(surprisal, s.surprisal) == 0
                && Double.compare(perplexity, s.perplexity) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, word, surprisal, perplexity);
    }

    @Override
    public String toString() {
        return key + "\t" + position + "\t" + word + "\t" + surprisal + "\t" + perplexity;
    }
}
