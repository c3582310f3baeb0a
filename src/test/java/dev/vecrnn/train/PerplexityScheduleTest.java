package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.train.Schedule.Action;
import org.junit.jupiter.api.Test;

class PerplexityScheduleTest {

    @Test
    void keepsImprovementsOfAtLeastATenthOfAPercentAndHalvesOtherwise() {
        PerplexitySchedule s = new PerplexitySchedule(1.0);
        assertEquals(Action.NEW_BEST, s.update(0, 500.0)); // the first epoch is always kept
        assertEquals(Action.NEW_BEST, s.update(1, 300.0));
        assertEquals(300.0, s.bestPerplexity());
        assertEquals(1, s.bestEpoch());
        // 0.05 % better is not enough: halve and go back to epoch 1's parameters
        assertEquals(Action.HALVE_AND_RESTORE, s.update(2, 300.0 * 0.9995));
        assertEquals(0.5, s.learningRate());
        assertEquals(300.0, s.bestPerplexity(), "the undone epoch does not move the reference");
        assertEquals(Action.HALVE_AND_RESTORE, s.update(3, 310.0)); // worse: the same
        assertEquals(0.25, s.learningRate());
        assertEquals(Action.NEW_BEST, s.update(4, 299.0)); // 0.33 % better: kept, lr stays
        assertEquals(0.25, s.learningRate());
        assertEquals(4, s.bestEpoch());
        assertEquals(2, s.halvings());
        assertFalse(s.finished());
    }

    @Test
    void stopsAfterEightHalvings() {
        PerplexitySchedule s = new PerplexitySchedule(2.0);
        s.update(0, 100.0);
        int e = 1;
        while (!s.finished()) {
            assertEquals(Action.HALVE_AND_RESTORE, s.update(e++, 100.0));
        }
        assertEquals(8, s.halvings());
        assertEquals(9, e);
        assertEquals(2.0 / 256, s.learningRate());
    }

    @Test
    void nanNeverImproves() {
        PerplexitySchedule s = new PerplexitySchedule(1.0, 0.001, 3);
        assertEquals(Action.HALVE_AND_RESTORE, s.update(0, Double.NaN));
        assertEquals(-1, s.bestEpoch());
        assertEquals(Action.NEW_BEST, s.update(1, 50.0));
        assertEquals(Action.HALVE_AND_RESTORE, s.update(2, Double.NaN));
        assertEquals(Action.HALVE_AND_RESTORE, s.update(3, Double.POSITIVE_INFINITY));
        assertTrue(s.finished());
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySchedule(0));
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySchedule(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySchedule(1, -0.1, 8));
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySchedule(1, 1.0, 8));
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySchedule(1, 0.001, -1));
        assertTrue(new PerplexitySchedule(1, 0.001, 0).finished());
    }
}
