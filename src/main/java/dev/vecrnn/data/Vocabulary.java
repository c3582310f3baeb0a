package dev.vecrnn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable map between words and dense ids {@code 0 .. size()-1}, with an optional unknown
 * word that stands for everything outside it.
 *
 * <p>Built from counts ({@link Builder}), ids follow SPEC §3: by frequency, most frequent first,
 * ties by first occurrence; words below a minimum count, or beyond a maximum size, are left out;
 * reserved words (such as {@code <unk>} and {@code <eos>}) are always in, ranked by their own count
 * like any word, and those that never occurred come last in the order given. Label vocabularies
 * ({@link #labelsOf}) keep first-occurrence order and have no unknown word.
 */
public final class Vocabulary {
    /** The unknown word of tagger vocabularies (the RNNSLU tutorial's spelling). */
    public static final String TAGGER_UNK = "<UNK>";
    /** The unknown word of language-model vocabularies (SPEC §3). */
    public static final String LM_UNK = "<unk>";
    /** The end-of-sentence token of language models, appended to every line (SPEC §3). */
    public static final String LM_EOS = "<eos>";

    private final String[] words;
    private final Map<String, Integer> ids;
    private final int unknownId;

    private Vocabulary(String[] words, String unknownWord) {
        this.words = words;
        this.ids = new HashMap<>(words.length * 2);
        for (int i = 0; i < words.length; i++) {
            Objects.requireNonNull(words[i], "word " + i);
            if (ids.putIfAbsent(words[i], i) != null) {
                throw new IllegalArgumentException("duplicate word in vocabulary: '" + words[i] + "'");
            }
        }
        if (unknownWord == null) {
            unknownId = -1;
        } else {
            Integer u = ids.get(unknownWord);
            if (u == null) {
                throw new IllegalArgumentException("unknown word '" + unknownWord + "' is not in the vocabulary");
            }
            unknownId = u;
        }
    }

    /**
     * A vocabulary with exactly these ids (word i has id i), for instance read back from a model
     * file. {@code unknownWord} may be null (no unknown word); otherwise it must be in the list.
     */
    public static Vocabulary of(List<String> words, String unknownWord) {
        return new Vocabulary(words.toArray(String[]::new), unknownWord);
    }

    /** Number of words. */
    public int size() {
        return words.length;
    }

    /** The word with this id. */
    public String word(int id) {
        return words[id];
    }

    /** The id of a word, or −1 when it is not in the vocabulary. */
    public int id(String word) {
        Integer i = ids.get(word);
        return i == null ? -1 : i;
    }

    /** The id of a word, or the unknown word's id when it is not in the vocabulary. */
    public int idOrUnknown(String word) {
        Integer i = ids.get(word);
        if (i != null) {
            return i;
        }
        if (unknownId < 0) {
            throw new IllegalArgumentException("'" + word + "' is not in a vocabulary without an unknown word");
        }
        return unknownId;
    }

    /** Whether the word has an id of its own. */
    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    /** The id of the unknown word, or −1 when there is none. */
    public int unknownId() {
        return unknownId;
    }

    /** The unknown word, or null. */
    public String unknownWord() {
        return unknownId < 0 ? null : words[unknownId];
    }

    /** All words in id order (unmodifiable). */
    public List<String> words() {
        return Collections.unmodifiableList(Arrays.asList(words));
    }

    @Override
    public String toString() {
        return "Vocabulary[" + words.length + " words" + (unknownId < 0 ? "" : ", unknown '" + words[unknownId] + "'") + "]";
    }

    /** A builder that counts words in order of appearance. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The label vocabulary of a tagged corpus: every label, in first-occurrence order, no unknown
     * label.
     */
    public static Vocabulary labelsOf(TaggedCorpus corpus) {
        LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
        for (TaggedSentence s : corpus) {
            for (String l : s.labels()) {
                seen.putIfAbsent(l, Boolean.TRUE);
            }
        }
        return new Vocabulary(seen.keySet().toArray(String[]::new), null);
    }

    /**
     * The word vocabulary of a language model (SPEC §3) from the training lines (tokens of each
     * line, without {@code <eos>}): {@code <eos>} is counted once per line; {@code <unk>} and
     * {@code <eos>} are always in; the unknown word is {@code <unk>}.
     *
     * @param minCount words seen fewer times are left out (1 keeps all)
     * @param maxSize  at most this many words in all, reserved ones included (≤ 0: no limit)
     */
    public static Vocabulary forLanguageModel(Iterable<String[]> lines, int minCount, int maxSize) {
        Builder b = builder();
        for (String[] line : lines) {
            b.addAll(line);
            b.add(LM_EOS);
        }
        return b.build(minCount, maxSize, LM_UNK, LM_UNK, LM_EOS);
    }

    /**
     * {@link #forLanguageModel(Iterable, int, int)} of a plain-text file's lines, counted as the file is
     * streamed ({@link PlainTextReader#scan}): memory for the counts, not for the text.
     */
    public static Vocabulary forLanguageModel(Path file, int minCount, int maxSize) throws IOException {
        Builder b = builder();
        PlainTextReader.scan(file, new PlainTextReader.TokenSink() {
            @Override
            public void token(String token) {
                b.add(token);
            }

            @Override
            public void endOfLine() {
                b.add(LM_EOS);
            }
        });
        return b.build(minCount, maxSize, LM_UNK, LM_UNK, LM_EOS);
    }

    /** Counts words; {@link #build} turns the counts into a {@link Vocabulary}. */
    public static final class Builder {
        // insertion order of a LinkedHashMap = first occurrence
        private final LinkedHashMap<String, long[]> counts = new LinkedHashMap<>();

        private Builder() {}

        /** Counts one occurrence. */
        public Builder add(String word) {
            counts.computeIfAbsent(Objects.requireNonNull(word, "word"), k -> new long[1])[0]++;
            return this;
        }

        /** Counts each word. */
        public Builder addAll(String... words) {
            for (String w : words) {
                add(w);
            }
            return this;
        }

        /** How often a word was counted. */
        public long count(String word) {
            long[] c = counts.get(word);
            return c == null ? 0 : c[0];
        }

        /** Number of distinct words counted. */
        public int distinct() {
            return counts.size();
        }

        /**
         * The vocabulary: words with count ≥ minCount, by count descending then first occurrence;
         * at most maxSize words (≤ 0: no limit), the reserved ones always among them; reserved
         * words never counted come last, in the order given.
         *
         * @param unknownWord the unknown word (null for none); it must be one of {@code reserved}
         */
        public Vocabulary build(int minCount, int maxSize, String unknownWord, String... reserved) {
            if (unknownWord != null && !Arrays.asList(reserved).contains(unknownWord)) {
                throw new IllegalArgumentException("the unknown word '" + unknownWord + "' must be reserved");
            }
            List<String> reservedList = new ArrayList<>();
            for (String r : reserved) {
                if (!reservedList.contains(Objects.requireNonNull(r, "reserved word"))) {
                    reservedList.add(r);
                }
            }
            if (maxSize > 0 && maxSize < reservedList.size()) {
                throw new IllegalArgumentException("maxSize " + maxSize + " is smaller than the "
                        + reservedList.size() + " reserved words");
            }
            // rank every counted word: count descending, then first occurrence (stable sort keeps it)
            List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
            ranked.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
            int room = maxSize > 0 ? maxSize - reservedList.size() : Integer.MAX_VALUE;
            HashSet<String> keep = new HashSet<>(reservedList);
            for (Map.Entry<String, long[]> e : ranked) {
                if (room <= 0) {
                    break;
                }
                if (e.getValue()[0] >= minCount && !keep.contains(e.getKey())) {
                    keep.add(e.getKey());
                    room--;
                }
            }
            List<String> out = new ArrayList<>(keep.size());
            for (Map.Entry<String, long[]> e : ranked) {
                if (keep.contains(e.getKey())) {
                    out.add(e.getKey());
                }
            }
            for (String r : reservedList) {
                if (!counts.containsKey(r)) {
                    out.add(r);
                }
            }
            return new Vocabulary(out.toArray(String[]::new), unknownWord);
        }
    }
}
