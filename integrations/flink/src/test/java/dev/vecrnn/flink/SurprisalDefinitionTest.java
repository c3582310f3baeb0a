package dev.vecrnn.flink;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.RecurrentState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scorer's surprisal, {@link LanguageModel#loss} over one step (as the operator and
 * {@link LibraryReference} compute it), is −ln softmax(step's logits)[word]: a log-sum-exp in double
 * over {@link LanguageModel#step}'s V logits, to float rounding, for each model and output layer.
 */
class SurprisalDefinitionTest {
    @TempDir
    static Path dir;

    @Test
    void oneStepLossIsTheNegativeLogSoftmaxOfStepsLogits() throws Exception {
        for (Path file : new Path[] {TestModels.scrnLanguageModel(dir), TestModels.elmanLanguageModel(dir),
                TestModels.scrnHsLanguageModel(dir), TestModels.elmanClassLanguageModel(dir)}) {
            LanguageModel model = ModelFile.load(file).languageModel();
            int v = model.vocabularySize();
            RecurrentState byLoss = model.newState(1), byStep = model.newState(1);
            float[] logits = new float[v];
            int[] input = {1}, target = new int[1];
            SplittableRandom rnd = new SplittableRandom(3);
            for (int t = 0; t < 50; t++) {
                int word = rnd.nextInt(v);
                target[0] = word;
                double surprisal = model.loss(byLoss, 1, input, target);
                model.step(byStep, input[0], logits);
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, logits[j]);
                }
                for (int j = 0; j < v; j++) {
                    z += Math.exp(logits[j] - max);
                }
                assertEquals(Math.log(z) + max - logits[word], surprisal, 1e-5, file.getFileName() + " step " + t);
                input[0] = word;
            }
        }
    }
}
