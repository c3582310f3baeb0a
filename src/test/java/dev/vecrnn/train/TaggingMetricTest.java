package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.TaggedCorpus;
import dev.vecrnn.data.TaggedSentence;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.nn.ElmanTagger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dev metric (chunk F1 or token accuracy) and the scoring of gold labels unseen in training. */
class TaggingMetricTest {

    @Test
    void chunkLabelsChooseF1AndPlainTagsAccuracy() {
        assertEquals(TaggingMetric.F1, TaggingMetric.forLabels(List.of("O", "B-toloc.city_name", "I-toloc.city_name")));
        assertEquals(TaggingMetric.F1, TaggingMetric.forLabels(List.of("B-PER", "I-PER"))); // no O needed
        assertEquals(TaggingMetric.F1, TaggingMetric.forLabels(List.of("O", "I-LOC", "E-LOC"))); // IOE
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("NN", "VB", "DT")));
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("O", "B-NP", "NN"))); // one plain tag
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("-LRB-", "-RRB-", "NN")));
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("O", "S-LOC", "B-LOC"))); // IOBES
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("O", "B-"))); // no type
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.forLabels(List.of("O"))); // no chunk at all
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.AUTO.resolve(List.of("NN")));
        assertEquals(TaggingMetric.F1, TaggingMetric.F1.resolve(List.of("NN")));
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.ACCURACY.resolve(List.of("O", "B-x")));
        assertEquals(TaggingMetric.ACCURACY, TaggingMetric.parse("Accuracy"));
        assertEquals(TaggingMetric.F1, TaggingMetric.parse("f1"));
        assertThrows(IllegalArgumentException.class, () -> TaggingMetric.parse("bleu"));
        assertEquals(TaggingMetric.AUTO, ElmanTrainingOptions.defaults().metric());
        assertEquals(TaggingMetric.ACCURACY, ElmanTrainingOptions.defaults().withMetric(TaggingMetric.ACCURACY).metric());
    }

    /**
     * Known labels O, B-a, I-a; the dev gold also has B-foo and X, which training never had (ids 3, 4).
     * Worked out by hand with conlleval's rules:
     * <pre>
     *   gold   O  B-a  B-foo  I-foo  O   |  X  O
     *   guess  O  B-a  B-a    I-a    O   |  O  O
     * </pre>
     * tokens right: O, B-a, O | O = 4 of 7; gold chunks [B-a] [B-foo I-foo] = 2 (X starts none: a bare
     * tag of the same empty type as the O before it); guessed [B-a] [B-a I-a] = 2; correct [B-a] = 1, so
     * P = R = F1 = 50.
     */
    @Test
    void unseenGoldLabelsAreErrorsInAccuracyAndChunks() {
        List<String> known = List.of("O", "B-a", "I-a");
        EncodedCorpus dev = new EncodedCorpus("dev", new int[][] {{0, 0, 0, 0, 0}, {0, 0}},
                new int[][] {{0, 1, 3, 4, 0}, {5, 0}}, List.of("B-foo", "I-foo", "X"));
        // ids: B-foo = 3, I-foo = 4, X = 5
        ChunkEval e = new ChunkEval(dev.labelNames(known));
        e.add(dev.labels()[0], new int[] {0, 1, 1, 2, 0}, 5);
        e.add(dev.labels()[1], new int[] {0, 0}, 2);
        ChunkEval.Result r = e.result();
        assertEquals(7, r.tokens());
        assertEquals(4, r.correctTokens());
        assertEquals(100.0 * 4 / 7, r.accuracy());
        assertEquals(2, r.goldChunks());
        assertEquals(2, r.guessedChunks());
        assertEquals(1, r.correctChunks());
        assertEquals(50.0, r.f1());
        assertEquals(0, r.types().get("foo").correct());
        assertEquals(1, r.types().get("foo").gold());
        // the same figures conlleval gives on the strings (the tagged output file)
        ChunkEval.Result strings = ChunkEval.evaluate(
                List.of(new String[] {"O", "B-a", "B-foo", "I-foo", "O"}, new String[] {"X", "O"}),
                List.of(new String[] {"O", "B-a", "B-a", "I-a", "O"}, new String[] {"O", "O"}));
        assertEquals(strings, r);
    }

    private static TaggedCorpus plainTags(TaggedCorpus c) {
        List<TaggedSentence> out = new ArrayList<>();
        for (TaggedSentence s : c) {
            String[] labels = new String[s.length()];
            for (int t = 0; t < labels.length; t++) {
                String l = s.labels()[t];
                labels[t] = l.equals("O") ? "OTHER" : l.substring(2).toUpperCase(java.util.Locale.ROOT);
            }
            out.add(new TaggedSentence(s.words(), labels, s.lines()));
        }
        return new TaggedCorpus(c.source(), out);
    }

    private static ElmanTrainingOptions small() {
        return ElmanTrainingOptions.defaults().withHiddenSize(16).withEmbeddingDim(8).withWindowSize(3)
                .withEpochs(5).withLearningRate(0.1).withDecay(false);
    }

    @Test
    void plainTagsAreJudgedByAccuracyAndUnseenDevLabelsTrain() {
        TaggedCorpus train = plainTags(ConllReader.parse(ElmanTrainerTest.synthetic(1, 120), "train"));
        TaggedCorpus devRaw = plainTags(ConllReader.parse(ElmanTrainerTest.synthetic(2, 40), "dev"));
        // give the first dev sentence's first token a tag the training data never has
        List<TaggedSentence> devSentences = new ArrayList<>(devRaw.sentences());
        TaggedSentence first = devSentences.get(0);
        String[] labels = first.labels().clone();
        labels[0] = "NEVER-SEEN";
        devSentences.set(0, new TaggedSentence(first.words(), labels, first.lines()));
        TaggedCorpus dev = new TaggedCorpus("dev", devSentences);
        TaggingVocabulary v = TaggingVocabulary.build(train, WordNormalizer.CASE_AND_DIGITS, 2);
        EncodedCorpus devIds = v.encode(dev);
        assertEquals(List.of("NEVER-SEEN"), devIds.unseenLabels());

        List<String> names = v.labels().words();
        ElmanTrainingResult r = new ElmanTrainer(small()).train(v, v.encode(train), devIds, null);
        assertEquals(TaggingMetric.ACCURACY, r.metric());
        double best = Double.NEGATIVE_INFINITY;
        for (EpochReport e : r.history()) {
            assertEquals(TaggingMetric.ACCURACY, e.metric());
            assertEquals(e.devAccuracy() > best, e.newBest(), r.history().toString());
            best = Math.max(best, e.devAccuracy());
            assertTrue(e.dev().correctTokens() <= e.dev().tokens() - 1, "the unseen token is always an error");
        }
        assertEquals(best, r.bestDev().accuracy());
        assertEquals(best, r.bestDevMetric());
        // the kept model scores the same, unseen label included, and as conlleval would on the strings
        ChunkEval.Result again = ElmanTrainer.evaluate(r.model(), devIds, names);
        assertEquals(r.bestDev(), again);
        assertEquals(dev.tokenCount(), again.tokens());
        List<String[]> gold = new ArrayList<>();
        List<String[]> guess = new ArrayList<>();
        for (int s = 0; s < dev.size(); s++) {
            int[] out = new int[dev.get(s).length()];
            r.model().tag(devIds.words()[s], out);
            gold.add(dev.get(s).labels());
            guess.add(v.decodeLabels(out, out.length));
        }
        assertEquals(ChunkEval.evaluate(gold, guess), again);

        // asked for F1 instead, the same data is judged by F1
        ElmanTrainingResult f = new ElmanTrainer(small().withMetric(TaggingMetric.F1)).train(v, v.encode(train), devIds,
                null);
        assertEquals(TaggingMetric.F1, f.metric());
        double bestF1 = Double.NEGATIVE_INFINITY;
        for (EpochReport e : f.history()) {
            assertEquals(e.devF1() > bestF1, e.newBest());
            bestF1 = Math.max(bestF1, e.devF1());
        }
    }

    @Test
    void bioLabelsStayJudgedByF1() {
        TaggedCorpus train = ConllReader.parse(ElmanTrainerTest.synthetic(1, 120), "train");
        TaggedCorpus dev = ConllReader.parse(ElmanTrainerTest.synthetic(2, 40), "dev");
        TaggingVocabulary v = TaggingVocabulary.build(train, WordNormalizer.CASE_AND_DIGITS, 2);
        ElmanTrainingResult auto = new ElmanTrainer(small()).train(v, v.encode(train), v.encode(dev), null);
        ElmanTrainingResult f1 = new ElmanTrainer(small().withMetric(TaggingMetric.F1)).train(v, v.encode(train),
                v.encode(dev), null);
        assertEquals(TaggingMetric.F1, auto.metric());
        assertEquals(auto.history().size(), f1.history().size());
        for (int e = 0; e < auto.history().size(); e++) {
            assertEquals(f1.history().get(e).dev(), auto.history().get(e).dev());
            assertEquals(f1.history().get(e).newBest(), auto.history().get(e).newBest());
        }
    }

    @Test
    void trainingDataCannotHaveUnseenLabels() {
        TaggedCorpus train = ConllReader.parse("a O\nb B-x\n", "train");
        TaggingVocabulary v = TaggingVocabulary.build(train);
        EncodedCorpus other = v.encode(ConllReader.parse("a O\nb B-y\n", "other"));
        ElmanTagger model = new ElmanTagger(small().config(v.wordCount(), v.labelCount()), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ElmanTrainer(small()).train(model, v.labels().words(), other, other, null));
        assertTrue(e.getMessage().contains("B-y"), e.getMessage());
    }
}
