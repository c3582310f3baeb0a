package dev.vecrnn.nn;

import dev.vecrnn.kernel.Blas;

import java.util.Arrays;

/**
 * A table whose rows are read by id (a word embedding, or the rows of an input matrix multiplied by a
 * one-hot input) and whose gradient is sparse: gather rows, scatter-add gradient rows into the rows a
 * batch read, update only those rows by SGD, and (the RNNSLU tutorial's option) scale updated rows
 * back to unit L2 norm.
 *
 * <p>The gradient array of the table's {@link Parameter} holds the batch's gradient: the rows touched
 * since {@link #beginGradient()} hold their sums, every other row zero. Clearing costs only the rows
 * of the previous batch (the whole array the first time).
 */
final class EmbeddingRows {
    private final Parameter table;
    private final int rows, width;
    private final int[] gradRows;              // rows of the gradient that may be non-zero
    private int gradRowCount;
    private final boolean[] gradRowMark;
    private boolean gradRowsUnknown = true;    // gradient array never cleared here yet
    private final int[] pendingRows;           // rows updated since the last normalizeUpdatedRows()
    private int pendingCount;
    private final boolean[] pendingMark;
    private boolean normalizedOnce;
    private long versionSeen;

    EmbeddingRows(Parameter table) {
        int[] shape = table.shape();
        if (shape.length != 2 || table.offset() != 0) {
            throw new IllegalArgumentException("an embedding table is a whole rows × width matrix, got " + table);
        }
        this.table = table;
        this.rows = shape[0];
        this.width = shape[1];
        gradRows = new int[rows];
        gradRowMark = new boolean[rows];
        pendingRows = new int[rows];
        pendingMark = new boolean[rows];
    }

    Parameter parameter() {
        return table;
    }

    int rows() {
        return rows;
    }

    int width() {
        return width;
    }

    /** dst[dOff, dOff + width) = row {@code id}. */
    void gather(int id, float[] dst, int dOff) {
        System.arraycopy(table.values(), id * width, dst, dOff, width);
    }

    /** Zeroes the gradient rows of the previous batch (every row the first time); no row is touched after. */
    void beginGradient() {
        float[] g = table.gradient();
        if (gradRowsUnknown) {
            Arrays.fill(g, 0f);
            gradRowsUnknown = false;
        } else {
            for (int i = 0; i < gradRowCount; i++) {
                int row = gradRows[i];
                Arrays.fill(g, row * width, (row + 1) * width, 0f);
                gradRowMark[row] = false;
            }
        }
        gradRowCount = 0;
    }

    /** Gradient row {@code id} += src[sOff, sOff + width), and the row is marked as touched. */
    void addGradient(int id, float[] src, int sOff) {
        touch(id);
        Blas.axpy(width, 1f, src, sOff, table.gradient(), id * width);
    }

    /** The whole gradient array was written (a dense-input pass): the next update and clearing cover every row. */
    void markWholeGradient() {
        for (int i = 0; i < gradRowCount; i++) {
            gradRowMark[gradRows[i]] = false;
        }
        gradRowCount = 0;
        gradRowsUnknown = true;
    }

    /** Marks row {@code id} as holding gradient of this batch (for rows a caller writes itself). */
    void touch(int id) {
        if (!gradRowMark[id]) {
            gradRowMark[id] = true;
            gradRows[gradRowCount++] = id;
        }
    }

    /** Σ of the squared gradient over the touched rows (0 rows: 0), accumulated in double. */
    double gradientSumOfSquares() {
        if (gradRowsUnknown) {
            return Blas.sumOfSquares(table.gradient(), 0, table.size());
        }
        double ss = 0;
        float[] g = table.gradient();
        for (int i = 0; i < gradRowCount; i++) {
            ss += Blas.sumOfSquares(g, gradRows[i] * width, width);
        }
        return ss;
    }

    /** Gradient rows touched ×= f. */
    void scaleGradient(float f) {
        float[] g = table.gradient();
        if (gradRowsUnknown) {
            Blas.scale(table.size(), f, g, 0);
            return;
        }
        for (int i = 0; i < gradRowCount; i++) {
            Blas.scale(width, f, g, gradRows[i] * width);
        }
    }

    /** The whole gradient array is zero, and no row is touched. */
    void zeroGradient() {
        beginGradient();
    }

    /**
     * θ ← θ − lr·∂L/∂θ on the touched rows (on every row when no gradient was computed here yet: the
     * array may hold anything a caller put there).
     */
    void sgd(float lr) {
        noticeExternalChange();
        float[] v = table.values();
        float[] g = table.gradient();
        if (gradRowsUnknown) {
            Blas.axpy(table.size(), -lr, g, 0, v, 0);
            normalizedOnce = false;
        } else {
            for (int i = 0; i < gradRowCount; i++) {
                int row = gradRows[i];
                Blas.axpy(width, -lr, g, row * width, v, row * width);
                if (!pendingMark[row]) {
                    pendingMark[row] = true;
                    pendingRows[pendingCount++] = row;
                }
            }
        }
        table.markModified();
        versionSeen = table.version();
    }

    /**
     * Scales rows to unit L2 norm (an all-zero row stays zero): every row on the first call or after
     * the table was set from outside, afterwards only the rows {@link #sgd} updated since the last call.
     */
    void normalizeUpdatedRows() {
        float[] v = table.values();
        noticeExternalChange();
        if (!normalizedOnce) {
            Blas.normalizeRows(rows, width, v, 0, width);
            normalizedOnce = true;
        } else {
            for (int i = 0; i < pendingCount; i++) {
                Blas.normalizeRows(1, width, v, pendingRows[i] * width, width);
            }
        }
        for (int i = 0; i < pendingCount; i++) {
            pendingMark[pendingRows[i]] = false;
        }
        pendingCount = 0;
        table.markModified();
        versionSeen = table.version();
    }

    /**
     * Declares every row already normalised (as it is after training steps, or in a checkpoint written
     * between epochs): the next {@link #normalizeUpdatedRows} covers only rows updated after this call.
     */
    void markNormalized() {
        for (int i = 0; i < pendingCount; i++) {
            pendingMark[pendingRows[i]] = false;
        }
        pendingCount = 0;
        normalizedOnce = true;
        versionSeen = table.version();
    }

    /** After the table was set from outside (set(), copyValuesFrom), the next normalisation covers every row. */
    private void noticeExternalChange() {
        if (table.version() != versionSeen) {
            normalizedOnce = false;
            versionSeen = table.version();
        }
    }
}
