package dev.vecrnn.flink;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.WordClasses;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny random models saved as vecrnn model files, and the words they know. */
final class TestModels {
    static final int WORDS = 30, LABELS = 5, FEATURES = 6, CLASSES = 4;

    private TestModels() {
    }

    /** w0 … w{n−1}: the known words of the test vocabularies. */
    static String knownWord(int i) {
        return "w" + i;
    }

    /** A tagger (cs = 5, lag 2) over WORDS − 1 known words and {@code <UNK>}, every parameter random. */
    static Path tagger(Path dir) throws IOException {
        return tagger(dir, 5);
    }

    /** A tagger with context window cs (lag (cs − 1)/2), as {@link #tagger(Path)}. */
    static Path tagger(Path dir, int cs) throws IOException {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < WORDS - 1; i++) {
            words.add(knownWord(i));
        }
        words.add(Vocabulary.TAGGER_UNK);
        List<String> labels = List.of("O", "B-a", "I-a", "B-b", "I-b");
        ElmanTagger tagger = new ElmanTagger(new ElmanConfig(WORDS, LABELS, 4, cs, 8), 7);
        randomize(tagger.parameters().get("bh"), tagger.parameters().get("b"), tagger.parameters().get("h0"));
        Path file = dir.resolve("tagger-cs" + cs + ".vrnn");
        ModelFile.saveTagger(file, tagger, new TaggingVocabulary(Vocabulary.of(words, Vocabulary.TAGGER_UNK),
                Vocabulary.of(labels, null), WordNormalizer.NONE));
        return file;
    }

    private static List<String> lmWords() {
        List<String> words = new ArrayList<>();
        words.add(Vocabulary.LM_UNK);
        words.add(Vocabulary.LM_EOS);
        for (int i = 0; i < WORDS - 2; i++) {
            words.add(knownWord(i));
        }
        return words;
    }

    /** An SCRN language model over {@code <unk>}, {@code <eos>} and WORDS − 2 known words. */
    static Path scrnLanguageModel(Path dir) throws IOException {
        Path file = dir.resolve("scrn.vrnn");
        ModelFile.saveLanguageModel(file, new ScrnNetwork(ScrnConfig.languageModel(WORDS, 8, 5, RateMode.VECTOR), 11),
                Vocabulary.of(lmWords(), Vocabulary.LM_UNK));
        return file;
    }

    /** An SCRN language model over the same words with a hierarchical softmax (a Huffman tree of Zipf counts). */
    static Path scrnHsLanguageModel(Path dir) throws IOException {
        Path file = dir.resolve("scrn-hs.vrnn");
        ModelFile.saveLanguageModel(file, new ScrnNetwork(ScrnConfig.languageModel(WORDS, 8, 5, RateMode.VECTOR), 17,
                new HuffmanTree(zipfCounts())), Vocabulary.of(lmWords(), Vocabulary.LM_UNK));
        return file;
    }

    /** An Elman language model over the same words with a class softmax (frequency classes of Zipf counts). */
    static Path elmanClassLanguageModel(Path dir) throws IOException {
        Path file = dir.resolve("elman-class.vrnn");
        ElmanLanguageModel lm = new ElmanLanguageModel(WORDS, 9, 19, WordClasses.byFrequency(zipfCounts()));
        randomize(lm.parameters().get("bh"));
        ModelFile.saveLanguageModel(file, lm, Vocabulary.of(lmWords(), Vocabulary.LM_UNK));
        return file;
    }

    private static long[] zipfCounts() {
        long[] counts = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            counts[i] = 1000 / (i + 1);
        }
        return counts;
    }

    /** An Elman language model over the same words. */
    static Path elmanLanguageModel(Path dir) throws IOException {
        Path file = dir.resolve("elman-lm.vrnn");
        ElmanLanguageModel lm = new ElmanLanguageModel(WORDS, 9, 12);
        randomize(lm.parameters().get("bh"), lm.parameters().get("b"));
        ModelFile.saveLanguageModel(file, lm, Vocabulary.of(lmWords(), Vocabulary.LM_UNK));
        return file;
    }

    /** An SCRN over the LM's words with sigmoid outputs: a model file with words that is no language model. */
    static Path sigmoidScrnOverWords(Path dir) throws IOException {
        Path file = dir.resolve("sigmoid-scrn.vrnn");
        ModelFile.saveLanguageModel(file, new ScrnNetwork(new ScrnConfig(WORDS, 6, 4, WORDS, RateMode.VECTOR, 0.95f,
                OutputActivation.SIGMOID), 23), Vocabulary.of(lmWords(), Vocabulary.LM_UNK));
        return file;
    }

    /** A dense SCRN cell: FEATURES inputs, softmax over CLASSES, no vocabulary. */
    static Path denseScrn(Path dir) throws IOException {
        Path file = dir.resolve("dense-scrn.vrnn");
        ModelFile.saveLanguageModel(file, new ScrnNetwork(new ScrnConfig(FEATURES, 7, 5, CLASSES, RateMode.MATRIX,
                0.95f, OutputActivation.SOFTMAX), 13), null);
        return file;
    }

    /** Gives parameters that start at zero random values, so that every term of the equations counts. */
    private static void randomize(Parameter... ps) {
        SplittableRandom rnd = new SplittableRandom(99);
        for (Parameter p : ps) {
            float[] v = p.get();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextDouble(-0.5, 0.5);
            }
            p.set(v);
        }
    }
}
