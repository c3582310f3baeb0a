package dev.vecrnn.cli;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ScrnNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train-lm, eval and generate on a user's plain-text files, as a user runs them. */
class LanguageModelCommandTest {
    @TempDir
    Path dir;
    Path train, valid, test;

    /** Sentences where each word mostly follows from the one before (a chain over 12 words). */
    static List<String> text(long seed, int sentences) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            StringBuilder b = new StringBuilder();
            int w = rnd.nextInt(12);
            int n = 3 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : " ").append("w").append(w);
                w = rnd.nextInt(10) < 8 ? (w + 5) % 12 : rnd.nextInt(12);
            }
            lines.add(b.toString());
        }
        return lines;
    }

    @BeforeEach
    void writeData() throws IOException {
        train = Files.write(dir.resolve("train.txt"), text(1, 1500));
        valid = Files.write(dir.resolve("valid.txt"), text(2, 150));
        test = Files.write(dir.resolve("test.txt"), text(3, 150));
    }

    static void assertNoStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test
    void trainsSavesEvaluatesAndGenerates() throws IOException {
        Path model = dir.resolve("models/lm.vrnn");
        CliRun r = CliRun.of(LanguageModelCommand::run, "--train", train.toString(), "--valid", valid.toString(),
                "--test", test.toString(), "--out", model.toString(), "--hidden", "16", "--context", "8",
                "--epochs", "4", "--batch", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test perplexity"), r.out());
        ModelFile.Loaded loaded = ModelFile.load(model);
        assertTrue(loaded.languageModel() instanceof ScrnNetwork);
        assertEquals(14, loaded.words().size()); // w0..w11, <eos>, <unk>
        CliRun e = CliRun.of(EvalCommand::run, "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().matches("\\{\"model\":\"scrn\",\"tokens\":\\d+,\"loss\":[0-9.E-]+,\"perplexity\":[0-9.E-]+,"
                + "\"tokens_per_s\":[0-9.E+-]+\\}\\s*"), e.out());
        double ppl = Double.parseDouble(e.out().replaceAll(".*\"perplexity\":([0-9.e-]+).*\\s*", "$1"));
        assertTrue(ppl < 6, "a chain over 12 words with p = 0.8 is learned well below its unigram perplexity: " + ppl);
        CliRun g = CliRun.of(GenerateCommand::run, "--model", model.toString(), "--length", "40", "--seed", "7",
                "--prime", "w1 w6 nonsense");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().startsWith("w1 w6 nonsense"), g.out());
        assertEquals(g.out(), CliRun.of(GenerateCommand::run, "--model", model.toString(), "--length", "40",
                "--seed", "7", "--prime", "w1 w6 nonsense").out(), "same seed, same text");
    }

    @Test
    void theElmanModelAndJsonEpochs() throws IOException {
        Path model = dir.resolve("e.vrnn");
        CliRun r = CliRun.of(LanguageModelCommand::run, "--model", "elman", "--train", train.toString(), "--valid",
                valid.toString(), "--out", model.toString(), "--hidden", "8", "--epochs", "2", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].startsWith("{\"epoch\":1,\"lr\":10,"), lines[0]);
        assertEquals(ModelFile.Kind.ELMAN_LM, ModelFile.load(model).kind());
    }

    @Test
    void badCommandLinesExit2AndBadFilesExit1WithOneLine() throws IOException {
        CliRun r = CliRun.of(LanguageModelCommand::run, "--train", train.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vecrnn: train-lm: needs --train FILE, --valid FILE and --out MODEL"), r.err());
        r = CliRun.of(LanguageModelCommand::run, "--train", train.toString(), "--valid", valid.toString(), "--out", "m",
                "--rate", "sometimes");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown rate mode 'sometimes'"), r.err());
        r = CliRun.of(EvalCommand::run, "--model", dir.resolve("missing.vrnn").toString(), "--data", test.toString());
        assertEquals(1, r.code());
        assertEquals("vecrnn: " + dir.resolve("missing.vrnn") + ": no such file", r.err().strip());
        Path junk = Files.writeString(dir.resolve("junk.vrnn"), "not a model at all");
        r = CliRun.of(GenerateCommand::run, "--model", junk.toString());
        assertEquals(1, r.code());
        assertEquals("vecrnn: " + junk + ": not a vecrnn model file (bad magic bytes)", r.err().strip());
        assertNoStackTrace(r);
        r = CliRun.of(GenerateCommand::run, "--model", junk.toString(), "--temperature", "0");
        assertEquals(2, r.code());
        assertTrue(CliRun.of(EvalCommand::run, "--help").out().startsWith("usage: vecrnn eval"));
    }

    @Test
    void aRunResumedFromItsCheckpointEndsWithTheSameModel() throws IOException {
        Path whole = dir.resolve("whole.vrnn"), half = dir.resolve("half.vrnn"), ckpt = dir.resolve("run.ckpt");
        Path resumed = dir.resolve("resumed.vrnn");
        String[] common = {"--train", train.toString(), "--valid", valid.toString(), "--hidden", "8", "--context", "4",
            "--batch", "20", "--lr", "30"};
        assertEquals(0, CliRun.of(LanguageModelCommand::run, concat(common, "--epochs", "5", "--out", whole.toString())).code());
        CliRun a = CliRun.of(LanguageModelCommand::run, concat(common, "--epochs", "2", "--out", half.toString(),
                "--checkpoint", ckpt.toString()));
        assertEquals(0, a.code(), a.err());
        CliRun b = CliRun.of(LanguageModelCommand::run, concat(common, "--epochs", "5", "--out", resumed.toString(),
                "--resume", ckpt.toString()));
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("resuming " + ckpt + " (scrn) after epoch 2"), b.out());
        ModelFile.Loaded x = ModelFile.load(whole), y = ModelFile.load(resumed);
        for (dev.vecrnn.nn.Parameter p : x.parameters()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(p.get(), y.parameters().get(p.name()).get(), p.name());
        }
        CliRun notCheckpoint = CliRun.of(LanguageModelCommand::run, concat(common, "--out", resumed.toString(),
                "--resume", whole.toString()));
        assertEquals(1, notCheckpoint.code());
        assertTrue(notCheckpoint.err().contains("not a language-model checkpoint"), notCheckpoint.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
