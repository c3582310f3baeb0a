package dev.vecrnn.nn;

/**
 * What a factored output layer is built over, fixed before training and stored with the model: a
 * {@link HuffmanTree} (hierarchical softmax) or a {@link WordClasses} assignment (class softmax). A
 * language model given none (null) has the full softmax.
 */
public sealed interface OutputStructure permits HuffmanTree, WordClasses {
    /** The output layer this structure is for. */
    OutputKind kind();

    /** The number of words V it covers. */
    int words();
}
