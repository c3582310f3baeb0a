package dev.vecrnn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small pool of daemon threads for {@link Gemm}: the caller runs part 0 of a job, the workers
 * parts 1 .. parts−1. No object is allocated per job (no futures, no lambdas): the job is a reusable
 * {@link GemmJob} owned by the pool's lock. If another thread holds the pool, the caller is told so
 * and runs the whole product itself — the result is the same bit for bit.
 */
final class GemmPool {
    /**
     * Spins before a worker parks (tens of µs): back-to-back products start without a wake-up, yet an
     * idle worker soon stops taking CPU from the caller.
     */
    private static final int SPINS = 1 << 11;

    final int size;
    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean shutdown;
    private GemmJob job;
    private int parts;
    private volatile Throwable failure;

    GemmPool(int size) {
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            final int part = w + 1;
            Thread t = new Thread(() -> work(part), "vecrnn-gemm-" + part);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    /** Takes the pool for one job; false when another thread is using it. */
    boolean tryAcquire() {
        return lock.tryLock();
    }

    void release() {
        lock.unlock();
    }

    /** Runs parts 0 .. n−1 of the job (n ≤ size), part 0 on the calling thread; the pool must be held. */
    void run(GemmJob j, int n) {
        job = j;
        parts = n;
        failure = null;
        pending.set(n - 1);
        generation++; // volatile write: publishes job and parts to the workers
        for (int w = 0; w < n - 1; w++) {
            LockSupport.unpark(workers[w]);
        }
        Throwable own = null;
        try {
            j.runPart(0);
        } catch (Throwable t) {
            own = t;
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable f = own != null ? own : failure;
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

    private void work(int part) {
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
            if (part < parts) {
                try {
                    job.runPart(part);
                } catch (Throwable t) {
                    failure = t;
                }
                pending.decrementAndGet();
            }
        }
    }
}
