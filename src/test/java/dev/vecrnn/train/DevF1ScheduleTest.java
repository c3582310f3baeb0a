package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.train.DevF1Schedule.Action;
import dev.vecrnn.util.SeededRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DevF1ScheduleTest {

    @Test
    void halvesEveryEpochOnceTenHavePassedWithoutGainUntilDevImproves() {
        DevF1Schedule s = new DevF1Schedule(1.0, true, 10, 1e-5);
        assertEquals(Action.NEW_BEST, s.afterEpoch(0, 0.0)); // the first epoch is always a best, even at F1 0
        assertEquals(Action.NEW_BEST, s.afterEpoch(1, 50.0));
        for (int e = 2; e <= 10; e++) {
            assertEquals(Action.CONTINUE, s.afterEpoch(e, 50.0), "epoch " + e); // equal is no gain
        }
        assertEquals(Action.HALVE_AND_RESTORE, s.afterEpoch(11, 40.0)); // 11 − 1 = 10
        assertEquals(0.5, s.learningRate());
        assertEquals(Action.HALVE_AND_RESTORE, s.afterEpoch(12, 40.0)); // the tutorial's be stays: again
        assertEquals(0.25, s.learningRate());
        assertEquals(Action.NEW_BEST, s.afterEpoch(13, 60.0));
        assertEquals(13, s.bestEpoch());
        assertEquals(60.0, s.bestF1());
        for (int e = 14; e <= 22; e++) {
            assertEquals(Action.CONTINUE, s.afterEpoch(e, 10.0));
        }
        assertEquals(Action.HALVE_AND_RESTORE, s.afterEpoch(23, 10.0));
        assertEquals(0.125, s.learningRate());
        assertFalse(s.finished());
    }

    @Test
    void stopsBelowTheMinimumLearningRate() {
        DevF1Schedule s = new DevF1Schedule(0.0970806646812754, true, 10, 1e-5);
        s.afterEpoch(0, 90.0);
        int e = 1;
        int halvings = 0;
        while (!s.finished()) {
            if (s.afterEpoch(e++, 80.0) == Action.HALVE_AND_RESTORE) {
                halvings++;
            }
        }
        // 0.097 / 2^13 = 1.19e-5 ≥ 1e-5, / 2^14 = 5.9e-6 < 1e-5: 14 halvings, at epochs 10 .. 23
        assertEquals(14, halvings);
        assertEquals(24, e);
    }

    @Test
    void withoutDecayNothingChanges() {
        DevF1Schedule s = new DevF1Schedule(0.1, false, 10, 1e-5);
        s.afterEpoch(0, 90.0);
        for (int e = 1; e < 100; e++) {
            assertEquals(Action.CONTINUE, s.afterEpoch(e, 10.0));
        }
        assertEquals(0.1, s.learningRate());
    }

    @Test
    void shuffleIsASeededPermutation() {
        int[] a = new int[1000];
        int[] b = new int[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] = i;
        }
        SeededRandom r1 = new SeededRandom(345);
        SeededRandom r2 = new SeededRandom(345);
        r1.shuffle(a);
        r2.shuffle(b);
        assertTrue(Arrays.equals(a, b));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        int fixed = 0;
        for (int i = 0; i < a.length; i++) {
            fixed += a[i] == i ? 1 : 0;
        }
        assertTrue(fixed < 10, "a shuffle leaves few points fixed: " + fixed);
        r1.shuffle(a); // the next epoch's order differs
        assertFalse(Arrays.equals(a, b));
        for (int bound : new int[] {1, 2, 3, 7, 1 << 30, Integer.MAX_VALUE}) {
            for (int i = 0; i < 100; i++) {
                int v = r1.nextInt(bound);
                assertTrue(v >= 0 && v < bound);
            }
        }
    }
}
