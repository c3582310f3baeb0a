package dev.vecrnn.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {
    @AfterEach
    void oneThread() {
        Parallel.setThreads(1);
    }

    @Test
    void everyPartRunsExactlyOnceForAnyThreadCount() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            assertEquals(threads, Parallel.threads());
            assertEquals(threads, Gemm.threads());
            for (int parts : new int[] {0, 1, 2, 7, 300}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, parts));
                Parallel.run(runs::incrementAndGet, parts);
                for (int i = 0; i < parts; i++) {
                    assertEquals(1, runs.get(i), threads + " threads, " + parts + " parts, part " + i);
                }
            }
        }
    }

    @Test
    void aRunInsideAPartRunsOnItsOwnThreadInOrder() {
        Parallel.setThreads(2);
        int outer = 4, inner = 5;
        AtomicIntegerArray order = new AtomicIntegerArray(outer * inner);
        Parallel.run(o -> {
            Thread mine = Thread.currentThread();
            int[] next = {0};
            Parallel.run(i -> {
                assertEquals(mine, Thread.currentThread());
                assertEquals(next[0]++, i);
                order.incrementAndGet(o * inner + i);
            }, inner);
        }, outer);
        for (int i = 0; i < outer * inner; i++) {
            assertEquals(1, order.get(i));
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersEnd() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            AtomicIntegerArray runs = new AtomicIntegerArray(6);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(i -> {
                runs.incrementAndGet(i);
                if (i == 3) {
                    throw new IllegalStateException("part 3");
                }
            }, threads == 1 ? 4 : 6));
            assertEquals("part 3", e.getMessage());
            if (threads == 2) {
                for (int i = 0; i < 6; i++) {
                    assertEquals(1, runs.get(i), "part " + i);
                }
            }
            // the pool is usable afterwards
            AtomicIntegerArray again = new AtomicIntegerArray(3);
            Parallel.run(again::incrementAndGet, 3);
            assertEquals(1, again.get(2));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.run(null, 2));
        assertThrows(IllegalArgumentException.class, () -> Parallel.run(i -> { }, -1));
        assertThrows(IllegalArgumentException.class, () -> Parallel.run(i -> { }, 1 << 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0"));
    }
}
