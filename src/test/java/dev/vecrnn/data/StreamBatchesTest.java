package dev.vecrnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class StreamBatchesTest {

    /**
     * Tokens whose id is their position, so a (input, target) pair names the pair it is: every pair
     * (i, i+1) must be seen exactly once, in order within its stream, padding only after a stream's end.
     */
    private static void checkEveryPairOnce(int n, int streams, int bptt) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i;
        }
        StreamBatches sb = new StreamBatches(tokens, streams, bptt);
        String where = "n=" + n + " B=" + streams + " T=" + bptt;
        int pairs = Math.max(0, n - 1);
        assertEquals(pairs, sb.pairCount(), where);
        int[] seen = new int[Math.max(1, pairs)];
        int[] next = new int[streams]; // the pair each stream must read next
        boolean[] ended = new boolean[streams];
        int lengthSum = 0;
        for (int b = 0; b < streams; b++) {
            next[b] = -1;
            int len = sb.streamLength(b);
            lengthSum += len;
            assertTrue(len == pairs / streams || len == pairs / streams + 1, where + " stream " + b + " has " + len);
        }
        assertEquals(pairs, lengthSum, where);
        long targetSum = 0;
        for (int s = 0; s < sb.segmentCount(); s++) {
            int steps = sb.fill(s);
            assertTrue(steps >= 1 && steps <= bptt, where);
            if (s < sb.segmentCount() - 1) {
                assertEquals(bptt, steps, where + ": only the last segment may be short");
            }
            int[] in = sb.inputs();
            int[] tg = sb.targets();
            assertEquals(streams * bptt, in.length);
            int real = 0;
            for (int t = 0; t < bptt; t++) {
                for (int b = 0; b < streams; b++) {
                    int x = in[t * streams + b];
                    int y = tg[t * streams + b];
                    if (x == -1 || t >= steps) {
                        assertEquals(-1, x, where);
                        assertEquals(-1, y, where + ": an input pad has a target pad");
                        ended[b] |= t < steps;
                        continue;
                    }
                    assertTrue(!ended[b], where + ": stream " + b + " has a real pair after padding");
                    assertEquals(x + 1, y, where + ": target is the next token");
                    if (next[b] >= 0) {
                        assertEquals(next[b], x, where + ": stream " + b + " is contiguous");
                    }
                    next[b] = x + 1;
                    seen[x]++;
                    real++;
                }
            }
            assertEquals(real, sb.lastTargetCount(), where);
            targetSum += sb.lastTargetCount();
        }
        assertEquals(pairs, targetSum, where + ": non-padded targets sum to n - 1");
        for (int i = 0; i < pairs; i++) {
            assertEquals(1, seen[i], where + ": pair " + i);
        }
        if (pairs == 0) {
            assertEquals(0, sb.segmentCount(), where);
        }
    }

    @Test
    void everyPairExactlyOnceForManyShapes() {
        for (int n : new int[] {0, 1, 2, 3, 5, 7, 31, 32, 33, 34, 100, 1000, 1121, 1122, 1123}) {
            for (int streams : new int[] {1, 2, 3, 7, 32, 33, 64}) {
                for (int bptt : new int[] {1, 2, 5, 35, 36}) {
                    checkEveryPairOnce(n, streams, bptt);
                }
            }
        }
    }

    @Test
    void layoutIsTimeMajor() {
        // 9 tokens: 8 pairs, 2 streams of 4 pairs, segments of 3 steps
        StreamBatches sb = new StreamBatches(new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18}, 2, 3);
        assertEquals(2, sb.segmentCount());
        assertEquals(3, sb.fill(0));
        assertEquals(java.util.List.of(10, 14, 11, 15, 12, 16), asList(sb.inputs()));
        assertEquals(java.util.List.of(11, 15, 12, 16, 13, 17), asList(sb.targets()));
        assertEquals(6, sb.lastTargetCount());
        assertEquals(1, sb.fill(1));
        assertEquals(java.util.List.of(13, 17, -1, -1, -1, -1), asList(sb.inputs()));
        assertEquals(java.util.List.of(14, 18, -1, -1, -1, -1), asList(sb.targets()));
        assertEquals(2, sb.lastTargetCount());
    }

    private static java.util.List<Integer> asList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void rejectsBadArguments() {
        int[] t = {1, 2, 3};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StreamBatches(t, 0, 5)).getMessage()
                .contains("streams"));
        assertThrows(IllegalArgumentException.class, () -> new StreamBatches(t, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new StreamBatches(t, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new StreamBatches(null, 1, 1));
        String m = assertThrows(IllegalArgumentException.class, () -> new StreamBatches(new int[] {0, 4, -1}, 1, 1))
                .getMessage();
        assertTrue(m.contains("token 2") && m.contains("-1"), m);
        StreamBatches sb = new StreamBatches(t, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> sb.fill(2));
        assertThrows(IllegalArgumentException.class, () -> sb.fill(-1));
        assertThrows(IllegalArgumentException.class, () -> sb.streamLength(1));
    }

    @Test
    void fillingSegmentsAllocatesNothing() {
        int[] tokens = new int[5000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 97;
        }
        StreamBatches sb = new StreamBatches(tokens, 32, 35);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int tries = 0; tries < 50 && least > 0; tries++) {
            long before = mx.getThreadAllocatedBytes(id);
            long probe = mx.getThreadAllocatedBytes(id) - before;
            before = mx.getThreadAllocatedBytes(id);
            for (int s = 0; s < sb.segmentCount(); s++) {
                sb.fill(s);
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before - probe);
        }
        assertEquals(0, least);
    }
}
