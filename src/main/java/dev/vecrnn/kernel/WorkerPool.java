package dev.vecrnn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon threads behind {@link Parallel}. A task is cut into more parts than threads and every
 * thread, the caller included, takes the next part from a shared counter until none is left: on a
 * busy machine where a worker is not scheduled, the caller simply does more parts instead of
 * waiting for it. No object is allocated per run (no futures, no lambdas). The pool is held by one
 * run at a time; the flag is not reentrant, so a part that tries to take the pool again (a product
 * inside a batch-parallel part) is refused and runs on its own thread.
 */
final class WorkerPool {
    /**
     * Spins before a worker parks (tens of µs): back-to-back products start without a wake-up, yet an
     * idle worker soon stops taking CPU from the caller.
     */
    private static final int SPINS = 1 << 11;

    final int size;
    private final Thread[] workers;
    private final AtomicInteger held = new AtomicInteger();
    /**
     * The part counter of the current job: job number (high 32 bits), part count (16 bits), next
     * part (low 16 bits). Taking a part is a CAS on the whole word, so a worker that wakes late can
     * never take a part of a later job by mistake, nor read a part count that belongs to another job.
     */
    private final AtomicLong counter = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile int generation;
    private volatile boolean shutdown;
    private Parallel.Task job;
    private volatile Throwable failure;

    WorkerPool(int size) {
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            Thread t = new Thread(this::work, "vecrnn-worker-" + (w + 1));
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    /** Takes the pool for one run; false when a run (on any thread, this one included) holds it. */
    boolean tryAcquire() {
        return held.get() == 0 && held.compareAndSet(0, 1);
    }

    void release() {
        held.set(0);
    }

    /** Runs parts 0 .. n−1 (n &lt; 65536) of the job on the caller and the workers; the pool must be held. */
    void run(Parallel.Task j, int n) {
        job = j;
        failure = null;
        done.set(0);
        int g = generation + 1;
        counter.set((long) g << 32 | (long) n << 16); // volatile write: publishes job to the takers
        generation = g;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        take();
        int spins = 0;
        while (done.get() != n) { // parts a worker took and has not finished yet
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        job = null;
        Throwable f = failure;
        if (f instanceof RuntimeException r) {
            throw r;
        } else if (f instanceof Error e) {
            throw e;
        } else if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    void shutdown() {
        shutdown = true;
        generation++;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }

    private void work() {
        int seen = 0;
        while (true) {
            int g;
            int spins = 0;
            while ((g = generation) == seen) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = g;
            if (shutdown) {
                return;
            }
            take();
        }
    }

    /** Runs parts of the current job until none is left. */
    private void take() {
        while (true) {
            long v = counter.get();
            int part = (int) (v & 0xFFFF);
            int n = (int) (v >>> 16 & 0xFFFF);
            if (part >= n) {
                return;
            }
            if (counter.compareAndSet(v, v + 1)) {
                try {
                    job.runPart(part); // the job cannot change while one of its parts is outstanding
                } catch (Throwable t) {
                    failure = t; // written before done counts the part, so the caller sees it
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }
}
