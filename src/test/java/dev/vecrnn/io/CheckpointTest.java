package dev.vecrnn.io;

import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.SyntheticSlots;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.train.ElmanTrainer;
import dev.vecrnn.train.ElmanTrainingOptions;
import dev.vecrnn.train.ElmanTrainingResult;
import dev.vecrnn.train.LanguageModelTrainer;
import dev.vecrnn.train.LanguageModelTrainingOptions;
import dev.vecrnn.train.LanguageModelTrainingResult;
import dev.vecrnn.train.TrainingLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training resumed from a checkpoint file ends with the same parameters, bit for bit, as an uninterrupted run. */
class CheckpointTest {
    @TempDir
    Path dir;

    static void assertSameBits(ParameterSet a, ParameterSet b) {
        for (Parameter p : a) {
            assertArrayEquals(p.get(), b.get(p.name()).get(), p.name());
        }
    }

    /** Copies the checkpoint of epoch {@code keep} aside when it is written. */
    static TrainingLoop.Checkpoints saveAt(int keep, Path file, Path copy, IoAction write) {
        return (live, state) -> {
            try {
                write.run(state);
                if (state.epochsDone() == keep) {
                    Files.copy(file, copy);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    interface IoAction {
        void run(TrainingLoop.Resume state) throws IOException;
    }

    @Test
    void aLanguageModelResumedFromAnyEpochEndsWithTheSameBits() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        int v = 11;
        int[] train = new int[3000], valid = new int[400];
        for (int[] a : new int[][] {train, valid}) {
            for (int i = 1; i < a.length; i++) {
                a[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(v) : (a[i - 1] * 2 + 1) % v;
            }
        }
        // lr high enough that some epochs fail to improve: the run halves and restores, and keeps earlier epochs
        LanguageModelTrainingOptions o = LanguageModelTrainingOptions.defaults().withStreams(20).withBptt(7)
                .withEpochs(7).withLearningRate(30);
        ScrnNetwork whole = new ScrnNetwork(ScrnConfig.languageModel(v, 6, 3, RateMode.VECTOR), 5);
        LanguageModelTrainingResult full = new LanguageModelTrainer(o).train(whole, train, valid, null);
        for (int stop = 1; stop < 7; stop++) {
            Path ckpt = dir.resolve("lm.ckpt"), at = dir.resolve("lm-" + stop + ".ckpt");
            ScrnNetwork first = new ScrnNetwork(ScrnConfig.languageModel(v, 6, 3, RateMode.VECTOR), 5);
            new LanguageModelTrainer(o).train(first, train, valid, null, null, saveAt(stop, ckpt, at,
                    s -> ModelFile.saveLanguageModelCheckpoint(ckpt, first, null, s)));
            ModelFile.Loaded loaded = ModelFile.load(at);
            assertNotNull(loaded.training());
            assertEquals(stop, loaded.training().epochsDone());
            LanguageModel resumed = loaded.languageModel();
            LanguageModelTrainingResult r = new LanguageModelTrainer(o).train(resumed, train, valid, null,
                    loaded.training(), null);
            assertSameBits(whole.parameters(), resumed.parameters());
            assertEquals(full.bestEpoch(), r.bestEpoch(), "stop " + stop);
            assertEquals(full.bestValidPerplexity(), r.bestValidPerplexity(), "stop " + stop);
        }
        assertTrue(full.history().stream().anyMatch(e -> e.halved()), "the run should halve at least once");
    }

    @Test
    void aTaggerResumedEndsWithTheSameBitsAndTheSameBestScores() throws IOException {
        SyntheticSlots.Split data = SyntheticSlots.generate(9, 120, 40, 40);
        TaggingVocabulary vocab = TaggingVocabulary.build(data.train());
        EncodedCorpus train = vocab.encode(data.train()), dev = vocab.encode(data.dev());
        ElmanTrainingOptions o = ElmanTrainingOptions.defaults().withEpochs(6).withHiddenSize(12).withEmbeddingDim(8)
                .withWindowSize(3).withPatience(1).withBatchSize(5);
        ElmanTagger whole = new ElmanTagger(o.config(vocab.wordCount(), vocab.labelCount()), o.seed());
        ElmanTrainingResult full = new ElmanTrainer(o).train(whole, vocab.labels().words(), train, dev, null);
        for (int stop = 1; stop < 6; stop++) {
            Path ckpt = dir.resolve("t.ckpt"), at = dir.resolve("t-" + stop + ".ckpt");
            ElmanTagger first = new ElmanTagger(o.config(vocab.wordCount(), vocab.labelCount()), o.seed());
            new ElmanTrainer(o).train(first, vocab.labels().words(), train, dev, null, null, saveAt(stop, ckpt, at,
                    s -> ModelFile.saveTaggerCheckpoint(ckpt, first, vocab, s)));
            ModelFile.Loaded loaded = ModelFile.load(at);
            ElmanTrainingResult r = new ElmanTrainer(o).train(loaded.tagger(), vocab.labels().words(), train, dev,
                    null, loaded.training(), null);
            assertSameBits(whole.parameters(), loaded.tagger().parameters());
            assertEquals(full.bestEpoch(), r.bestEpoch(), "stop " + stop);
            assertEquals(full.bestDev().f1(), r.bestDev().f1(), "stop " + stop);
        }
        assertTrue(full.history().stream().anyMatch(e -> e.halved()), "the run should halve at least once");
    }
}
