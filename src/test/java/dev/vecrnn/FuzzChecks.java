package dev.vecrnn;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fuzz tests (the {@code *FuzzTest} classes) share: the input written to a temp file for
 * the readers that take a path, the check that a failure is the reader's own exception with a
 * message, and the check that a reader allocated no more than a small multiple of its input.
 */
public final class FuzzChecks {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static Path dir;

    private FuzzChecks() {}

    /** {@code bytes} in a temp file (the same file, overwritten, for every input of the run). */
    public static synchronized Path write(String name, byte[] bytes) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("vecrnn-fuzz");
            dir.toFile().deleteOnExit();
        }
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        f.toFile().deleteOnExit();
        return f;
    }

    /** The temp folder of {@link #write}, created on first use. */
    public static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("vecrnn-fuzz");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    /** A reader's run on one input; it checks its own outcome and throws for a finding. */
    @FunctionalInterface
    public interface Run {
        void run() throws Exception;
    }

    /**
     * Runs {@code run} and fails when it allocated more than {@code factor} × {@code inputBytes} plus
     * {@code slackBytes} (HotSpot's per-thread allocation counter). An over-limit run is measured once
     * more before it counts: the first run of a code path also loads (and, when fuzzing, instruments)
     * classes, and that allocates in the same thread.
     */
    public static void bounded(long inputBytes, long factor, long slackBytes, String what, Run run) throws Exception {
        long limit = factor * inputBytes + slackBytes;
        long used = measure(run);
        if (used > limit) {
            used = measure(run);
            if (used > limit) {
                throw new AssertionError(what + " allocated " + used + " bytes for an input of " + inputBytes
                        + " bytes (limit " + limit + ")");
            }
        }
    }

    private static long measure(Run run) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        run.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** Fails unless {@code e} has a message that says something. */
    public static void checkMessage(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            throw new AssertionError(e.getClass().getName() + " without a message", e);
        }
    }
}
