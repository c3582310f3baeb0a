package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.TaggedCorpus;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.nn.ElmanTagger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElmanTrainerTest {
    private static final String[] FROM = {"boston", "denver", "dallas", "atlanta", "pittsburgh", "seattle"};
    private static final String[][] TO = {{"new", "york"}, {"san", "francisco"}, {"miami"}, {"chicago"}, {"los", "angeles"}};
    private static final String[] FILL = {"show", "me", "flights", "please", "i", "want", "a", "cheap", "ticket"};

    /**
     * A tiny ATIS-like set: "from X" tags X as fromloc, "to Y" tags Y (one or two words) as
     * toloc, "at N pm" tags N as time; other words O. Context (the previous word) decides the
     * city's role, so the window and the recurrence both matter.
     */
    static String synthetic(long seed, int sentences) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            int fill = r.nextInt(3);
            for (int i = 0; i < fill; i++) {
                sb.append(FILL[r.nextInt(FILL.length)]).append(" O\n");
            }
            boolean fromFirst = r.nextBoolean();
            String from = FROM[r.nextInt(FROM.length)];
            String[] to = TO[r.nextInt(TO.length)];
            if (fromFirst) {
                sb.append("from O\n").append(from).append(" B-fromloc\n");
            }
            sb.append("to O\n");
            for (int i = 0; i < to.length; i++) {
                sb.append(to[i]).append(i == 0 ? " B-toloc\n" : " I-toloc\n");
            }
            if (!fromFirst && r.nextBoolean()) {
                sb.append("from O\n").append(from).append(" B-fromloc\n");
            }
            if (r.nextBoolean()) {
                sb.append("at O\n").append(1 + r.nextInt(12)).append(" B-time\npm I-time\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private record Data(TaggingVocabulary vocab, EncodedCorpus train, EncodedCorpus dev, EncodedCorpus test) {}

    private static Data data() {
        TaggedCorpus train = ConllReader.parse(synthetic(1, 120), "train");
        TaggedCorpus dev = ConllReader.parse(synthetic(2, 40), "dev");
        TaggedCorpus test = ConllReader.parse(synthetic(3, 40), "test");
        TaggingVocabulary v = TaggingVocabulary.build(train, WordNormalizer.CASE_AND_DIGITS, 2);
        return new Data(v, v.encode(train), v.encode(dev), v.encode(test));
    }

    private static ElmanTrainingOptions small() {
        return ElmanTrainingOptions.defaults().withHiddenSize(24).withEmbeddingDim(10).withWindowSize(3)
                .withEpochs(12).withLearningRate(0.1);
    }

    @Test
    void defaultsAreTheTutorials() {
        ElmanTrainingOptions o = ElmanTrainingOptions.defaults();
        assertEquals(0.0970806646812754, o.learningRate());
        assertTrue(o.decay());
        assertEquals(7, o.windowSize());
        assertEquals(200, o.hiddenSize());
        assertEquals(50, o.embeddingDim());
        assertEquals(345, o.seed());
        assertEquals(60, o.epochs());
        assertEquals(1, o.batchSize());
        assertEquals(10, o.patience());
        assertEquals(1e-5, o.minLearningRate());
    }

    @Test
    void learnsASyntheticTaggingTaskAndKeepsTheBestEpoch() {
        Data d = data();
        List<EpochReport> seen = new ArrayList<>();
        ElmanTrainingResult r = new ElmanTrainer(small(), seen::add).train(d.vocab(), d.train(), d.dev(), d.test());
        assertEquals(12, r.epochsRun());
        assertEquals(r.history(), seen);
        assertTrue(r.bestDev().f1() >= 95.0, "dev F1 " + r.bestDev().f1() + "\n" + r.history());
        assertTrue(r.testAtBest().f1() >= 90.0, "test F1 " + r.testAtBest().f1());
        // the loss falls
        assertTrue(r.history().get(11).trainLoss() < 0.5 * r.history().get(0).trainLoss(), r.history().toString());
        // the model holds the best epoch's parameters: re-evaluating gives its figures
        ChunkEval.Result again = ElmanTrainer.evaluate(r.model(), d.dev(), d.vocab().labels().words());
        assertEquals(r.bestDev(), again);
        EpochReport best = r.history().get(r.bestEpoch());
        assertTrue(best.newBest());
        assertEquals(best.dev(), r.bestDev());
        for (EpochReport e : r.history()) {
            assertTrue(e.devF1() <= r.bestDev().f1());
        }
    }

    @Test
    void sameSeedSameRunBitForBit() {
        Data d = data();
        ElmanTrainingOptions o = small().withEpochs(3);
        ElmanTrainingResult a = new ElmanTrainer(o).train(d.vocab(), d.train(), d.dev(), null);
        ElmanTrainingResult b = new ElmanTrainer(o).train(d.vocab(), d.train(), d.dev(), null);
        for (int e = 0; e < 3; e++) {
            assertEquals(Double.doubleToRawLongBits(a.history().get(e).trainLoss()),
                    Double.doubleToRawLongBits(b.history().get(e).trainLoss()));
            assertEquals(a.history().get(e).dev(), b.history().get(e).dev());
            assertNull(a.history().get(e).test());
        }
        for (String name : a.model().parameters().names()) {
            assertArrayEquals(a.model().parameters().get(name).values(), b.model().parameters().get(name).values(), name);
        }
        ElmanTrainingResult c = new ElmanTrainer(o.withSeed(346)).train(d.vocab(), d.train(), d.dev(), null);
        assertNotEquals(a.history().get(0).trainLoss(), c.history().get(0).trainLoss());
    }

    @Test
    void batchedModeAlsoLearns() {
        Data d = data();
        ElmanTrainingResult r = new ElmanTrainer(small().withBatchSize(8).withLearningRate(0.5).withEpochs(20))
                .train(d.vocab(), d.train(), d.dev(), null);
        assertTrue(r.bestDev().f1() >= 80.0, "dev F1 " + r.bestDev().f1() + "\n" + r.history());
    }

    @Test
    void halvingRestoresTheBestParametersAsATrueCopy() {
        Data d = data();
        // patience 1: every epoch without a new best halves lr and restores the best parameters
        ElmanTrainingOptions o = small().withPatience(1).withEpochs(12);
        ElmanTagger model = new ElmanTagger(o.config(d.vocab().wordCount(), d.vocab().labelCount()), o.seed());
        List<String> labels = d.vocab().labels().words();
        float[][] kept = new float[1][];
        int[] halvings = new int[1];
        ElmanTrainingResult r = new ElmanTrainer(o, e -> {
            float[] emb = model.parameters().get("emb").values();
            if (e.newBest()) {
                kept[0] = emb.clone();
            } else if (e.halved()) {
                halvings[0]++;
                assertArrayEquals(kept[0], emb, "after a halving the model holds the best epoch's parameters");
            }
        }).train(model, labels, d.train(), d.dev(), null);
        assertTrue(halvings[0] > 0, "no halving happened: " + r.history());
        for (int e = 1; e < r.epochsRun(); e++) {
            EpochReport prev = r.history().get(e - 1);
            assertEquals(prev.halved() ? prev.learningRate() / 2 : prev.learningRate(), r.history().get(e).learningRate());
        }
        assertArrayEquals(kept[0], model.parameters().get("emb").values());
        assertEquals(r.bestDev(), ElmanTrainer.evaluate(model, d.dev(), labels));
    }

    /**
     * One batch of five sentences per epoch at lr = Float.MAX_VALUE: the first update overflows (a bias
     * gradient of magnitude above 1 times the largest float), the parameter check after the epoch sees
     * it, and the epoch runs again at half the rate until the update fits in a float; the next epoch's
     * loss, from those huge parameters, is NaN every time, and the fifth time stops training.
     */
    @Test
    void aDivergingTaggerRestartsTheEpochAtHalfTheRateThenStopsOnTheFifth() {
        dev.vecrnn.data.SyntheticSlots.Split data = dev.vecrnn.data.SyntheticSlots.generate(9, 120, 40, 40);
        TaggingVocabulary vocab = TaggingVocabulary.build(data.train());
        EncodedCorpus all = vocab.encode(data.train()), dev = vocab.encode(data.dev());
        EncodedCorpus five = new EncodedCorpus("five", java.util.Arrays.copyOf(all.words(), 5),
                java.util.Arrays.copyOf(all.labels(), 5));
        ElmanTrainingOptions o = ElmanTrainingOptions.defaults().withEpochs(1).withHiddenSize(12).withEmbeddingDim(8)
                .withWindowSize(3).withBatchSize(5).withLearningRate(Float.MAX_VALUE);
        ElmanTagger m = new ElmanTagger(o.config(vocab.wordCount(), vocab.labelCount()), o.seed());
        List<TrainingLoop.Divergence> events = new ArrayList<>();
        List<EpochReport> epochs = new ArrayList<>();
        ElmanTrainingResult r = new ElmanTrainer(o, epochs::add).onDivergence(events::add)
                .train(m, vocab.labels().words(), five, dev, null);
        assertTrue(!events.isEmpty() && events.size() < TrainingLoop.MAX_DIVERGENCES, events.toString());
        for (int k = 0; k < events.size(); k++) {
            TrainingLoop.Divergence d = events.get(k);
            assertEquals(0, d.epoch());
            assertEquals(k + 1, d.inARow());
            assertEquals(Float.MAX_VALUE / Math.pow(2, k + 1), d.learningRate(), "halved each time");
            assertEquals("the parameters' norm", d.what());
            assertTrue(d.describe().startsWith("after the updates: the parameters' norm is "), d.describe());
        }
        assertEquals(1, epochs.size());
        assertEquals(events.get(events.size() - 1).learningRate(), epochs.get(0).learningRate());
        for (var p : r.model().parameters()) {
            for (float x : p.get()) {
                assertTrue(Float.isFinite(x), p.name());
            }
        }
        ElmanTagger again = new ElmanTagger(o.config(vocab.wordCount(), vocab.labelCount()), o.seed());
        List<TrainingLoop.Divergence> more = new ArrayList<>();
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class,
                () -> new ElmanTrainer(o.withEpochs(3)).onDivergence(more::add)
                        .train(again, vocab.labels().words(), five, dev, null));
        assertEquals(1, e.epoch());
        assertEquals(5, e.times());
        assertEquals("batch", e.unit());
        assertTrue(e.getMessage().contains("in epoch 1, batch 0, the 5th divergence in a row"), e.getMessage());
        assertEquals(events.size() + 4, more.size());
    }
}
