package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models that can never fit in the heap are refused before anything is allocated, naming the sizes. */
class HeapCheckTest {
    @Test
    void modelsLargerThanTheWholeHeapAreRefusedWithTheirSize() {
        long max = Runtime.getRuntime().maxMemory();
        // 16 bytes per vocabulary word and hidden unit (values and gradients of wx and w): far above any test heap
        int v = (int) Math.min(20_000_000L, Integer.MAX_VALUE / 101);
        int nh = 100;
        assertTrue(16L * v * nh > max, "the test assumes a heap below " + (16L * v * nh >> 20) + " MB");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ElmanLanguageModel(v, nh, 1));
        assertTrue(e.getMessage().contains("more than this JVM's whole heap"), e.getMessage());
        assertTrue(e.getMessage().contains(v + " inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ElmanTagger(new ElmanConfig(v, 5, 100, 1, 10), 1));
        assertTrue(e.getMessage().contains("more than this JVM's whole heap"), e.getMessage());
    }

    @Test
    void anArrayThatFailsBelowTheHeapSizeIsReportedWithItsSize() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        IllegalArgumentException e = dev.vecrnn.util.HeapCheck.notAllocated(819L << 20, "the id array of t.txt", oom);
        assertTrue(e.getMessage().startsWith("the id array of t.txt needs 819 MB, which this JVM could not allocate"
                + " (heap "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" MB; raise it with -Xmx)"), e.getMessage());
        assertTrue(e.getCause() == oom);
    }
}
