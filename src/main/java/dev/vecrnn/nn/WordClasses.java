package dev.vecrnn.nn;

import java.util.Arrays;

/**
 * The assignment of the V words of a vocabulary to C classes that a {@link ClassSoftmax} factors its
 * distribution by: every word in exactly one class, every class non-empty. Within a class the words
 * are kept in word-id order ({@link #member}).
 *
 * <p>{@link #byFrequency} is the rule of Mikolov's rnnlm ({@code -class}, its default "new classes"):
 * sort the words by training count, descending, ties by word id; walk them accumulating the
 * square-root mass m_i = Σ_{j ≤ i} √c_j / Σ_j √c_j, and give word i the current class a, moving on to
 * class a + 1 after a word whose m_i exceeds (a + 1)/C. So each class holds about 1/C of the
 * √count mass: a few frequent words share the first classes, the rare ones fill the last; a class
 * advances at most once per word, so no class is empty, and the rule may use fewer than C classes
 * (the classes used are 0 .. {@link #classes()} − 1). Counts all zero count as all equal. The same
 * counts always give the same classes.
 */
public final class WordClasses implements OutputStructure {
    private final int[] classOf;       // word → class
    private final int[] indexInClass;  // word → its position among its class's members
    private final int[] start;         // class c's members are members[start[c] .. start[c + 1])
    private final int[] members;       // word ids, class by class, each class in id order
    private final int classes, maxClassSize;

    /**
     * Words assigned explicitly: word w is in class {@code classOf[w]}.
     *
     * @throws IllegalArgumentException for no words, a negative class, or a class id in
     *                                  [0, max] that no word has
     */
    public WordClasses(int[] classOf) {
        if (classOf == null || classOf.length < 1) {
            throw new IllegalArgumentException("word classes need at least 1 word, got "
                    + (classOf == null ? "null" : classOf.length));
        }
        int v = classOf.length, c = 0;
        for (int w = 0; w < v; w++) {
            if (classOf[w] < 0 || classOf[w] >= v) {
                throw new IllegalArgumentException("word " + w + " has class " + classOf[w] + ", outside [0, " + v + ")");
            }
            c = Math.max(c, classOf[w] + 1);
        }
        this.classOf = classOf.clone();
        this.classes = c;
        this.start = new int[c + 1];
        for (int w = 0; w < v; w++) {
            start[classOf[w] + 1]++;
        }
        int largest = 0;
        for (int k = 0; k < c; k++) {
            if (start[k + 1] == 0) {
                throw new IllegalArgumentException("class " + k + " has no word (classes are 0 .. " + (c - 1) + ")");
            }
            largest = Math.max(largest, start[k + 1]);
            start[k + 1] += start[k];
        }
        this.maxClassSize = largest;
        this.members = new int[v];
        this.indexInClass = new int[v];
        int[] fill = Arrays.copyOf(start, c);
        for (int w = 0; w < v; w++) { // ascending w: each class's members in id order
            int k = classOf[w];
            indexInClass[w] = fill[k] - start[k];
            members[fill[k]++] = w;
        }
    }

    /** {@link #byFrequency(long[], int)} with C = round(√V) classes (at least 1). */
    public static WordClasses byFrequency(long[] counts) {
        if (counts == null) {
            throw new IllegalArgumentException("counts is null");
        }
        return byFrequency(counts, defaultClassCount(counts.length));
    }

    /** round(√V), at least 1: the usual number of classes for V words. */
    public static int defaultClassCount(int words) {
        return Math.max(1, (int) Math.round(Math.sqrt(words)));
    }

    /**
     * At most {@code classes} classes by Mikolov's √count rule (see the class comment).
     *
     * @param counts the training count of every word, V ≥ 1 entries, each ≥ 0
     * @throws IllegalArgumentException for no words, a negative count, or classes &lt; 1
     */
    public static WordClasses byFrequency(long[] counts, int classes) {
        if (counts == null || counts.length < 1) {
            throw new IllegalArgumentException("word classes need at least 1 word, got "
                    + (counts == null ? "null" : counts.length));
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        int v = counts.length;
        for (int i = 0; i < v; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("count of word " + i + " is negative: " + counts[i]);
            }
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
        double total = 0;
        for (long n : counts) {
            total += Math.sqrt((double) n);
        }
        boolean flat = total == 0;
        if (flat) {
            total = v;
        }
        int[] classOf = new int[v];
        double mass = 0;
        int a = 0;
        for (int i = 0; i < v; i++) {
            int w = order[i];
            mass += (flat ? 1 : Math.sqrt((double) counts[w])) / total;
            classOf[w] = a;
            if (mass > (a + 1) / (double) classes && a < classes - 1) {
                a++;
            }
        }
        return new WordClasses(classOf);
    }

    /** {@link OutputKind#CLASS}. */
    @Override
    public OutputKind kind() {
        return OutputKind.CLASS;
    }

    /** The number of words V. */
    @Override
    public int words() {
        return classOf.length;
    }

    /** The number of classes C. */
    public int classes() {
        return classes;
    }

    /** The class of word w. */
    public int classOf(int w) {
        return classOf[w];
    }

    /** Every word's class, by word id (a copy). */
    public int[] assignment() {
        return classOf.clone();
    }

    /** The number of words in class c. */
    public int size(int c) {
        return start[c + 1] - start[c];
    }

    /** The k-th word (in id order) of class c. */
    public int member(int c, int k) {
        return members[start[c] + k];
    }

    /** Word w's position among the words of its class. */
    public int indexInClass(int w) {
        return indexInClass[w];
    }

    /** The size of the largest class. */
    public int maxClassSize() {
        return maxClassSize;
    }

    int start(int c) {
        return start[c];
    }

    int[] members() {
        return members;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordClasses other && Arrays.equals(classOf, other.classOf);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(classOf);
    }

    @Override
    public String toString() {
        return "WordClasses(" + classOf.length + " words, " + classes + " classes)";
    }
}
