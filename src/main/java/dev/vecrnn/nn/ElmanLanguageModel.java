package dev.vecrnn.nn;

/**
 * The Elman language model (SPEC §2, "for comparison"): the recurrence of SPEC §1 with one-hot word
 * input (no window, no embedding table beyond the rows of wx), h₋₁ = 0 or carried, and the full
 * softmax over the vocabulary:
 *
 * <pre>
 *   h_t = σ(wx[w_t] + h_{t−1}·wh + bh),    p_t = softmax(h_t·w + b)
 * </pre>
 *
 * <p>Parameters (in this order): {@code wx} V × nh, {@code wh} nh × nh, {@code w} nh × V, {@code bh} nh,
 * {@code b} V ({@code w} and {@code b} are the blocks of one stacked (nh + 1) × V array; a factored output,
 * {@link HierarchicalSoftmax} or {@link ClassSoftmax}, replaces them by its own); the matrices
 * start at 0.2·U(−1, 1) from the seed (SPEC §1), the vectors at 0. It is
 * the SCRN's computation with no context units and a hidden bias ({@link RecurrentCore}), trained by
 * the same trainer.
 *
 * <p><b>Threads.</b> Not thread-safe: every method (training, {@code loss}, {@code step}) uses the
 * model's workspaces, so one thread at a time; several models may train on different threads at once
 * (they share only the {@link dev.vecrnn.kernel.Parallel} pool, which a busy pool turns into running
 * on the caller's thread, with the same result).
 */
public final class ElmanLanguageModel extends CoreLanguageModel {
    private static final String[] NAMES = {null, "wx", null, "wh", "w", null, "b", null, null, null, "bh"};

    /**
     * @throws IllegalArgumentException for sizes below 1 or too large for one array
     */
    public ElmanLanguageModel(int vocabularySize, int hiddenSize, long seed) {
        this(vocabularySize, hiddenSize, seed, null);
    }

    /**
     * An Elman language model whose output is a hierarchical softmax over a {@link HuffmanTree}
     * (parameters {@code hv} ((V − 1) × nh) and {@code hb} (V − 1), see {@link HierarchicalSoftmax}) or a
     * class softmax over {@link WordClasses} ({@code cw} C × nh, {@code cb} C, {@code ow} V × nh,
     * {@code ob} V, see {@link ClassSoftmax}) in place of {@code w} and {@code b}, all zero at the start;
     * null gives the full softmax.
     */
    public ElmanLanguageModel(int vocabularySize, int hiddenSize, long seed, OutputStructure output) {
        super(new RecurrentCore(checkSizes(vocabularySize, hiddenSize), hiddenSize, 0, vocabularySize,
                RateMode.FIXED, 0f, OutputActivation.SOFTMAX, true, NAMES, true, seed, output));
    }

    /** The Huffman tree of a hierarchical softmax output, or null for another output. */
    public HuffmanTree tree() {
        return core.tree;
    }

    /** The word classes of a class softmax output, or null for another output. */
    public WordClasses classes() {
        return core.classes;
    }

    private static int checkSizes(int v, int nh) {
        if (v < 1 || nh < 1) {
            throw new IllegalArgumentException("vocabularySize and hiddenSize must be >= 1, got " + v + ", " + nh);
        }
        if ((long) v * nh > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(v + " words × " + nh + " hidden units is too large");
        }
        return v;
    }

    public int hiddenSize() {
        return core.nh;
    }

    /**
     * The names and shapes of the parameters of a model of these sizes, in order (what
     * {@link #parameters()} holds), without building one.
     */
    public static java.util.LinkedHashMap<String, int[]> parameterShapes(int vocabularySize, int hiddenSize) {
        return parameterShapes(vocabularySize, hiddenSize, null);
    }

    /**
     * {@link #parameterShapes(int, int)} of a model whose output is built over {@code output} (a Huffman
     * tree, word classes, or null for the full softmax).
     */
    public static java.util.LinkedHashMap<String, int[]> parameterShapes(int vocabularySize, int hiddenSize,
                                                                        OutputStructure output) {
        java.util.LinkedHashMap<String, int[]> m = new java.util.LinkedHashMap<>();
        m.put("wx", new int[] {vocabularySize, hiddenSize});
        m.put("wh", new int[] {hiddenSize, hiddenSize});
        switch (OutputKind.of(output)) {
            case HIERARCHICAL -> {
                m.put("hv", new int[] {vocabularySize - 1, hiddenSize});
                m.put("bh", new int[] {hiddenSize});
                m.put("hb", new int[] {vocabularySize - 1});
            }
            case CLASS -> {
                int classes = ((WordClasses) output).classes();
                m.put("cw", new int[] {classes, hiddenSize});
                m.put("ow", new int[] {vocabularySize, hiddenSize});
                m.put("bh", new int[] {hiddenSize});
                m.put("cb", new int[] {classes});
                m.put("ob", new int[] {vocabularySize});
            }
            case FULL -> {
                m.put("w", new int[] {hiddenSize, vocabularySize});
                m.put("bh", new int[] {hiddenSize});
                m.put("b", new int[] {vocabularySize});
            }
        }
        return m;
    }
}
