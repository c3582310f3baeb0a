package dev.vecrnn.nn;

import java.util.Arrays;

/**
 * One shard's gradient of a table of which a batch touches only a few rows (the node vectors of a
 * hierarchical softmax, the word vectors of a class softmax): only the touched rows are zeroed,
 * written and summed. Shard 0 writes straight into the table's gradient array, through its
 * {@link EmbeddingRows} (which then zeroes, clips and updates only those rows); every other shard into
 * an array of its own, whose touched rows {@link #addTo} adds to shard 0's in the order they were
 * touched — the same bits on any number of threads.
 */
final class SparseRowGradients {
    private final EmbeddingRows table;
    private final boolean first;
    private final int width;
    private final float[] own;         // shards after the first: their own rows × width gradient
    private final int[] touched;       // rows holding this batch's sums, in the order first touched
    private final boolean[] mark;
    private int count;

    SparseRowGradients(EmbeddingRows table, boolean first) {
        this.table = table;
        this.first = first;
        this.width = table.width();
        this.own = first ? null : new float[table.rows() * width];
        this.touched = new int[table.rows()];
        this.mark = new boolean[table.rows()];
    }

    /** Zeroes the rows of the previous batch (shard 0: through the table) and forgets them. */
    void begin() {
        if (first) {
            table.beginGradient();
        } else {
            for (int i = 0; i < count; i++) {
                Arrays.fill(own, touched[i] * width, (touched[i] + 1) * width, 0f);
            }
        }
        for (int i = 0; i < count; i++) {
            mark[touched[i]] = false;
        }
        count = 0;
    }

    /** The array this shard's gradient rows live in (row r at r·width). */
    float[] array() {
        return first ? table.parameter().gradient() : own;
    }

    /** Marks row r as written by this batch (call before adding to it). */
    void touch(int r) {
        if (!mark[r]) {
            mark[r] = true;
            touched[count++] = r;
            if (first) {
                table.touch(r);
            }
        }
    }

    /** Adds this shard's touched rows into shard 0's table gradient (which marks them touched there). */
    void addTo() {
        for (int i = 0; i < count; i++) {
            int r = touched[i];
            table.addGradient(r, own, r * width);
        }
    }
}
