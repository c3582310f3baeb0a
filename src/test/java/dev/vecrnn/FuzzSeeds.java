package dev.vecrnn;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.io.Safetensors;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.train.Schedule;
import dev.vecrnn.train.TrainingLoop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpora of the fuzz tests: small valid inputs of every kind each reader takes.
 * Run once with the test class path: {@code java -cp ... dev.vecrnn.FuzzSeeds src/test/resources};
 * the files are committed, this class is kept to make them again after a format change.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path res = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        Path model = dir(res, "dev/vecrnn/io/ModelFileFuzzTestInputs/load");
        Path st = dir(res, "dev/vecrnn/io/SafetensorsFuzzTestInputs/read");
        Path conll = dir(res, "dev/vecrnn/data/ConllReaderFuzzTestInputs/read");
        Path text = dir(res, "dev/vecrnn/data/PlainTextReaderFuzzTestInputs/read");

        Vocabulary words = Vocabulary.of(List.of("<UNK>", "fly", "to", "boston", "DIGIT"), "<UNK>");
        Vocabulary labels = Vocabulary.of(List.of("O", "B-city", "I-city"), null);
        TaggingVocabulary tv = new TaggingVocabulary(words, labels, new WordNormalizer(true, true));
        ElmanTagger tagger = new ElmanTagger(new ElmanConfig(5, 3, 3, 3, 4), 1);
        ModelFile.saveTagger(model.resolve("tagger"), tagger, tv);
        ParameterCopy kept = new ParameterCopy(tagger);
        ModelFile.saveTaggerCheckpoint(model.resolve("tagger-checkpoint"), tagger, tv,
                new TrainingLoop.Resume(3, kept.params, 1, new double[] {0.5, 0.25}, Schedule.Action.CONTINUE));

        Vocabulary lm = Vocabulary.of(List.of("<eos>", "<unk>", "a", "b", "c"), "<unk>");
        HuffmanTree tree = new HuffmanTree(new long[] {5, 1, 3, 2, 2});
        ModelFile.saveLanguageModel(model.resolve("scrn-full"),
                new ScrnNetwork(ScrnConfig.languageModel(5, 4, 2, RateMode.VECTOR), 3), lm);
        ModelFile.saveLanguageModel(model.resolve("scrn-hs"),
                new ScrnNetwork(ScrnConfig.languageModel(5, 3, 2, RateMode.MATRIX), 4, tree), lm);
        ModelFile.saveLanguageModel(model.resolve("scrn-novocab"),
                new ScrnNetwork(new ScrnConfig(4, 3, 2, 2, RateMode.LOG, 0.9f, OutputActivation.TANH), 5), null);
        ModelFile.saveLanguageModel(model.resolve("elman-lm-full"), new ElmanLanguageModel(5, 3, 6), lm);
        ModelFile.saveLanguageModel(model.resolve("elman-lm-hs"), new ElmanLanguageModel(5, 3, 7, tree), lm);
        dev.vecrnn.nn.WordClasses classes = dev.vecrnn.nn.WordClasses.byFrequency(new long[] {5, 1, 3, 2, 2});
        ModelFile.saveLanguageModel(model.resolve("scrn-class"),
                new ScrnNetwork(ScrnConfig.languageModel(5, 3, 2, RateMode.VECTOR), 4, classes), lm);
        ModelFile.saveLanguageModel(model.resolve("elman-lm-class"), new ElmanLanguageModel(5, 3, 7, classes), lm);
        ElmanLanguageModel e = new ElmanLanguageModel(5, 2, 8);
        ModelFile.saveLanguageModelCheckpoint(model.resolve("elman-lm-checkpoint"), e, lm,
                new TrainingLoop.Resume(2, null, -1, new double[] {4.0}, Schedule.Action.HALVE_AND_RESTORE));

        Safetensors.write(st.resolve("two-tensors"), List.of(
                new Safetensors.Tensor("w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new Safetensors.Tensor("b", new int[] {3}, new float[] {0.5f, -1, 0})), Map.of("format", "pt"));
        Safetensors.write(st.resolve("scalar-and-empty"), List.of(
                new Safetensors.Tensor("s", new int[0], new float[] {7}),
                new Safetensors.Tensor("e", new int[] {0, 4}, new float[0])), Map.of());
        byte[] json = "{\"__metadata__\":{\"k\\u00e9y\":\"v\\n\\\"q\\\"\"},\"x\\/y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}  "
                .getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[8 + json.length + 4];
        java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json)
                .putFloat(1.5f);
        Files.write(st.resolve("escapes"), file);

        Files.writeString(conll.resolve("two-sentences"), """
                -DOCSTART- -X- O O

                fly VB O
                to TO O
                boston NNP B-city

                new JJ B-city
                york NNP I-city
                """);
        Files.write(conll.resolve("bom-crlf"), "\uFEFFa\tO\r\nb  x  B-y\r\rc I-y".getBytes(StandardCharsets.UTF_8));
        Files.writeString(conll.resolve("utf8"), "Zürich B-city\n東京 B-city\n");

        Path cli = dir(res, "dev/vecrnn/cli/CommandLineFuzzTestInputs/commandLine");
        String[][] lines = {
            {"eval", "--model", "@tagger", "--data", "@conll", "--json"},
            {"eval", "--model=@lm", "--data=@text", "--batch", "2"},
            {"eval", "--model", "@hs", "--data", "@text"},
            {"tag", "--model", "@tagger", "--stream"},
            {"tag", "--model", "@tagger"},
            {"generate", "--model", "@lm", "--length", "7", "--temperature", "0.5", "--seed", "-3", "--prime", "a b"},
            {"generate", "--model", "@hs", "--length=0"},
            {"export", "--model", "@lm", "--out", "lm.safetensors"},
            {"import", "--model", "@lm", "--weights", "@weights", "--out", "lm2.model"},
            {"train-tagger", "--train", "@conll", "--dev", "@conll", "--epochs", "2", "--lr", "0.1", "--hidden", "8",
                "--emb", "4", "--window", "3", "--batch", "2", "--threads", "2", "--seed", "5", "--patience", "1",
                "--min-count", "1", "--metric", "f1", "--fold-digits", "--fold-case", "--no-decay", "--quiet"},
            {"train-lm", "--train", "@text", "--valid", "@text", "--out", "x.model", "--hidden", "4", "--context",
                "2", "--batch", "2", "--bptt", "3", "--epochs", "1", "--lr", "1", "--clip", "5", "--alpha", "0.9",
                "--min-count", "1", "--max-vocab", "10", "--threads", "1", "--json"},
            {"train-lm", "--help"},
            {"export", "--model", " ", "--out", "y"},
        };
        for (int i = 0; i < lines.length; i++) {
            Files.writeString(cli.resolve(lines[i][0] + "-" + i), String.join("\n", lines[i]));
        }

        Files.writeString(text.resolve("lines"), "the cat sat on the mat\n\nthe dog  ran\tfast\n");
        Files.write(text.resolve("bom-crlf-utf8"), "\uFEFFein Satz\r\nnoch einer – mit Ümlaut\r\rlast".getBytes(
                StandardCharsets.UTF_8));
    }

    /**
     * The small valid files the command-line fuzz test hands to the commands, written to {@code dir}:
     * {@code @tagger}, {@code @lm}, {@code @hs} (an LM with a hierarchical softmax), {@code @weights}
     * (the safetensors of {@code @lm}), {@code @conll}, {@code @text}; and {@code @dir} itself.
     */
    public static Map<String, Path> cliFiles(Path dir) throws IOException {
        Vocabulary words = Vocabulary.of(List.of("<UNK>", "fly", "to", "boston", "DIGIT"), "<UNK>");
        Vocabulary labels = Vocabulary.of(List.of("O", "B-city", "I-city"), null);
        Path tagger = dir.resolve("tagger.model"), lm = dir.resolve("lm.model"), hs = dir.resolve("hs.model"),
                weights = dir.resolve("lm.safetensors"), conll = dir.resolve("data.conll"), text = dir.resolve("data.txt");
        ModelFile.saveTagger(tagger, new ElmanTagger(new ElmanConfig(5, 3, 3, 3, 4), 1),
                new TaggingVocabulary(words, labels, new WordNormalizer(true, true)));
        Vocabulary lmWords = Vocabulary.of(List.of("<eos>", "<unk>", "a", "b", "c"), "<unk>");
        ModelFile.saveLanguageModel(lm, new ScrnNetwork(ScrnConfig.languageModel(5, 4, 2, RateMode.VECTOR), 3), lmWords);
        ModelFile.saveLanguageModel(hs, new ElmanLanguageModel(5, 3, 7, new HuffmanTree(new long[] {5, 1, 3, 2, 2})),
                lmWords);
        dev.vecrnn.io.SafetensorsExport.export(weights, ModelFile.load(lm));
        Files.writeString(conll, "fly O\nto O\nboston B-city\n\nto O\nboston B-city\n");
        Files.writeString(text, "a b c\nc b a\n\na a\n");
        return Map.of("@tagger", tagger, "@lm", lm, "@hs", hs, "@weights", weights, "@conll", conll, "@text", text,
                "@dir", dir);
    }

    private static Path dir(Path res, String sub) throws IOException {
        return Files.createDirectories(res.resolve(sub));
    }

    /** A copy of a model's parameters (the kept epoch of a checkpoint). */
    private static final class ParameterCopy {
        final dev.vecrnn.nn.ParameterSet params;

        ParameterCopy(ElmanTagger t) {
            params = t.parameters().copy();
        }
    }
}
