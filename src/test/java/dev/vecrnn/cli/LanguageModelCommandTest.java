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
    void bothModelsTrainWithAClassSoftmaxThenEvaluateGenerateAndResume() throws IOException {
        for (String kind : new String[] {"scrn", "elman"}) {
            Path model = dir.resolve(kind + "-class.vrnn"), ckpt = dir.resolve(kind + "-class.ckpt");
            CliRun r = CliRun.of(LanguageModelCommand::run, "--model", kind, "--output", "class", "--train",
                    train.toString(), "--valid", valid.toString(), "--test", test.toString(), "--out", model.toString(),
                    "--hidden", "16", "--context", "8", "--epochs", "5", "--batch", "20", "--lr", "4", "--checkpoint",
                    ckpt.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("class (4 classes) softmax: 14 words"), r.out()); // round(√14) = 4
            ModelFile.Loaded loaded = ModelFile.load(model);
            assertEquals("class", loaded.hyperparameters().get("output"));
            assertTrue(loaded.parameters().names().containsAll(List.of("cw", "cb", "ow", "ob")));
            CliRun e = CliRun.of(EvalCommand::run, "--model", model.toString(), "--data", test.toString(), "--json");
            assertEquals(0, e.code(), e.err());
            double ppl = Double.parseDouble(e.out().replaceAll(".*\"perplexity\":([0-9.e-]+).*\\s*", "$1"));
            // 14 words: the SCRN learns the chain well in 5 epochs; the Elman network is slower on it (as with
            // the full softmax), so it is only held below uniform guessing
            assertTrue(ppl < (kind.equals("scrn") ? 6 : 12), kind + ": test perplexity " + ppl + "\n" + r.out());
            CliRun g = CliRun.of(GenerateCommand::run, "--model", model.toString(), "--length", "30", "--seed", "7",
                    "--prime", "w1 w6");
            assertEquals(0, g.code(), g.err());
            assertTrue(g.out().startsWith("w1 w6 ") && g.out().strip().split(" ").length > 3, g.out());
            CliRun more = CliRun.of(LanguageModelCommand::run, "--model", kind, "--output", "class", "--train",
                    train.toString(), "--valid", valid.toString(), "--out", model.toString(), "--hidden", "16",
                    "--context", "8", "--epochs", "6", "--batch", "20", "--lr", "4", "--resume", ckpt.toString());
            assertEquals(0, more.code(), more.err());
            assertEquals("class", ModelFile.load(model).hyperparameters().get("output"));
        }
        Path two = dir.resolve("two.vrnn");
        CliRun r = CliRun.of(LanguageModelCommand::run, "--model", "elman", "--output", "class", "--classes", "2",
                "--train", train.toString(), "--valid", valid.toString(), "--out", two.toString(), "--hidden", "8",
                "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, ((dev.vecrnn.nn.ElmanLanguageModel) ModelFile.load(two).languageModel()).classes().classes());
        // class and hs default to small frequent updates; full keeps 32 x 35 and clip 5; --clip 0 is none
        assertTrue(r.out().contains("16 streams x 10 steps, lr 10.0, clip 1.0"), r.out());
        r = CliRun.of(LanguageModelCommand::run, "--model", "elman", "--train", train.toString(), "--valid",
                valid.toString(), "--out", two.toString(), "--hidden", "8", "--epochs", "1", "--clip", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("32 streams x 35 steps, lr 10.0, clip none"), r.out());
        r = CliRun.of(LanguageModelCommand::run, "--model", "elman", "--train", train.toString(), "--valid",
                valid.toString(), "--out", two.toString(), "--hidden", "8", "--epochs", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no epoch trained; model written to"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
        r = CliRun.of(LanguageModelCommand::run, "--train", train.toString(), "--valid", valid.toString(), "--out", "m",
                "--output", "classes");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--output takes full, hs or class, not 'classes'"), r.err());
        r = CliRun.of(LanguageModelCommand::run, "--train", train.toString(), "--valid", valid.toString(), "--out", "m",
                "--classes", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--classes goes with --output class"), r.err());
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

    /**
     * A run resumed from a checkpoint whose learning rate is 1e30 (written into its schedule state)
     * diverges in its first epoch every time: four one-line reports at halved rates, then exit 1 with
     * one line, and the checkpoint file of the earlier run untouched and loadable.
     */
    @Test
    void aRunThatKeepsDivergingReportsEachRestartAndExits1LeavingTheCheckpoint() throws IOException {
        Path ckpt = dir.resolve("run.ckpt"), hot = dir.resolve("hot.ckpt"), out = dir.resolve("lm.vrnn");
        String[] common = {"--train", train.toString(), "--valid", valid.toString(), "--hidden", "8", "--context", "4",
            "--batch", "20", "--out", out.toString()};
        assertEquals(0, CliRun.of(LanguageModelCommand::run, concat(common, "--epochs", "1", "--checkpoint",
                ckpt.toString())).code());
        byte[] before = Files.readAllBytes(ckpt);
        ModelFile.Loaded good = ModelFile.load(ckpt);
        dev.vecrnn.train.TrainingLoop.Resume s = good.training();
        double[] schedule = s.scheduleState().clone();
        schedule[0] = 1e30;
        ModelFile.saveLanguageModelCheckpoint(hot, good.languageModel(), good.words(),
                new dev.vecrnn.train.TrainingLoop.Resume(s.epochsDone(), s.kept(), s.bestEpoch(), schedule, s.lastAction()));
        Files.delete(out);
        CliRun r = CliRun.of(LanguageModelCommand::run, concat(common, "--epochs", "3", "--resume", hot.toString(),
                "--checkpoint", ckpt.toString()));
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> reports = r.out().lines().filter(l -> l.startsWith("diverged in epoch 2, segment ")).toList();
        assertEquals(4, reports.size(), r.out());
        assertTrue(reports.get(0).matches("diverged in epoch 2, segment \\d+: the (training loss|gradient norm) is "
                + "(NaN|-?Infinity); the epoch restarts from its starting parameters at lr 5\\.0E29 \\(divergence 1 in a"
                + " row; the 5th stops training\\)"), reports.get(0));
        assertTrue(reports.get(3).contains(" at lr 6.25E28 (divergence 4 in a row"), reports.get(3));
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.matches("vecrnn: training diverged in epoch 2, segment \\d+: .* 5 times in a row \\(the epoch"
                + " restarted from its starting parameters with the lr halved each time, last to 6.25E28\\); stopped,"
                + " try a lower --lr; this run wrote no checkpoint, " + java.util.regex.Pattern.quote(ckpt.toString())
                + " is as it was"), err);
        assertNoStackTrace(r);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(ckpt));
        assertEquals(1, ModelFile.load(ckpt).training().epochsDone());
        assertFalse(Files.exists(out), "no model is written for a run that stopped");
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
