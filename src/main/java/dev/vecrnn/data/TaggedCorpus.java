package dev.vecrnn.data;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The sentences of one tagged file, in file order, with the file's display name (used in error
 * messages).
 *
 * @param source    the file name or display name
 * @param sentences the sentences (an unmodifiable copy is kept)
 */
public record TaggedCorpus(String source, List<TaggedSentence> sentences) implements Iterable<TaggedSentence> {

    public TaggedCorpus {
        Objects.requireNonNull(source, "source");
        sentences = List.copyOf(sentences);
    }

    /** Number of sentences. */
    public int size() {
        return sentences.size();
    }

    /** Sentence i. */
    public TaggedSentence get(int i) {
        return sentences.get(i);
    }

    /** Total number of tokens. */
    public long tokenCount() {
        long n = 0;
        for (TaggedSentence s : sentences) {
            n += s.length();
        }
        return n;
    }

    /** Length of the longest sentence (0 when empty). */
    public int maxLength() {
        int m = 0;
        for (TaggedSentence s : sentences) {
            m = Math.max(m, s.length());
        }
        return m;
    }

    @Override
    public Iterator<TaggedSentence> iterator() {
        return sentences.iterator();
    }
}
