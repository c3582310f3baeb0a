package dev.vecrnn.nn;

import java.util.Arrays;

/**
 * The binary Huffman tree over a vocabulary that a hierarchical softmax walks: built from the words'
 * training counts, so frequent words get short paths. The V − 1 inner nodes are numbered 0 .. V−2 with
 * the root V−2; word w's path is the inner nodes from the root down to its leaf, {@link #path}(w),
 * with at each the branch taken, {@link #code}(w) (1 = the second child).
 *
 * <p>Built the classic way with deterministic ties: the two lightest of the remaining nodes are joined
 * (the lighter one becomes child 0), where among equal counts leaves come before inner nodes, lower
 * word ids before higher ones, and older inner nodes before newer ones. The same counts always give
 * the same tree.
 */
public final class HuffmanTree implements OutputStructure {
    private final int words;
    private final long[] counts;
    private final int[] pathStart;   // word w's path is pathNodes[pathStart[w] .. pathStart[w+1])
    private final int[] pathNodes;
    private final byte[] pathCodes;
    private final int maxDepth;

    /**
     * @param counts the training count of every word, V ≥ 2 entries, each ≥ 0
     * @throws IllegalArgumentException for fewer than two words or a negative count
     */
    public HuffmanTree(long[] counts) {
        if (counts == null || counts.length < 2) {
            throw new IllegalArgumentException("a Huffman tree needs at least 2 words, got "
                    + (counts == null ? "null" : counts.length));
        }
        int v = counts.length;
        for (int i = 0; i < v; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("count of word " + i + " is negative: " + counts[i]);
            }
        }
        this.words = v;
        this.counts = counts.clone();
        // leaves sorted by (count, id); inner nodes are created in non-decreasing weight order, so two
        // queues give the two lightest in O(V) (the classic word2vec construction)
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[a], counts[b]) : Integer.compare(a, b));
        long[] innerWeight = new long[v - 1];
        int[] parent = new int[2 * v - 1];      // node ids: leaves 0..V−1, inner node k is V + k
        byte[] branch = new byte[2 * v - 1];
        int leaf = 0, innerHead = 0;
        for (int k = 0; k < v - 1; k++) {
            int[] pick = new int[2];
            for (int c = 0; c < 2; c++) {
                boolean takeLeaf = leaf < v && (innerHead >= k || counts[order[leaf]] <= innerWeight[innerHead]);
                pick[c] = takeLeaf ? order[leaf++] : v + innerHead++;
            }
            long w0 = pick[0] < v ? counts[pick[0]] : innerWeight[pick[0] - v];
            long w1 = pick[1] < v ? counts[pick[1]] : innerWeight[pick[1] - v];
            innerWeight[k] = w0 + w1;
            parent[pick[0]] = v + k;
            parent[pick[1]] = v + k;
            branch[pick[0]] = 0;
            branch[pick[1]] = 1;
        }
        int root = 2 * v - 2;
        int[] depth = new int[v];
        int total = 0, deepest = 0;
        for (int w = 0; w < v; w++) {
            int d = 0;
            for (int n = w; n != root; n = parent[n]) {
                d++;
            }
            depth[w] = d;
            total += d;
            deepest = Math.max(deepest, d);
        }
        this.maxDepth = deepest;
        pathStart = new int[v + 1];
        pathNodes = new int[total];
        pathCodes = new byte[total];
        for (int w = 0; w < v; w++) {
            pathStart[w + 1] = pathStart[w] + depth[w];
            int j = pathStart[w + 1];
            for (int n = w; n != root; n = parent[n]) { // leaf to root, written root first
                j--;
                pathNodes[j] = parent[n] - v;
                pathCodes[j] = branch[n];
            }
        }
    }

    /** The counts the tree was built from (a copy): they rebuild the same tree. */
    public long[] counts() {
        return counts.clone();
    }

    /** {@link OutputKind#HIERARCHICAL}. */
    @Override
    public OutputKind kind() {
        return OutputKind.HIERARCHICAL;
    }

    /** The number of words V (the tree has V − 1 inner nodes). */
    @Override
    public int words() {
        return words;
    }

    /** The length of the longest path. */
    public int maxDepth() {
        return maxDepth;
    }

    /** The number of inner nodes on word w's path. */
    public int depth(int w) {
        return pathStart[w + 1] - pathStart[w];
    }

    /** The j-th inner node (0 = the root) on word w's path. */
    public int node(int w, int j) {
        return pathNodes[pathStart[w] + j];
    }

    /** The branch taken at the j-th node of word w's path: 1 for the second child, 0 for the first. */
    public int code(int w, int j) {
        return pathCodes[pathStart[w] + j];
    }

    /** Trees built from the same counts are the same tree. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HuffmanTree other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    /** Where word w's path starts in the flat arrays (for loops that read them directly). */
    int pathStart(int w) {
        return pathStart[w];
    }

    int[] pathNodes() {
        return pathNodes;
    }

    byte[] pathCodes() {
        return pathCodes;
    }
}
