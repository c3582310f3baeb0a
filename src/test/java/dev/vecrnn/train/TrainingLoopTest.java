package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vecrnn.nn.BigramLanguageModel;
import dev.vecrnn.nn.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

    /**
     * Epochs that add 1 to every parameter (so the values say how many epochs' updates they hold) and
     * report a scripted metric; the values seen at the start of each epoch show what the loop kept and
     * restored.
     */
    private static final class Scripted implements TrainingLoop.Epochs<Double> {
        final ParameterSet params;
        final double[] metrics;
        final List<Float> startValues = new ArrayList<>();

        Scripted(ParameterSet params, double... metrics) {
            this.params = params;
            this.metrics = metrics;
            for (var p : params) {
                Arrays.fill(p.values(), 0f);
            }
        }

        @Override
        public Double run(int epoch, double learningRate) {
            startValues.add(params.get("b").values()[0]);
            for (var p : params) {
                float[] v = p.values();
                for (int i = 0; i < v.length; i++) {
                    v[i] += 1f;
                }
            }
            return metrics[epoch];
        }

        @Override
        public double metric(Double measured) {
            return measured;
        }
    }

    @Test
    void keepsRestoresAndEndsOnTheKeptCopy() {
        ParameterSet params = new BigramLanguageModel(3, 1).parameters();
        // perplexities: better, better, not better (undone), better, not better (undone)
        Scripted epochs = new Scripted(params, 100, 50, 60, 40, 45);
        List<TrainingLoop.Epoch<Double>> seen = new ArrayList<>();
        TrainingLoop.Outcome<Double> o = TrainingLoop.run(params, new PerplexitySchedule(1.0), 5, epochs, seen::add);
        assertEquals(List.of(0f, 1f, 2f, 2f, 3f), epochs.startValues);
        assertEquals(5, o.epochsRun());
        assertEquals(3, o.bestEpoch());
        assertEquals(40.0, o.best());
        assertEquals(0.25, o.learningRate());
        assertEquals(3f, params.get("w").values()[4], "the loop ends on the kept copy");
        assertEquals(List.of(1.0, 1.0, 1.0, 0.5, 0.5), seen.stream().map(TrainingLoop.Epoch::learningRate).toList());
        assertEquals(List.of(true, true, false, true, false), seen.stream().map(TrainingLoop.Epoch::newBest).toList());
        assertEquals(List.of(false, false, true, false, true), seen.stream().map(TrainingLoop.Epoch::halved).toList());
    }

    @Test
    void continueKeepsTheLiveParametersUntilTheEnd() {
        ParameterSet params = new BigramLanguageModel(3, 1).parameters();
        Scripted epochs = new Scripted(params, 10, 90, 80, 85);
        TrainingLoop.Outcome<Double> o = TrainingLoop.run(params, new DevF1Schedule(0.1, true, 10, 1e-5), 4, epochs,
                e -> { });
        assertEquals(List.of(0f, 1f, 2f, 3f), epochs.startValues, "CONTINUE epochs build on each other");
        assertEquals(1, o.bestEpoch());
        assertEquals(2f, params.get("b").values()[2], "the end restores the best epoch's parameters");
    }

    @Test
    void aHalvingBeforeAnyKeptEpochRestoresNothingAndZeroEpochsKeepNothing() {
        ParameterSet params = new BigramLanguageModel(3, 1).parameters();
        Scripted epochs = new Scripted(params, Double.NaN, Double.NaN);
        TrainingLoop.Outcome<Double> o = TrainingLoop.run(params, new PerplexitySchedule(1.0), 2, epochs, e -> { });
        assertEquals(List.of(0f, 1f), epochs.startValues);
        assertEquals(-1, o.bestEpoch());
        assertNull(o.best());
        assertEquals(2f, params.get("b").values()[0]);
        TrainingLoop.Outcome<Double> none = TrainingLoop.run(params, new PerplexitySchedule(1.0), 0, epochs, e -> { });
        assertEquals(0, none.epochsRun());
        assertEquals(-1, none.bestEpoch());
    }
}
