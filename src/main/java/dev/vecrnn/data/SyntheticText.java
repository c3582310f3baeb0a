package dev.vecrnn.data;

import dev.vecrnn.util.SeededRandom;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated plain text whose sentences depend on a word several words back, for showing what the
 * SCRN's slow context units remember and an Elman network of the same size does not. Each sentence is
 *
 * <pre>
 *   KEY  f₁ … f_g  door  ANSWER(KEY)
 * </pre>
 *
 * with KEY one of {@code red green blue gold}, g ∈ [minGap, minGap + gaps) filler words drawn
 * uniformly from eight, the marker {@code door}, and the answer the key's partner ({@code ruby jade
 * sapphire amber}): the last word is certain for a model that remembers the first, one of four for
 * one that does not. Reproducible from the seed.
 */
public final class SyntheticText {
    static final String[] KEYS = {"red", "green", "blue", "gold"};
    static final String[] ANSWERS = {"ruby", "jade", "sapphire", "amber"};
    static final String[] FILLERS = {"the", "a", "old", "new", "big", "small", "cat", "dog"};
    /** The word before the answer. */
    public static final String MARKER = "door";

    private SyntheticText() {}

    /** {@code sentences} lines of tokens (without {@code <eos>}, which encoding adds). */
    public static List<String[]> generate(long seed, int sentences, int minGap, int gaps) {
        if (sentences < 0 || minGap < 0 || gaps < 1) {
            throw new IllegalArgumentException("need sentences >= 0, minGap >= 0, gaps >= 1; got " + sentences + ", "
                    + minGap + ", " + gaps);
        }
        SeededRandom rnd = new SeededRandom(seed);
        List<String[]> lines = new ArrayList<>(sentences);
        for (int s = 0; s < sentences; s++) {
            int key = rnd.nextInt(KEYS.length);
            int gap = minGap + rnd.nextInt(gaps);
            String[] line = new String[gap + 3];
            line[0] = KEYS[key];
            for (int g = 1; g <= gap; g++) {
                line[g] = FILLERS[rnd.nextInt(FILLERS.length)];
            }
            line[gap + 1] = MARKER;
            line[gap + 2] = ANSWERS[key];
            lines.add(line);
        }
        return lines;
    }

    /** Whether a word is one of the answers (the words that need memory to predict). */
    public static boolean isAnswer(String word) {
        for (String a : ANSWERS) {
            if (a.equals(word)) {
                return true;
            }
        }
        return false;
    }
}
