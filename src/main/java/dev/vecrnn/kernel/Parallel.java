package dev.vecrnn.kernel;

/**
 * The library's one thread pool: a small set of daemon threads, sized by {@link #setThreads(int)} or
 * {@code -Dvecrnn.threads=N} (default 1: no pool, everything runs on the calling thread). Large
 * {@link Gemm} products and batch-parallel training run their parts on it.
 *
 * <p>A {@link Task} is cut into numbered parts; every thread, the caller included, takes the next
 * part from a shared counter until none is left, so a worker that the machine does not schedule
 * simply leaves its parts to the caller. Nothing is allocated per run. Only one task uses the pool
 * at a time: a run from inside a running part (or from another thread while the pool is busy) runs
 * its parts on its own thread, in order. A task whose parts write disjoint outputs therefore gives
 * the same result for any thread count.
 */
public final class Parallel {
    /**
     * {@code -Dvecrnn.threads=N}: initial size of the pool, N in [1, 256] (default 1, no pool); another
     * value is reported once on standard error and 1 is used.
     */
    public static final String THREADS_PROPERTY = "vecrnn.threads";

    /** Work cut into parts 0 .. n−1 that may run in any order, on any thread, at the same time. */
    @FunctionalInterface
    public interface Task {
        void runPart(int part);
    }

    private static volatile WorkerPool pool;

    /** The most threads {@value #THREADS_PROPERTY} may ask for. */
    static final int MAX_THREADS_PROPERTY = 256;

    static {
        int n = 1;
        try {
            n = Vectorization.intProperty(THREADS_PROPERTY, 1, 1, MAX_THREADS_PROPERTY);
        } catch (IllegalArgumentException e) {
            // A bad value must not break class initialisation: say so once and run on one thread.
            System.err.println("vecrnn: " + e.getMessage() + "; using 1");
        }
        setThreads(n);
    }

    private Parallel() {}

    /**
     * Sets the number of threads (1 = the calling thread only). The pool's threads are daemons;
     * resizing replaces the pool.
     *
     * @throws IllegalArgumentException if n &lt; 1
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        WorkerPool old = pool;
        if (old != null && old.size == n || old == null && n == 1) {
            return;
        }
        pool = n == 1 ? null : new WorkerPool(n);
        if (old != null) {
            old.shutdown();
        }
    }

    /** The number of threads a run may use. */
    public static int threads() {
        WorkerPool p = pool;
        return p == null ? 1 : p.size;
    }

    /**
     * Runs parts 0 .. parts−1 of the task and returns when all have ended: on the pool when it has
     * more than one thread and is free, else on the calling thread in order. An exception thrown by a
     * part is rethrown here: on the pool after the other parts have ended, on the calling thread at
     * once (the later parts do not run).
     *
     * @throws IllegalArgumentException if parts is negative or 65536 or more, or task is null
     */
    public static void run(Task task, int parts) {
        if (task == null || parts < 0 || parts >= 1 << 16) {
            throw new IllegalArgumentException("need a task and 0 <= parts < 65536, got "
                    + (task == null ? "no task" : parts + " parts"));
        }
        WorkerPool p = acquire();
        if (p == null || parts < 2) {
            if (p != null) {
                p.release();
            }
            for (int i = 0; i < parts; i++) {
                task.runPart(i);
            }
            return;
        }
        try {
            p.run(task, parts);
        } finally {
            p.release();
        }
    }

    /** The pool, taken for one run; null when there is none or another run holds it. */
    static WorkerPool acquire() {
        WorkerPool p = pool;
        return p != null && p.tryAcquire() ? p : null;
    }
}
