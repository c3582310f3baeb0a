package dev.vecrnn.cli;

import dev.vecrnn.data.PlainTextReader;
import dev.vecrnn.data.SyntheticText;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.train.LanguageModelEpochReport;
import dev.vecrnn.train.LanguageModelTrainer;
import dev.vecrnn.train.LanguageModelTrainingOptions;
import dev.vecrnn.train.LanguageModelTrainingResult;
import dev.vecrnn.train.TextSampler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The demo's language-model part: an SCRN and an Elman network of the same size trained by the same
 * trainer on generated text whose last word depends on its first ({@link SyntheticText}), their
 * perplexities beside a unigram baseline, text sampled from the SCRN, and both models saved,
 * reloaded and checked equal.
 */
final class LanguageModelDemo {
    private LanguageModelDemo() {}

    static void run(boolean quick, PrintStream out) {
        int sentences = quick ? 4000 : 6000;
        List<String[]> trainLines = SyntheticText.generate(11, sentences, 3, 3);
        List<String[]> validLines = SyntheticText.generate(12, 400, 3, 3);
        List<String[]> testLines = SyntheticText.generate(13, 400, 3, 3);
        Vocabulary vocab = Vocabulary.forLanguageModel(trainLines, 1, 0);
        int[] train = PlainTextReader.encode(trainLines, vocab);
        int[] valid = PlainTextReader.encode(validLines, vocab);
        int[] test = PlainTextReader.encode(testLines, vocab);
        out.println("6. Language models: an SCRN and an Elman network of the same size (16 units), trained the same way"
                + " (SPEC §2),");
        out.println("   on generated text whose last word is fixed by its first, 5 to 7 words back; the words between are"
                + " random:");
        for (int i = 0; i < 3; i++) {
            out.println("     " + String.join(" ", trainLines.get(i)));
        }
        out.printf(Locale.ROOT, "   %,d training tokens, %d words; the SCRN has 8 sigmoid + 8 context units with learned"
                + " rates, the Elman network 16 sigmoid units%n", train.length, vocab.size());
        LanguageModelTrainingOptions options = LanguageModelTrainingOptions.defaults().withStreams(16).withBptt(35)
                .withEpochs(15).withLearningRate(10);
        ScrnNetwork scrn = new ScrnNetwork(ScrnConfig.languageModel(vocab.size(), 8, 8, RateMode.VECTOR), 5);
        ElmanLanguageModel elman = new ElmanLanguageModel(vocab.size(), 16, 5);
        List<LanguageModelEpochReport> scrnEpochs = new ArrayList<>(), elmanEpochs = new ArrayList<>();
        LanguageModelTrainingResult s = new LanguageModelTrainer(options, scrnEpochs::add).train(scrn, train, valid, test);
        LanguageModelTrainingResult e = new LanguageModelTrainer(options, elmanEpochs::add).train(elman, train, valid, test);
        out.printf(Locale.ROOT, "   %d streams x %d steps, lr %s, clip %s (halved, previous epoch restored, when"
                + " validation perplexity stops falling)%n", options.streams(), options.bptt(), options.learningRate(),
                options.clipNorm());
        out.println("   epoch   SCRN valid ppl   tokens/s   Elman valid ppl   tokens/s");
        for (int i = 0; i < Math.max(scrnEpochs.size(), elmanEpochs.size()); i++) {
            out.printf(Locale.ROOT, "   %5d   %s   %s%n", i, epochCells(scrnEpochs, i), epochCells(elmanEpochs, i));
        }
        double unigram = unigramPerplexity(train, test, vocab.size());
        out.printf(Locale.ROOT, "   test perplexity (lower is better): unigram %.3f, Elman %.3f, SCRN %.3f%n", unigram,
                e.testPerplexity(), s.testPerplexity());
        out.printf(Locale.ROOT, "   probability given to the right last word: Elman %.2f, SCRN %.2f (guessing among the"
                + " four: 0.25)%n", answerProbability(elman, test, vocab), answerProbability(scrn, test, vocab));
        out.println("   sampled from the SCRN (temperature 0.7), one sentence a line:");
        int eos = vocab.id(Vocabulary.LM_EOS);
        int[] words = new int[60];
        int n = new TextSampler(scrn, 7).generate(new int[] {eos}, words.length, 0.7, -1, words);
        StringBuilder line = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < n && shown < 4; i++) {
            if (words[i] == eos) {
                out.println("     " + line.toString().strip());
                line.setLength(0);
                shown++;
            } else {
                line.append(vocab.word(words[i])).append(' ');
            }
        }
        out.println("   " + saveAndReload(List.of(scrn, elman), vocab, test));
    }

    private static String epochCells(List<LanguageModelEpochReport> reports, int i) {
        if (i >= reports.size()) {
            return " ".repeat(27);
        }
        LanguageModelEpochReport r = reports.get(i);
        return String.format(Locale.ROOT, "%14.3f %10.0f", r.validPerplexity(), r.tokensPerSecond());
    }

    /** Add-one unigram perplexity of the test stream under the training counts (every token after the first). */
    static double unigramPerplexity(int[] train, int[] test, int v) {
        double[] count = new double[v];
        for (int t : train) {
            count[t]++;
        }
        double nll = 0;
        for (int i = 1; i < test.length; i++) {
            nll -= Math.log((count[test[i]] + 1) / (train.length + v));
        }
        return Math.exp(nll / (test.length - 1));
    }

    /** The mean probability the model gives each answer word, read one step at a time from a zero state. */
    static double answerProbability(LanguageModel m, int[] tokens, Vocabulary vocab) {
        RecurrentState st = m.newState(1);
        float[] logits = new float[m.vocabularySize()];
        double sum = 0;
        int count = 0;
        for (int i = 0; i + 1 < tokens.length; i++) {
            m.step(st, tokens[i], logits);
            if (SyntheticText.isAnswer(vocab.word(tokens[i + 1]))) {
                double max = Double.NEGATIVE_INFINITY;
                for (float z : logits) {
                    max = Math.max(max, z);
                }
                double z = 0;
                for (float l : logits) {
                    z += Math.exp(l - max);
                }
                sum += Math.exp(logits[tokens[i + 1]] - max) / z;
                count++;
            }
        }
        return sum / count;
    }

    private static String saveAndReload(List<LanguageModel> models, Vocabulary vocab, int[] test) {
        try {
            Path dir = Files.createTempDirectory("vecrnn-demo");
            boolean same = true;
            for (LanguageModel m : models) {
                Path f = dir.resolve((m instanceof ScrnNetwork ? "scrn" : "elman") + ".vrnn");
                ModelFile.saveLanguageModel(f, m, vocab);
                LanguageModel back = ModelFile.load(f).languageModel();
                for (Parameter p : m.parameters()) {
                    same &= Arrays.equals(p.get(), back.parameters().get(p.name()).get());
                }
                same &= LanguageModelTrainer.perplexity(m, test, 16, 35)
                        == LanguageModelTrainer.perplexity(back, test, 16, 35);
                Files.delete(f);
            }
            Files.delete(dir);
            return "both models saved as model files, reloaded, parameters and test perplexity equal: "
                    + (same ? "yes" : "NO (a bug)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
