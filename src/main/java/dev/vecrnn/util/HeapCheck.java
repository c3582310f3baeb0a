package dev.vecrnn.util;

import java.util.Locale;

/**
 * Refuses, before allocating, what can never fit in this JVM's heap: a model or a file whose arrays
 * alone are larger than the maximum heap ({@code -Xmx}) fails with a message naming both sizes,
 * instead of an {@link OutOfMemoryError} halfway through.
 */
public final class HeapCheck {
    private HeapCheck() {}

    /**
     * @param bytes what the arrays need
     * @param what  what they are for, e.g. "an SCRN of 20,000,000 words × 100 units"
     * @throws IllegalArgumentException when bytes exceed the maximum heap
     */
    public static void require(long bytes, String what) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs %,d MB, more than this JVM's whole heap (%,d MB; raise it with -Xmx)", what,
                    bytes >> 20, max >> 20));
        }
    }

    /**
     * What to throw when an allocation that {@link #require} let through still failed: one array must
     * fit in one part of the heap (with the parallel collector, the old generation: about two thirds
     * of it), so an array smaller than the heap can still be too large.
     *
     * @param bytes what the array needed
     * @param what  what it was for
     * @param oom   the error of the failed allocation (kept as the cause)
     */
    public static IllegalArgumentException notAllocated(long bytes, String what, OutOfMemoryError oom) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "%s needs %,d MB, which this JVM could not allocate (heap %,d MB; raise it with -Xmx)", what,
                bytes >> 20, Runtime.getRuntime().maxMemory() >> 20), oom);
    }
}
