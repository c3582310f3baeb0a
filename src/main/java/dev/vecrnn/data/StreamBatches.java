package dev.vecrnn.data;

import java.util.Arrays;

/**
 * One token stream cut into B parallel streams and truncated-BPTT segments of T steps, time-major,
 * as a {@code dev.vecrnn.nn.LanguageModel} reads them (SPEC §2).
 *
 * <p>A stream of n tokens holds n − 1 (input, next-token) pairs: pair i is
 * ({@code tokens[i]}, {@code tokens[i+1]}). The pairs are split into B contiguous chunks whose lengths
 * differ by at most one (the first (n−1) mod B streams get one pair more), so no pair is lost and none is
 * counted twice; neighbouring streams share one token (the last target of stream b is the first input of
 * stream b+1). Segment s holds steps t = s·T … s·T + T − 1 of every stream:
 *
 * <pre>
 *   inputs[t·B + b]  = tokens[start_b + s·T + t]
 *   targets[t·B + b] = tokens[start_b + s·T + t + 1]
 * </pre>
 *
 * and −1 (input and target) where stream b has no pair left: only at the end of a stream, so no real
 * target follows a padded step. The last segment may have fewer than T steps ({@link #fill} returns how
 * many); the array entries past its steps are −1 as well.
 *
 * <p>{@link #inputs()} and {@link #targets()} are two arrays of T·B ids allocated once and overwritten
 * by each {@link #fill}, so iterating the segments allocates nothing. Not thread-safe; the token array is
 * read, not copied, and must not change while it is used.
 */
public final class StreamBatches {
    private final int[] tokens;
    private final int streams;
    private final int bptt;
    /** First pair of each stream, and one past the last: stream b owns pairs [start[b], start[b+1]). */
    private final int[] start;
    private final int longest;
    private final int segments;
    private final int[] inputs;
    private final int[] targets;
    private int lastTargets;

    /**
     * Splits {@code tokens} into {@code streams} streams and segments of {@code bptt} steps.
     *
     * @throws IllegalArgumentException when streams or bptt is below 1, streams·bptt overflows an array,
     *                                  or a token id is negative (naming its position)
     */
    public StreamBatches(int[] tokens, int streams, int bptt) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens is null");
        }
        if (streams < 1 || bptt < 1) {
            throw new IllegalArgumentException("need streams >= 1 and bptt >= 1, got " + streams + ", " + bptt);
        }
        if ((long) streams * bptt > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a segment of " + streams + " streams x " + bptt + " steps is too large");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0) {
                throw new IllegalArgumentException("token " + i + " has id " + tokens[i] + "; ids must be >= 0");
            }
        }
        this.tokens = tokens;
        this.streams = streams;
        this.bptt = bptt;
        int pairs = Math.max(0, tokens.length - 1);
        int base = pairs / streams;
        int extra = pairs % streams;
        this.start = new int[streams + 1];
        for (int b = 0; b < streams; b++) {
            start[b + 1] = start[b] + base + (b < extra ? 1 : 0);
        }
        this.longest = base + (extra > 0 ? 1 : 0);
        this.segments = (int) (((long) longest + bptt - 1) / bptt);
        this.inputs = new int[streams * bptt];
        this.targets = new int[streams * bptt];
        Arrays.fill(inputs, -1);
        Arrays.fill(targets, -1);
    }

    /** B, the number of parallel streams. */
    public int streams() {
        return streams;
    }

    /** T, the steps of a full segment. */
    public int bptt() {
        return bptt;
    }

    /** The number of segments: ⌈(longest stream's pairs) / T⌉ (0 when there is no pair). */
    public int segmentCount() {
        return segments;
    }

    /** The number of (input, next-token) pairs, n − 1 (0 for n ≤ 1): the targets of one pass. */
    public long pairCount() {
        return start[streams];
    }

    /** The pairs that stream b reads: ⌊(n−1)/B⌋, or one more for the first (n−1) mod B streams. */
    public int streamLength(int stream) {
        if (stream < 0 || stream >= streams) {
            throw new IllegalArgumentException("stream " + stream + " outside [0, " + streams + ")");
        }
        return start[stream + 1] - start[stream];
    }

    /** The live input array, T·B ids, time-major; rewritten by {@link #fill}. */
    public int[] inputs() {
        return inputs;
    }

    /** The live target array, T·B ids, time-major; rewritten by {@link #fill}. */
    public int[] targets() {
        return targets;
    }

    /**
     * Writes segment {@code segment} into {@link #inputs()} and {@link #targets()}. Allocation-free.
     *
     * @return the number of steps of the segment: T, or fewer for the last one
     * @throws IllegalArgumentException when segment is outside [0, {@link #segmentCount()})
     */
    public int fill(int segment) {
        if (segment < 0 || segment >= segments) {
            throw new IllegalArgumentException("segment " + segment + " outside [0, " + segments + ")");
        }
        int first = segment * bptt; // step offset within every stream
        int steps = Math.min(bptt, longest - first);
        int real = 0;
        for (int b = 0; b < streams; b++) {
            int from = start[b] + first;
            int have = Math.max(0, Math.min(steps, start[b + 1] - from));
            for (int t = 0; t < have; t++) {
                inputs[t * streams + b] = tokens[from + t];
                targets[t * streams + b] = tokens[from + t + 1];
            }
            for (int t = have; t < bptt; t++) {
                inputs[t * streams + b] = -1;
                targets[t * streams + b] = -1;
            }
            real += have;
        }
        lastTargets = real;
        return steps;
    }

    /** The number of non-padded targets written by the last {@link #fill} (0 before the first). */
    public int lastTargetCount() {
        return lastTargets;
    }
}
