package dev.vecrnn.nn;

import dev.vecrnn.kernel.PackedMatrix;

/**
 * A 2-D weight W (rows × cols) as the right-hand factor of products, op(W) = W or Wᵀ, packed into the
 * GEMM's panel layout ({@link PackedMatrix}) by {@link #refresh()} and then read, unchanged, by any
 * number of products on any threads until the next refresh. A layer refreshes it once per batch,
 * before its shards run, when more than one product per batch reads the same weight: every product
 * would otherwise pack it again (the GEMM packs B on each call). The packed product is the same bit
 * for bit as the unpacked one.
 *
 * <p>Optionally only the first {@code rows} rows of W (a weight with a folded bias row whose
 * transpose multiplies only the inputs).
 */
final class PackedWeight {
    private final Parameter w;
    private final boolean transposed;
    private final int rows, cols;
    private PackedMatrix packed;

    /** op(W) = W (transposed false: k = rows, n = cols) or Wᵀ (k = cols, n = rows), all rows of W. */
    PackedWeight(Parameter w, boolean transposed) {
        this(w, transposed, w.shape()[0]);
    }

    /** As above over the first {@code rows} rows of W. */
    PackedWeight(Parameter w, boolean transposed, int rows) {
        int[] s = w.shape();
        if (s.length != 2 || rows < 1 || rows > s[0]) {
            throw new IllegalArgumentException("a packed weight is a matrix, rows in [1, " + s[0] + "]: " + w);
        }
        this.w = w;
        this.transposed = transposed;
        this.rows = rows;
        this.cols = s[1];
    }

    /** Packs the weight's current values (allocating the packed copy the first time) and returns it. */
    PackedMatrix refresh() {
        if (packed == null) {
            packed = transposed
                    ? PackedMatrix.pack(true, cols, rows, w.values(), w.offset(), cols)
                    : PackedMatrix.pack(false, rows, cols, w.values(), w.offset(), cols);
        } else {
            packed.repack(w.values(), w.offset(), cols);
        }
        return packed;
    }

    /** The copy made by the last {@link #refresh()} (null before the first). */
    PackedMatrix packed() {
        return packed;
    }
}
