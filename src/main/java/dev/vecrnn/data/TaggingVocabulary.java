package dev.vecrnn.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The word and label vocabularies of a tagger, built from its training file the way the RNNSLU
 * tutorial's ATIS pipeline did: words are normalised ({@link WordNormalizer}), words seen fewer
 * than {@code minCount} times in training (default 2: seen once) become {@code <UNK>}, as do
 * words never seen; labels are those of the training file, in first-occurrence order, and a label
 * outside them in dev/test data is encoded as an id no model can output ({@link #encode}), so it
 * counts as an error.
 *
 * <p>Word ids follow {@link Vocabulary.Builder#build}: by training frequency, ties by first
 * occurrence; {@code <UNK>} is ranked by its own count (it comes last when the text never spells
 * it out).
 *
 * @param words      word vocabulary, with unknown word {@link Vocabulary#TAGGER_UNK}
 * @param labels     label vocabulary, no unknown label (ids 0 … {@link #labelCount()}−1)
 * @param normalizer applied to every word before look-up
 */
public record TaggingVocabulary(Vocabulary words, Vocabulary labels, WordNormalizer normalizer) {
    /** The tutorial's cut-off: words seen once in training become {@code <UNK>}. */
    public static final int DEFAULT_MIN_COUNT = 2;

    public TaggingVocabulary {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(normalizer, "normalizer");
        if (words.unknownId() < 0) {
            throw new IllegalArgumentException("a tagger's word vocabulary needs an unknown word");
        }
    }

    /** Vocabularies with the default cut-off (min count 2) and no normalisation. */
    public static TaggingVocabulary build(TaggedCorpus train) {
        return build(train, WordNormalizer.NONE, DEFAULT_MIN_COUNT);
    }

    /**
     * Vocabularies from the training corpus.
     *
     * @param minCount normalised words seen fewer times become {@code <UNK>} (1 keeps every word)
     */
    public static TaggingVocabulary build(TaggedCorpus train, WordNormalizer normalizer, int minCount) {
        Vocabulary.Builder b = Vocabulary.builder();
        for (TaggedSentence s : train) {
            for (String w : s.words()) {
                b.add(normalizer.normalize(w));
            }
        }
        Vocabulary words = b.build(minCount, 0, Vocabulary.TAGGER_UNK, Vocabulary.TAGGER_UNK);
        return new TaggingVocabulary(words, Vocabulary.labelsOf(train), normalizer);
    }

    /** Number of word ids (the model's {@code ne}). */
    public int wordCount() {
        return words.size();
    }

    /** Number of labels (the model's {@code nc}). */
    public int labelCount() {
        return labels.size();
    }

    /** The id of a raw word: normalised, then looked up, {@code <UNK>} when absent. */
    public int wordId(String rawWord) {
        return words.idOrUnknown(normalizer.normalize(rawWord));
    }

    /** The ids of raw words. */
    public int[] encodeWords(String[] rawWords) {
        int[] ids = new int[rawWords.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = wordId(rawWords[i]);
        }
        return ids;
    }

    /**
     * The label with this id, in [0, {@link #labelCount()}); an unseen label's id (from {@link #encode})
     * is named by its corpus, {@link EncodedCorpus#labelNames(List)}.
     */
    public String label(int id) {
        return labels.word(id);
    }

    /** The first {@code n} labels of {@code ids}, as strings. */
    public String[] decodeLabels(int[] ids, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = labels.word(ids[i]);
        }
        return out;
    }

    /**
     * The corpus as ids. A label the training data never had (possible in dev and test data only)
     * can never be guessed: it gets the id {@code labelCount() + k}, where k is its index in the
     * result's {@link EncodedCorpus#unseenLabels()} (first occurrence order), so that scoring counts
     * every such token as an error, as conlleval does (SPEC §1), instead of refusing the file.
     */
    public EncodedCorpus encode(TaggedCorpus corpus) {
        int n = corpus.size();
        int nc = labels.size();
        int[][] w = new int[n][];
        int[][] l = new int[n][];
        Map<String, Integer> unseen = new LinkedHashMap<>();
        for (int s = 0; s < n; s++) {
            TaggedSentence sent = corpus.get(s);
            String[] lab = sent.labels();
            w[s] = encodeWords(sent.words());
            l[s] = new int[lab.length];
            for (int t = 0; t < lab.length; t++) {
                int id = labels.id(lab[t]);
                if (id < 0) {
                    id = nc + unseen.computeIfAbsent(lab[t], k -> unseen.size());
                }
                l[s][t] = id;
            }
        }
        return new EncodedCorpus(corpus.source(), w, l, List.copyOf(unseen.keySet()));
    }
}
