package dev.vecrnn.train;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chunk precision, recall and F1 and token accuracy, computed exactly as {@code conlleval.pl}
 * (CoNLL-2000 shared task, version 2004-01-26) computes them.
 *
 * <p>A label is split at its first hyphen into a tag and a type ({@code B-fromloc.city_name} →
 * {@code B}, {@code fromloc.city_name}); a label without a hyphen is a tag with the empty type
 * ({@code O}, or a bare {@code PER}). Between consecutive tokens, a chunk
 * <em>starts</em> at {@code B}, at {@code I} after {@code O}, or whenever a tag other than
 * {@code O} (or {@code .}) has a different type from the token before; a chunk <em>ends</em> before
 * {@code B} or {@code O} after {@code B}/{@code I}, or whenever the previous tag is not {@code O}
 * and the type changes. (conlleval's IOE rules for {@code E} and its one-token {@code [ ]} chunks
 * are kept too.) A sentence end closes every chunk. So {@code I-x} after {@code O} or after
 * another type starts a chunk, and a bare label without a prefix starts no chunk of its own, as in
 * conlleval. A chunk is correct when gold and guess start together with the same type and end
 * together. P = correct/guessed, R = correct/gold, F1 = 2PR/(P+R), all ×100 (0 when undefined).
 * Token accuracy counts tokens whose tag and type agree (for well-formed labels: the same label).
 *
 * <p>Sentences are fed one at a time ({@link #add(String[], String[])}, or with label ids
 * {@link #add(int[], int[], int)}); as in conlleval the state runs through the whole stream with a
 * boundary after each sentence. Not thread-safe.
 *
 * <p>Gold labels that the training data never had are scored by their own strings, as conlleval
 * scores a file: with ids, name them after the model's labels ({@link
 * dev.vecrnn.data.EncodedCorpus#labelNames(List)}); a model never guesses them, so each such token is
 * an error in accuracy and a gold chunk of an unseen type is never matched.
 */
public final class ChunkEval {
    private static final String O = "O";

    private final String[] idTag;
    private final String[] idType;

    // the running conlleval state
    private String lastCorrect = O;
    private String lastCorrectType = "";
    private String lastGuessed = O;
    private String lastGuessedType = "";
    private boolean inCorrect;

    private long tokens;
    private long correctTags;
    private long foundCorrect;
    private long foundGuessed;
    private long correctChunks;
    private final Map<String, long[]> perType = new TreeMap<>(); // type -> {gold, guessed, correct}

    /** An evaluator for string labels. */
    public ChunkEval() {
        this(List.of());
    }

    /**
     * An evaluator that also takes label ids ({@link #add(int[], int[], int)}); id i means
     * {@code labelNames.get(i)}.
     */
    public ChunkEval(List<String> labelNames) {
        int n = labelNames.size();
        idTag = new String[n];
        idType = new String[n];
        for (int i = 0; i < n; i++) {
            String l = labelNames.get(i);
            idTag[i] = tagOf(l);
            idType[i] = typeOf(l);
        }
    }

    /** The tag of a label: the text before its first hyphen, or the whole label without one. */
    static String tagOf(String label) {
        int h = label.indexOf('-');
        return h < 0 ? label : label.substring(0, h);
    }

    /** The type of a label: the text after its first hyphen, or "" (conlleval also maps "0" to ""). */
    static String typeOf(String label) {
        int h = label.indexOf('-');
        if (h < 0) {
            return "";
        }
        String t = label.substring(h + 1);
        return t.equals("0") ? "" : t; // Perl: $type ? $type : ""
    }

    /** Adds one sentence: gold and guessed labels, the same length. */
    public void add(String[] gold, String[] guess) {
        if (gold.length != guess.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " labels, guess " + guess.length);
        }
        for (int t = 0; t < gold.length; t++) {
            token(tagOf(gold[t]), typeOf(gold[t]), tagOf(guess[t]), typeOf(guess[t]), false);
        }
        boundary();
    }

    /**
     * Adds one sentence given as label ids: the first {@code length} entries of each array. Needs
     * the label names given at construction.
     */
    public void add(int[] gold, int[] guess, int length) {
        if (length > gold.length || length > guess.length) {
            throw new IllegalArgumentException("length " + length + " exceeds the arrays (" + gold.length + ", "
                    + guess.length + ")");
        }
        for (int t = 0; t < length; t++) {
            int g = gold[t];
            int p = guess[t];
            if (g < 0 || g >= idTag.length || p < 0 || p >= idTag.length) {
                throw new IllegalArgumentException("label id out of range [0, " + idTag.length + ") at token " + t
                        + ": gold " + g + ", guess " + p);
            }
            token(idTag[g], idType[g], idTag[p], idType[p], false);
        }
        boundary();
    }

    private void boundary() {
        token(O, "", O, "", true);
    }

    /** One line of conlleval's main loop. */
    private void token(String correct, String correctType, String guessed, String guessedType, boolean boundary) {
        if (inCorrect) {
            boolean endC = endOfChunk(lastCorrect, correct, lastCorrectType, correctType);
            boolean endG = endOfChunk(lastGuessed, guessed, lastGuessedType, guessedType);
            if (endC && endG && lastGuessedType.equals(lastCorrectType)) {
                inCorrect = false;
                correctChunks++;
                counts(lastCorrectType)[2]++;
            } else if (endC != endG || !guessedType.equals(correctType)) {
                inCorrect = false;
            }
        }
        boolean startC = startOfChunk(lastCorrect, correct, lastCorrectType, correctType);
        boolean startG = startOfChunk(lastGuessed, guessed, lastGuessedType, guessedType);
        if (startC && startG && guessedType.equals(correctType)) {
            inCorrect = true;
        }
        if (startC) {
            foundCorrect++;
            counts(correctType)[0]++;
        }
        if (startG) {
            foundGuessed++;
            counts(guessedType)[1]++;
        }
        if (!boundary) {
            if (correct.equals(guessed) && guessedType.equals(correctType)) {
                correctTags++;
            }
            tokens++;
        }
        lastGuessed = guessed;
        lastCorrect = correct;
        lastGuessedType = guessedType;
        lastCorrectType = correctType;
    }

    private long[] counts(String type) {
        return perType.computeIfAbsent(type, k -> new long[3]);
    }

    static boolean endOfChunk(String prevTag, String tag, String prevType, String type) {
        boolean end = false;
        if (prevTag.equals("B") && tag.equals("B")) end = true;
        if (prevTag.equals("B") && tag.equals("O")) end = true;
        if (prevTag.equals("I") && tag.equals("B")) end = true;
        if (prevTag.equals("I") && tag.equals("O")) end = true;
        if (prevTag.equals("E") && tag.equals("E")) end = true;
        if (prevTag.equals("E") && tag.equals("I")) end = true;
        if (prevTag.equals("E") && tag.equals("O")) end = true;
        if (!prevTag.equals("O") && !prevTag.equals(".") && !prevType.equals(type)) end = true;
        if (prevTag.equals("]") || prevTag.equals("[")) end = true;
        return end;
    }

    static boolean startOfChunk(String prevTag, String tag, String prevType, String type) {
        boolean start = false;
        if (prevTag.equals("B") && tag.equals("B")) start = true;
        if (prevTag.equals("I") && tag.equals("B")) start = true;
        if (prevTag.equals("O") && tag.equals("B")) start = true;
        if (prevTag.equals("O") && tag.equals("I")) start = true;
        if (prevTag.equals("E") && tag.equals("E")) start = true;
        if (prevTag.equals("E") && tag.equals("I")) start = true;
        if (prevTag.equals("O") && tag.equals("E")) start = true;
        if (!tag.equals("O") && !tag.equals(".") && !prevType.equals(type)) start = true;
        if (tag.equals("[") || tag.equals("]")) start = true;
        return start;
    }

    /** Forgets everything added. */
    public void reset() {
        lastCorrect = O;
        lastCorrectType = "";
        lastGuessed = O;
        lastGuessedType = "";
        inCorrect = false;
        tokens = correctTags = foundCorrect = foundGuessed = correctChunks = 0;
        perType.clear();
    }

    /**
     * The figures for everything added so far (conlleval's end-of-file step is applied to a copy,
     * so more sentences can still be added).
     */
    public Result result() {
        long correct = correctChunks;
        Map<String, TypeCounts> types = new TreeMap<>();
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] c = e.getValue();
            long cc = c[2] + (inCorrect && e.getKey().equals(lastCorrectType) ? 1 : 0);
            types.put(e.getKey(), new TypeCounts(c[0], c[1], cc));
        }
        if (inCorrect) {
            correct++;
        }
        return new Result(tokens, correctTags, foundCorrect, foundGuessed, correct, Collections.unmodifiableMap(types));
    }

    /** Evaluates whole data sets of gold and guessed label sequences, sentence by sentence. */
    public static Result evaluate(List<String[]> gold, List<String[]> guess) {
        if (gold.size() != guess.size()) {
            throw new IllegalArgumentException(gold.size() + " gold sentences but " + guess.size() + " guessed");
        }
        ChunkEval e = new ChunkEval();
        for (int i = 0; i < gold.size(); i++) {
            e.add(gold.get(i), guess.get(i));
        }
        return e.result();
    }

    /** P, R and F1 ×100 from counts; 0 where a denominator is 0. */
    static double[] prf(long gold, long guessed, long correct) {
        double p = guessed > 0 ? 100.0 * correct / guessed : 0.0;
        double r = gold > 0 ? 100.0 * correct / gold : 0.0;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
        return new double[] {p, r, f};
    }

    /**
     * Counts for one chunk type (conlleval's per-type lines).
     *
     * @param gold    chunks of this type in the gold labels
     * @param guessed chunks of this type in the guesses
     * @param correct chunks of this type guessed exactly
     */
    public record TypeCounts(long gold, long guessed, long correct) {
        /** 100 · correct / guessed (0 when nothing was guessed). */
        public double precision() {
            return prf(gold, guessed, correct)[0];
        }

        /** 100 · correct / gold (0 when there is no gold chunk). */
        public double recall() {
            return prf(gold, guessed, correct)[1];
        }

        /** 2PR/(P+R) (0 when P+R = 0). */
        public double f1() {
            return prf(gold, guessed, correct)[2];
        }
    }

    /**
     * The figures of an evaluation.
     *
     * @param tokens        tokens evaluated
     * @param correctTokens tokens whose guessed label equals the gold one
     * @param goldChunks    chunks in the gold labels
     * @param guessedChunks chunks in the guesses
     * @param correctChunks chunks guessed exactly
     * @param types         counts per chunk type, sorted by type name
     */
    public record Result(long tokens, long correctTokens, long goldChunks, long guessedChunks, long correctChunks,
                         Map<String, TypeCounts> types) {
        /** Chunk precision ×100. */
        public double precision() {
            return prf(goldChunks, guessedChunks, correctChunks)[0];
        }

        /** Chunk recall ×100. */
        public double recall() {
            return prf(goldChunks, guessedChunks, correctChunks)[1];
        }

        /** Chunk F1 ×100. */
        public double f1() {
            return prf(goldChunks, guessedChunks, correctChunks)[2];
        }

        /** Token accuracy ×100 (0 with no tokens). */
        public double accuracy() {
            return tokens > 0 ? 100.0 * correctTokens / tokens : 0.0;
        }

        /** conlleval's summary lines. */
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "processed %d tokens with %d phrases; found: %d phrases; correct: %d.%n"
                            + "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f",
                    tokens, goldChunks, guessedChunks, correctChunks, accuracy(), precision(), recall(), f1());
        }
    }
}
