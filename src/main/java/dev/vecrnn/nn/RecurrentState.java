package dev.vecrnn.nn;

import java.util.Arrays;

/**
 * The recurrent state of B parallel streams that a language model carries from one segment to the
 * next (SPEC §2: the state is carried across segments, the gradient stopped at the boundary):
 * the hidden rows h (B × nh) and, for the SCRN, the context rows s (B × ns), stream b in row b.
 * A new state is all zeros (h₋₁ = 0, s₋₁ = 0).
 *
 * <p>The arrays are live: a model reads them as the state before a segment and overwrites them
 * with the state after it.
 */
public final class RecurrentState {
    private final int streams, hiddenSize, contextSize;
    private final float[] hidden;
    private final float[] context;

    /**
     * @param contextSize 0 for a network without context units (the Elman language model)
     * @throws IllegalArgumentException for streams or hiddenSize &lt; 1, contextSize &lt; 0, or sizes
     *                                  whose product overflows an array
     */
    public RecurrentState(int streams, int hiddenSize, int contextSize) {
        if (streams < 1 || hiddenSize < 1 || contextSize < 0) {
            throw new IllegalArgumentException("need streams >= 1, hiddenSize >= 1, contextSize >= 0; got "
                    + streams + ", " + hiddenSize + ", " + contextSize);
        }
        if ((long) streams * Math.max(hiddenSize, contextSize) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("state of " + streams + " streams is too large");
        }
        this.streams = streams;
        this.hiddenSize = hiddenSize;
        this.contextSize = contextSize;
        this.hidden = new float[streams * hiddenSize];
        this.context = new float[streams * contextSize];
    }

    public int streams() {
        return streams;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int contextSize() {
        return contextSize;
    }

    /** The live hidden rows, streams × hiddenSize. */
    public float[] hidden() {
        return hidden;
    }

    /** The live context rows, streams × contextSize (empty without context units). */
    public float[] context() {
        return context;
    }

    /** Every stream back to the zero state. */
    public void reset() {
        Arrays.fill(hidden, 0f);
        Arrays.fill(context, 0f);
    }

    /** One stream back to the zero state. */
    public void reset(int stream) {
        if (stream < 0 || stream >= streams) {
            throw new IllegalArgumentException("stream " + stream + " outside [0, " + streams + ")");
        }
        Arrays.fill(hidden, stream * hiddenSize, (stream + 1) * hiddenSize, 0f);
        Arrays.fill(context, stream * contextSize, (stream + 1) * contextSize, 0f);
    }

    /** Copies another state of the same shape into this one. */
    public void copyFrom(RecurrentState other) {
        if (other.streams != streams || other.hiddenSize != hiddenSize || other.contextSize != contextSize) {
            throw new IllegalArgumentException("state shapes differ: " + this + " vs " + other);
        }
        System.arraycopy(other.hidden, 0, hidden, 0, hidden.length);
        System.arraycopy(other.context, 0, context, 0, context.length);
    }

    /** hiddenSize + contextSize: the floats of one stream's state in {@link #saveState} and {@link #restoreState}. */
    public int stateSize() {
        return hiddenSize + contextSize;
    }

    /**
     * Writes stream {@code stream}'s state, its hidden row then its context row, into
     * dst[off .. off + {@link #stateSize()}). Allocation-free.
     *
     * @throws IllegalArgumentException for a stream outside [0, streams) or a view outside dst
     */
    public void saveState(int stream, float[] dst, int off) {
        checkStreamView(stream, dst, off, "dst");
        System.arraycopy(hidden, stream * hiddenSize, dst, off, hiddenSize);
        System.arraycopy(context, stream * contextSize, dst, off + hiddenSize, contextSize);
    }

    /**
     * Sets stream {@code stream}'s state from src[off .. off + {@link #stateSize()}), laid out as
     * {@link #saveState} writes it. Allocation-free.
     *
     * @throws IllegalArgumentException for a stream outside [0, streams) or a view outside src (nothing
     *                                  is changed then)
     */
    public void restoreState(int stream, float[] src, int off) {
        checkStreamView(stream, src, off, "src");
        System.arraycopy(src, off, hidden, stream * hiddenSize, hiddenSize);
        System.arraycopy(src, off + hiddenSize, context, stream * contextSize, contextSize);
    }

    private void checkStreamView(int stream, float[] a, int off, String name) {
        if (stream < 0 || stream >= streams) {
            throw new IllegalArgumentException("stream " + stream + " outside [0, " + streams + ")");
        }
        if (a == null || off < 0 || (long) off + stateSize() > a.length) {
            throw new IllegalArgumentException(name + " needs " + stateSize() + " floats at offset " + off
                    + (a == null ? " (null)" : " (length " + a.length + ")"));
        }
    }

    @Override
    public String toString() {
        return "RecurrentState[" + streams + " streams, hidden " + hiddenSize + ", context " + contextSize + "]";
    }
}
