package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.data.StreamBatches;
import dev.vecrnn.nn.BigramLanguageModel;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import dev.vecrnn.nn.RecurrentState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LanguageModelTrainerTest {
    static final int V = 30;

    /**
     * A token stream from a Markov chain over V words in which each word has three successors, with
     * probabilities 0.6, 0.3 and 0.1: its bigram perplexity is exp(H) = exp(0.898) ≈ 2.45, its unigram
     * perplexity near V.
     */
    static int[] markov(long seed, int n) {
        Random chain = new Random(7); // the same chain for every stream
        int[][] next = new int[V][3];
        for (int x = 0; x < V; x++) {
            for (int k = 0; k < 3; k++) {
                int c;
                do {
                    c = chain.nextInt(V);
                } while (k > 0 && (c == next[x][0] || (k > 1 && c == next[x][1])));
                next[x][k] = c;
            }
        }
        Random r = new Random(seed);
        int[] t = new int[n];
        t[0] = r.nextInt(V);
        for (int i = 1; i < n; i++) {
            double u = r.nextDouble();
            t[i] = next[t[i - 1]][u < 0.6 ? 0 : u < 0.9 ? 1 : 2];
        }
        return t;
    }

    /** exp of the mean NLL on {@code eval} of add-one-smoothed unigram frequencies of {@code train}. */
    static double unigramPerplexity(int[] train, int[] eval) {
        double[] count = new double[V];
        for (int x : train) {
            count[x]++;
        }
        double nll = 0;
        for (int i = 1; i < eval.length; i++) {
            nll -= Math.log((count[eval[i]] + 1) / (train.length + V));
        }
        return Math.exp(nll / (eval.length - 1));
    }

    static LanguageModelTrainingOptions small() {
        return LanguageModelTrainingOptions.defaults().withStreams(8).withBptt(20).withLearningRate(20).withEpochs(6);
    }

    @Test
    void defaultsAreSpecSection2s() {
        LanguageModelTrainingOptions o = LanguageModelTrainingOptions.defaults();
        assertEquals(32, o.streams());
        assertEquals(35, o.bptt());
        assertEquals(1.0, o.learningRate());
        assertEquals(5.0, o.clipNorm());
        assertEquals(0.001, o.minImprovement());
        assertEquals(8, o.maxHalvings());
        assertEquals(345, o.seed());
        assertEquals(20, o.epochs());
        assertEquals(7, o.withBptt(7).bptt());
        assertThrows(IllegalArgumentException.class, () -> o.withStreams(0));
        assertThrows(IllegalArgumentException.class, () -> o.withBptt(0));
        assertThrows(IllegalArgumentException.class, () -> o.withLearningRate(0));
        assertThrows(IllegalArgumentException.class, () -> o.withClipNorm(0));
        assertThrows(IllegalArgumentException.class, () -> o.withEpochs(-1));
    }

    @Test
    void learnsBigramStructureFarBelowTheUnigramPerplexity() {
        int[] train = markov(1, 30_000);
        int[] valid = markov(2, 4_000);
        int[] test = markov(3, 4_000);
        double unigram = unigramPerplexity(train, valid);
        List<LanguageModelEpochReport> seen = new ArrayList<>();
        BigramLanguageModel model = new BigramLanguageModel(V, 1);
        double before = LanguageModelTrainer.perplexity(model, valid, 8, 20);
        LanguageModelTrainingResult r = new LanguageModelTrainer(small(), seen::add).train(model, train, valid, test);
        assertEquals(r.history(), seen);
        assertSame(model, r.model());
        String log = "unigram " + unigram + ", before " + before + "\n" + r.history();
        assertTrue(unigram > 15, log);
        // the chain's own perplexity is 2.45; plain SGD gets within 15 % of it in a few epochs, the
        // remaining gap being the mass still spread over the 27 impossible successors of each word
        assertTrue(r.bestValidPerplexity() < 2.9 && r.bestValidPerplexity() < unigram / 5, log);
        assertTrue(r.testPerplexity() < 2.9, log);
        // the model holds the kept parameters, and the figures are what perplexity() measures
        assertEquals(r.bestValidPerplexity(), LanguageModelTrainer.perplexity(model, valid, 8, 20));
        assertEquals(r.testPerplexity(), LanguageModelTrainer.perplexity(model, test, 8, 20));
        LanguageModelEpochReport best = r.history().get(r.bestEpoch());
        assertTrue(best.newBest());
        assertEquals(best.validPerplexity(), r.bestValidPerplexity());
        LanguageModelEpochReport first = r.history().get(0);
        assertEquals(train.length - 1, first.trainTokens());
        assertTrue(first.trainPerplexity() > r.history().get(r.epochsRun() - 1).trainPerplexity(), log);
        assertEquals(Math.exp(first.trainLoss()), first.trainPerplexity());
        assertTrue(first.tokensPerSecond() > 0 && first.seconds() > 0);
        assertTrue(first.clippedFraction() >= 0 && first.clippedFraction() <= 1);
    }

    @Test
    void sameModelSeedAndDataSameRunBitForBit() {
        int[] train = markov(1, 5_000);
        int[] valid = markov(2, 1_000);
        LanguageModelTrainingOptions o = small().withEpochs(3);
        LanguageModelTrainingResult a = new LanguageModelTrainer(o).train(new BigramLanguageModel(V, 5), train, valid, valid);
        LanguageModelTrainingResult b = new LanguageModelTrainer(o).train(new BigramLanguageModel(V, 5), train, valid, valid);
        assertEquals(a.epochsRun(), b.epochsRun());
        for (int e = 0; e < a.epochsRun(); e++) {
            assertEquals(Double.doubleToRawLongBits(a.history().get(e).trainLoss()),
                    Double.doubleToRawLongBits(b.history().get(e).trainLoss()));
            assertEquals(Double.doubleToRawLongBits(a.history().get(e).validPerplexity()),
                    Double.doubleToRawLongBits(b.history().get(e).validPerplexity()));
        }
        assertEquals(Double.doubleToRawLongBits(a.testPerplexity()), Double.doubleToRawLongBits(b.testPerplexity()));
        for (String name : a.model().parameters().names()) {
            assertArrayEquals(a.model().parameters().get(name).values(), b.model().parameters().get(name).values(), name);
        }
        LanguageModelTrainingResult c = new LanguageModelTrainer(o).train(new BigramLanguageModel(V, 6), train, valid, null);
        assertNotEquals(a.history().get(0).trainLoss(), c.history().get(0).trainLoss());
        assertTrue(Double.isNaN(c.testPerplexity()));
    }

    @Test
    void halvesAndRestoresThePreviousEpochUntilTheHalvingsRunOut() {
        int[] train = markov(1, 3_000);
        int[] valid = markov(2, 600);
        // no epoch can improve by 90 %: every epoch after the first is undone at half the rate
        LanguageModelTrainingOptions o = small().withEpochs(20).withMinImprovement(0.9).withMaxHalvings(3);
        BigramLanguageModel model = new BigramLanguageModel(V, 3);
        float[][] kept = new float[1][];
        int[] halvings = new int[1];
        LanguageModelTrainingResult r = new LanguageModelTrainer(o, e -> {
            float[] w = model.parameters().get("w").values();
            if (e.newBest()) {
                kept[0] = w.clone();
            } else {
                assertTrue(e.halved(), e.toString());
                halvings[0]++;
                assertArrayEquals(kept[0], w, "after a halving the model holds the previous epoch's parameters");
            }
        }).train(model, train, valid, null);
        assertEquals(4, r.epochsRun(), r.history().toString());
        assertEquals(3, halvings[0]);
        assertEquals(0, r.bestEpoch());
        double lr = o.learningRate();
        for (LanguageModelEpochReport e : r.history()) {
            assertEquals(lr, e.learningRate());
            lr = e.halved() ? lr / 2 : lr;
        }
        assertEquals(o.learningRate() / 8, r.learningRate());
        assertArrayEquals(kept[0], model.parameters().get("w").values());
        assertEquals(r.history().get(0).validPerplexity(), r.bestValidPerplexity());
        // an undone epoch still trained: its perplexity differs from the kept one
        assertNotEquals(r.history().get(0).validPerplexity(), r.history().get(1).validPerplexity());
    }

    @Test
    void perplexityIsExpOfTheMeanNllOfEveryPrediction() {
        int[] tokens = markov(4, 777);
        BigramLanguageModel model = new BigramLanguageModel(V, 9);
        // the bigram model has no memory: every split of the stream gives the same figure
        double direct = 0;
        float[] logits = new float[V];
        RecurrentState one = model.newState(1);
        for (int i = 0; i + 1 < tokens.length; i++) {
            model.step(one, tokens[i], logits);
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logits) {
                max = Math.max(max, z);
            }
            double s = 0;
            for (float z : logits) {
                s += Math.exp(z - max);
            }
            direct += max + Math.log(s) - logits[tokens[i + 1]];
        }
        double expected = Math.exp(direct / (tokens.length - 1));
        for (int[] bt : new int[][] {{1, 1}, {1, 1000}, {7, 3}, {32, 35}, {800, 2}}) {
            assertEquals(expected, LanguageModelTrainer.perplexity(model, tokens, bt[0], bt[1]), 1e-9 * expected,
                    "B=" + bt[0] + " T=" + bt[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> LanguageModelTrainer.perplexity(model, new int[] {3}, 1, 1));
        String m = assertThrows(IllegalArgumentException.class,
                () -> LanguageModelTrainer.perplexity(model, new int[] {3, V}, 1, 1)).getMessage();
        assertTrue(m.contains("token 1") && m.contains(String.valueOf(V)), m);
    }

    @Test
    void rejectsStreamsWithoutPredictionsOrWithIdsOutsideTheVocabulary() {
        BigramLanguageModel model = new BigramLanguageModel(V, 1);
        LanguageModelTrainer t = new LanguageModelTrainer(small());
        int[] ok = markov(1, 100);
        String m = assertThrows(IllegalArgumentException.class, () -> t.train(model, new int[] {1, 2, V + 3}, ok, null))
                .getMessage();
        assertTrue(m.contains("training token 2"), m);
        m = assertThrows(IllegalArgumentException.class, () -> t.train(model, ok, new int[] {4}, null)).getMessage();
        assertTrue(m.contains("validation"), m);
        assertThrows(IllegalArgumentException.class, () -> t.train(model, ok, ok, new int[] {-1, 2}));
    }

    /** A model that passes everything to a bigram model except what a test overrides. */
    static class Delegating implements LanguageModel {
        final BigramLanguageModel inner;

        Delegating(BigramLanguageModel inner) {
            this.inner = inner;
        }

        @Override
        public int vocabularySize() {
            return inner.vocabularySize();
        }

        @Override
        public ParameterSet parameters() {
            return inner.parameters();
        }

        @Override
        public RecurrentState newState(int streams) {
            return inner.newState(streams);
        }

        @Override
        public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
            return inner.computeGradients(state, steps, inputs, targets);
        }

        @Override
        public double loss(RecurrentState state, int steps, int[] inputs, int[] targets) {
            return inner.loss(state, steps, inputs, targets);
        }

        @Override
        public double clipGradients(float maxNorm) {
            return inner.clipGradients(maxNorm);
        }

        @Override
        public void applySgd(float lr) {
            inner.applySgd(lr);
        }

        @Override
        public void step(RecurrentState state, int word, float[] logits) {
            inner.step(state, word, logits);
        }
    }

    @Test
    void aNonFiniteLossOrGradientNormRestartsTheEpochFromItsStartAtHalfTheRate() {
        int[] train = markov(1, 2_000);
        int[] valid = markov(2, 300);
        LanguageModelTrainingOptions o = small().withEpochs(3);
        int segments = new StreamBatches(train, o.streams(), o.bptt()).segmentCount();
        for (boolean inLoss : new boolean[] {true, false}) {
            int[] calls = new int[1];
            BigramLanguageModel inner = new BigramLanguageModel(V, 2);
            float[][] atEpochStart = new float[1][];
            List<Float> sgdRates = new ArrayList<>();
            LanguageModel faulty = new Delegating(inner) {
                @Override
                public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
                    if (calls[0] == segments) {
                        atEpochStart[0] = inner.parameters().get("w").values().clone();
                    }
                    double nll = super.computeGradients(state, steps, inputs, targets);
                    return inLoss && calls[0]++ == segments + 3 ? Double.NaN : nll; // epoch 1, segment 3, once
                }

                @Override
                public double clipGradients(float maxNorm) {
                    double norm = super.clipGradients(maxNorm);
                    if (!inLoss && calls[0]++ == segments + 3) {
                        return Double.POSITIVE_INFINITY;
                    }
                    return norm;
                }

                @Override
                public void applySgd(float lr) {
                    sgdRates.add(lr);
                    super.applySgd(lr);
                }
            };
            List<TrainingLoop.Divergence> events = new ArrayList<>();
            List<LanguageModelEpochReport> epochs = new ArrayList<>();
            LanguageModelTrainingResult r = new LanguageModelTrainer(o, epochs::add).onDivergence(d -> {
                events.add(d);
                assertArrayEquals(atEpochStart[0], inner.parameters().get("w").values(),
                        "the epoch's starting parameters are back before it runs again");
            }).train(faulty, train, valid, null);
            assertEquals(1, events.size());
            TrainingLoop.Divergence d = events.get(0);
            assertEquals(1, d.epoch());
            assertEquals(3, d.step());
            assertEquals("segment", d.unit());
            assertEquals(inLoss ? "the training loss" : "the gradient norm", d.what());
            assertEquals(1, d.inARow());
            assertEquals(epochs.get(1).learningRate(), d.learningRate());
            assertEquals(epochs.get(0).learningRate() / 2, d.learningRate(), "halved");
            assertTrue(d.describe().startsWith("segment 3: " + d.what() + " is "), d.describe());
            // epoch 0, then epoch 1's 3 segments before the divergence, then all of epoch 1 again at lr/2
            assertEquals(20f, sgdRates.get(segments + 2));
            assertEquals(10f, sgdRates.get(segments + 3), "the diverged update is skipped and the epoch runs again at half the rate");
            assertEquals(3 * segments + 3, sgdRates.size());
            assertEquals(3, epochs.size(), "the diverged attempt is not reported as an epoch");
            for (Parameter p : r.model().parameters()) {
                for (float x : p.values()) {
                    assertTrue(Float.isFinite(x));
                }
            }
        }
    }

    @Test
    void theFifthDivergenceInARowStopsTrainingNamingEpochAndSegment() {
        int[] train = markov(1, 2_000);
        int[] valid = markov(2, 300);
        LanguageModelTrainingOptions o = small().withEpochs(5);
        int segments = new StreamBatches(train, o.streams(), o.bptt()).segmentCount();
        int[] calls = new int[1];
        BigramLanguageModel inner = new BigramLanguageModel(V, 2);
        float[][] atEpochStart = new float[1][];
        LanguageModel broken = new Delegating(inner) {
            @Override
            public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
                if (calls[0] == segments) {
                    atEpochStart[0] = inner.parameters().get("w").values().clone();
                }
                double nll = super.computeGradients(state, steps, inputs, targets);
                return calls[0]++ >= segments && (calls[0] - segments) % 7 == 0 ? Double.NaN : nll; // from epoch 1 on
            }
        };
        List<TrainingLoop.Divergence> events = new ArrayList<>();
        int[] checkpoints = new int[1];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new LanguageModelTrainer(o).onDivergence(events::add).train(broken, train, valid, null, null,
                        (live, state) -> checkpoints[0]++));
        assertEquals(1, checkpoints[0], "only epoch 0 completed, so only it was handed on");
        assertEquals(4, events.size());
        assertEquals(List.of(1, 2, 3, 4), events.stream().map(TrainingLoop.Divergence::inARow).toList());
        assertEquals(List.of(10.0, 5.0, 2.5, 1.25), events.stream().map(TrainingLoop.Divergence::learningRate).toList());
        assertEquals(1, e.epoch());
        assertEquals(6, e.segment());
        assertEquals(5, e.times());
        assertEquals(1.25, e.learningRate());
        assertTrue(e.getMessage().startsWith("the training loss is NaN in epoch 1, segment 6, the 5th divergence in a row"),
                e.getMessage());
        assertArrayEquals(atEpochStart[0], inner.parameters().get("w").values(),
                "the model is left with the parameters the epoch started from");
        LanguageModel badValidation = new Delegating(new BigramLanguageModel(V, 2)) {
            @Override
            public double loss(RecurrentState state, int steps, int[] inputs, int[] targets) {
                return Double.NaN;
            }
        };
        e = assertThrows(TrainingDivergedException.class,
                () -> new LanguageModelTrainer(o).train(badValidation, train, valid, null));
        assertEquals(0, e.epoch());
        assertEquals(-1, e.segment());
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
    }

    @Test
    void anScrnAtAHugeLearningRateStopsWithFiniteParameters() {
        int[] train = markov(1, 2_000);
        int[] valid = markov(2, 300);
        LanguageModelTrainingOptions o = small().withEpochs(3).withLearningRate(1e30);
        dev.vecrnn.nn.ScrnNetwork m = new dev.vecrnn.nn.ScrnNetwork(
                dev.vecrnn.nn.ScrnConfig.languageModel(V, 8, 4, dev.vecrnn.nn.RateMode.VECTOR), 5);
        ParameterSet initial = m.parameters().copy();
        List<TrainingLoop.Divergence> events = new ArrayList<>();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new LanguageModelTrainer(o).onDivergence(events::add).train(m, train, valid, null));
        assertEquals(0, e.epoch());
        assertEquals(4, events.size());
        assertEquals(1e30 / 16, e.learningRate());
        for (Parameter p : m.parameters()) {
            assertArrayEquals(initial.get(p.name()).get(), p.get(), "epoch 0 started from the initial values");
        }
    }

    @Test
    void stateIsCarriedAcrossSegmentsAndResetAtEachEpochAndForValidation() {
        int[] train = markov(1, 1_000);
        int[] valid = markov(2, 300);
        LanguageModelTrainingOptions o = small().withEpochs(3).withStreams(4).withBptt(10);
        StreamBatches layout = new StreamBatches(train, 4, 10);
        int segments = layout.segmentCount();
        List<RecurrentState> trainStates = new ArrayList<>();
        List<RecurrentState> evalStates = new ArrayList<>();
        int[] calls = new int[1];
        LanguageModel recording = new Delegating(new BigramLanguageModel(V, 2)) {
            @Override
            public double computeGradients(RecurrentState state, int steps, int[] inputs, int[] targets) {
                int segment = calls[0]++ % segments;
                trainStates.add(state);
                for (int b = 0; b < 4; b++) {
                    // the bigram model's state counts the steps each stream has read since the reset
                    float expected = Math.min(layout.streamLength(b), segment * 10);
                    assertEquals(expected, state.hidden()[b], "segment " + segment + " stream " + b);
                }
                return super.computeGradients(state, steps, inputs, targets);
            }

            @Override
            public double loss(RecurrentState state, int steps, int[] inputs, int[] targets) {
                evalStates.add(state);
                return super.loss(state, steps, inputs, targets);
            }
        };
        new LanguageModelTrainer(o).train(recording, train, valid, null);
        assertEquals(3 * segments, calls[0]);
        for (RecurrentState s : trainStates) {
            assertSame(trainStates.get(0), s);
        }
        assertFalse(evalStates.isEmpty());
        assertNotSame(trainStates.get(0), evalStates.get(0));
    }
}
