package dev.vecrnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.data.SyntheticSlots;
import dev.vecrnn.kernel.Parallel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaggerCommandTest {
    @TempDir
    Path dir;
    Path train, dev, test;

    @BeforeEach
    void writeData() throws IOException {
        List<Path> files = SyntheticSlots.write(SyntheticSlots.generate(5, 300, 60, 50).withoutUnseenLabels(), dir);
        train = files.get(0);
        dev = files.get(1);
        test = files.get(2);
    }

    private CliRun run(String... args) {
        return CliRun.of(TaggerCommand::run, args);
    }

    private static void assertNoStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test
    void trainsReportsAndWritesConllevalInput() throws IOException {
        Path tagged = dir.resolve("out/tagged.txt");
        CliRun r = run("--train", train.toString(), "--dev", dev.toString(), "--test", test.toString(),
                "--epochs", "4", "--hidden", "32", "--emb", "20", "--window", "5", "--fold-digits",
                "--tagged-output", tagged.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("digits folded"), r.out());
        assertTrue(r.out().contains("hidden nh=32") && r.out().contains("window cs=5"), r.out());
        assertTrue(r.out().contains("best dev epoch"), r.out());
        assertTrue(r.out().matches("(?s).*dev   F1 +\\d+\\.\\d\\d +precision.*"), r.out());
        assertTrue(r.out().matches("(?s).*test  F1 +\\d+\\.\\d\\d +precision.*"), r.out());

        List<String> lines = Files.readAllLines(tagged, StandardCharsets.UTF_8);
        List<String> gold = Files.readAllLines(test, StandardCharsets.UTF_8);
        assertEquals(gold.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (gold.get(i).isEmpty()) {
                assertEquals("", lines.get(i));
            } else {
                String[] f = lines.get(i).split(" ");
                assertEquals(3, f.length, lines.get(i));
                assertEquals(gold.get(i), f[0] + " " + f[1]);
            }
        }
    }

    @Test
    void threadsDoNotChangeTheResult() {
        String[] f1 = new String[2];
        try {
            for (int t = 1; t <= 2; t++) {
                CliRun r = run("--train", train.toString(), "--dev", dev.toString(), "--epochs", "3", "--hidden", "24",
                        "--batch", "20", "--threads", String.valueOf(t));
                assertEquals(0, r.code(), r.err());
                f1[t - 1] = r.out().lines().filter(l -> l.contains("F1") || l.matches(" +\\d+ +\\d+\\.\\d+ .*"))
                        .map(l -> l.replaceAll("\\d+\\.\\ds +[\\d,]+", "")) // the epoch's time and tokens/s
                        .collect(java.util.stream.Collectors.joining("\n"));
            }
        } finally {
            Parallel.setThreads(1);
        }
        assertTrue(f1[0].contains("F1"), f1[0]);
        assertEquals(f1[0], f1[1]);
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.conll");
        Files.writeString(bad, "show O\nme O\nflights\nto O\nboston B-toloc.city_name\n");
        CliRun r = run("--train", bad.toString(), "--dev", dev.toString(), "--epochs", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("vecrnn: "), r.err());
        assertTrue(r.err().contains("bad.conll:3:"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void unknownLabelInDevIsScoredNotRefused() throws IOException {
        Path odd = dir.resolve("odd-dev.conll");
        Files.writeString(odd, "show O\nflights O\n\nto O\nparis B-toloc.country_name\n");
        CliRun r = run("--train", train.toString(), "--dev", odd.toString(), "--epochs", "1", "--hidden", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("odd-dev.conll: 1 token has a label never seen in training"
                + " (B-toloc.country_name x1); they count as errors"), r.out());
        assertNoStackTrace(r);
    }

    /** Training data with the single label B-a: the model (one class) guesses B-a for every token. */
    private static final String ONE_LABEL_TRAIN = "w B-a\nv B-a\n";
    /**
     * gold B-a B-foo X | B-a I-a | B-foo, every guess B-a. B-foo, X and I-a were never in training.
     * Tokens right: 2 of 6 (accuracy 33.33). Chunks (conlleval): gold [B-a] [B-foo] [X] | [B-a I-a] |
     * [B-foo] = 5 (X starts one: its empty type differs from foo before it); guessed 6 one-token
     * chunks; correct: the first [B-a] only (the second ends one token early). P = 100/6, R = 20,
     * F1 = 200/11 = 18.18.
     */
    private static final String UNSEEN_DEV = "w B-a\nw B-foo\nw X\n\nw B-a\nw I-a\n\nw B-foo\n";

    @Test
    void unseenLabelsCountAsErrorsWithExactFiguresAndAreReportedOncePerFile() throws IOException {
        Path tr = dir.resolve("one.conll");
        Path dv = dir.resolve("dev.conll");
        Path ts = dir.resolve("test.conll");
        Files.writeString(tr, ONE_LABEL_TRAIN);
        Files.writeString(dv, UNSEEN_DEV);
        Files.writeString(ts, UNSEEN_DEV + "\nw X\n");
        Path tagged = dir.resolve("tagged.txt");
        CliRun r = run("--train", tr.toString(), "--dev", dv.toString(), "--test", ts.toString(), "--epochs", "3",
                "--hidden", "4", "--emb", "3", "--window", "1", "--tagged-output", tagged.toString());
        assertEquals(0, r.code(), r.err());
        String devNote = "dev.conll: 4 tokens have labels never seen in training (B-foo x2, X x1, I-a x1);"
                + " they count as errors";
        String testNote = "test.conll: 5 tokens have labels never seen in training (B-foo x2, X x2, I-a x1);"
                + " they count as errors";
        assertEquals(1, r.out().lines().filter(l -> l.contains("never seen in training")
                && l.contains("dev.conll")).count(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(devNote)), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(testNote)), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.contains("never seen in training")).count(), r.out());
        assertTrue(r.out().contains("dev metric for the best epoch and the lr schedule: F1"), r.out());
        assertTrue(r.out().contains("dev   F1  18.18   precision  16.67   recall  20.00   token accuracy  33.33"
                + "   (5 chunks, 6 tokens)"), r.out());
        // test: one more sentence "w X", an error; X alone starts no gold chunk (the same empty type as the
        // sentence boundary before it) but the guess B-a does: 1 correct of 7 guessed and 5 gold
        assertTrue(r.out().contains("test  F1  16.67   precision  14.29   recall  20.00   token accuracy  28.57"
                + "   (5 chunks, 7 tokens)"), r.out());
        // every epoch row shows the same figures: dev acc 33.33, dev F1 18.18, test acc 28.57, test F1 16.67
        assertEquals(3, r.out().lines().filter(l -> l.matches(" +\\d+ +\\d+\\.\\d{5} +33\\.33 +18\\.18 +28\\.57 +16\\.67 .*"))
                .count(), r.out());
        // the tagged output keeps the gold labels as written
        List<String> lines = Files.readAllLines(tagged, StandardCharsets.UTF_8);
        assertEquals(List.of("w B-a B-a", "w B-foo B-a", "w X B-a", "", "w B-a B-a", "w I-a B-a", "",
                "w B-foo B-a", "", "w X B-a", ""), lines);
    }

    @Test
    void plainTagsAreJudgedByAccuracyUnlessAsked() throws IOException {
        Path tr = dir.resolve("pos-train.conll");
        Path dv = dir.resolve("pos-dev.conll");
        Files.writeString(tr, "a NN\nb NN\n");
        Files.writeString(dv, "a NN\nb VB\nc NN\n");
        String[] common = {"--train", tr.toString(), "--dev", dv.toString(), "--epochs", "2", "--hidden", "4",
            "--emb", "3", "--window", "1"};
        CliRun r = run(common);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dev metric for the best epoch and the lr schedule: token accuracy (the training"
                + " labels are plain tags"), r.out());
        assertTrue(r.out().contains("lr halved after 10 epochs without dev-accuracy gain"), r.out());
        assertTrue(r.out().contains("best dev epoch 0 of 2 run, by dev token accuracy"), r.out());
        assertTrue(r.out().contains("pos-dev.conll: 1 token has a label never seen in training (VB x1)"), r.out());
        assertTrue(r.out().contains("token accuracy  66.67"), r.out());

        CliRun f = run(append(common, "--metric", "f1"));
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("lr schedule: F1 (as --metric asks"), f.out());
        assertTrue(f.out().contains("by dev F1"), f.out());
    }

    private static String[] append(String[] a, String... more) {
        String[] all = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, all, a.length, more.length);
        return all;
    }

    private static final String NUM = "-?\\d+(\\.\\d+)?(E-?\\d+)?";
    private static final java.util.regex.Pattern EPOCH_JSON = java.util.regex.Pattern.compile(
            "\\{\"epoch\":(\\d+),\"lr\":" + NUM + ",\"loss\":" + NUM + ",\"dev_accuracy\":(" + NUM
                    + "),\"dev_f1\":(" + NUM + "),\"test_accuracy\":(" + NUM + "|null),\"test_f1\":(" + NUM
                    + "|null),\"metric\":\"(f1|accuracy)\",\"new_best\":(true|false),\"seconds\":" + NUM
                    + ",\"tokens_per_s\":(" + NUM + "|null)\\}");

    @Test
    void jsonPutsOneObjectPerEpochAloneOnStdout() throws IOException {
        Path tr = dir.resolve("one.conll");
        Path dv = dir.resolve("dev.conll");
        Files.writeString(tr, ONE_LABEL_TRAIN);
        Files.writeString(dv, UNSEEN_DEV);
        CliRun r = run("--train", tr.toString(), "--dev", dv.toString(), "--epochs", "3", "--hidden", "4", "--emb", "3",
                "--window", "1", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        for (int e = 0; e < 3; e++) {
            java.util.regex.Matcher m = EPOCH_JSON.matcher(lines.get(e));
            assertTrue(m.matches(), lines.get(e));
            assertEquals(String.valueOf(e), m.group(1));
            assertEquals(100.0 * 2 / 6, Double.parseDouble(m.group(6)), lines.get(e));
            assertEquals(200.0 / 11, Double.parseDouble(m.group(9)), 1e-12, lines.get(e));
            assertTrue(lines.get(e).contains("\"test_accuracy\":null,\"test_f1\":null,\"metric\":\"f1\""), lines.get(e));
            assertTrue(lines.get(e).contains("\"new_best\":" + (e == 0)), lines.get(e));
        }
        // the human lines went to stderr
        assertTrue(r.err().contains("dev.conll: 4 tokens have labels never seen in training"), r.err());
        assertTrue(r.err().contains("best dev epoch 0 of 3 run"), r.err());
        assertTrue(r.err().contains("epoch   train loss   dev acc   dev F1"), r.err());

        // with a test set, test figures are numbers; accuracy chosen by --metric
        CliRun t = run("--train", train.toString(), "--dev", dev.toString(), "--test", test.toString(), "--epochs", "2",
                "--hidden", "8", "--json", "--metric", "accuracy");
        assertEquals(0, t.code(), t.err());
        List<String> tl = t.out().lines().toList();
        assertEquals(2, tl.size(), t.out());
        for (String l : tl) {
            java.util.regex.Matcher m = EPOCH_JSON.matcher(l);
            assertTrue(m.matches(), l);
            assertFalse(l.contains("null"), l);
            assertTrue(l.contains("\"metric\":\"accuracy\""), l);
        }
    }

    @Test
    void jsonStringsAndNumbersAreValid() {
        String s = new JsonLine().add("a\"b", "x\\y\n\u0001é").add("n", 0.1).add("i", 3L).add("big", 1e-7)
                .add("nan", Double.NaN).add("none", (Double) null).add("t", true).toString();
        assertEquals("{\"a\\\"b\":\"x\\\\y\\n\\u0001é\",\"n\":0.1,\"i\":3,\"big\":1.0E-7,\"nan\":null,"
                + "\"none\":null,\"t\":true}", s);
        assertEquals("100", JsonLine.number(100.0));
        assertEquals(0.1 + 0.2, Double.parseDouble(JsonLine.number(0.1 + 0.2)));
    }

    @Test
    void missingFileIsOneLine() {
        CliRun r = run("--train", dir.resolve("nope.conll").toString(), "--dev", dev.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nope.conll: no such file"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void emptyFileNamesTheFile() throws IOException {
        Path empty = dir.resolve("empty.conll");
        Files.writeString(empty, "\n\n");
        CliRun r = run("--train", train.toString(), "--dev", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("empty.conll:"), r.err());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        List<String[]> cases = List.of(
                new String[] {"--train", "a"},
                new String[] {"--train", "a", "--dev", "b", "--epochs", "-2"},
                new String[] {"--train", "a", "--dev", "b", "--lr", "fast"},
                new String[] {"--train", "a", "--dev", "b", "--window", "6"},
                new String[] {"--train", "a", "--dev", "b", "--min-count", "0"},
                new String[] {"--train", "a", "--dev", "b", "--hiden", "10"},
                new String[] {"--train", "a", "--dev", "b", "--threads", "0"},
                new String[] {"--train", "a", "--dev", "b", "--batch"},
                new String[] {"--train", "a", "--dev", "b", "--metric", "bleu"},
                new String[] {"--train", "a", "--dev", "b", "--json=yes"});
        for (String[] args : cases) {
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().startsWith("vecrnn: train-tagger: "), r.err());
            assertTrue(r.err().contains("usage: vecrnn train-tagger"), r.err());
            assertNoStackTrace(r);
        }
        assertTrue(run("--train", "a", "--dev", "b", "--window", "6").err().contains("--window"));
    }

    @Test
    void noEpochsIsNotAnError() {
        CliRun r = run("--train", train.toString(), "--dev", dev.toString(), "--epochs", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no epoch was run"), r.out());
    }

    /** lr = the largest float on one batch of five sentences: the update overflows, and the epoch runs again at half the rate. */
    @Test
    void aDivergingEpochIsReportedInOneLineAndRunAgainAtHalfTheRate() throws IOException {
        String[] sentences = Files.readString(train).split("\n\n");
        Path five = Files.writeString(dir.resolve("five.conll"), String.join("\n\n", List.of(sentences).subList(0, 5))
                + "\n");
        CliRun r = run("--train", five.toString(), "--dev", dev.toString(), "--epochs", "1", "--hidden", "12",
                "--emb", "8", "--window", "3", "--batch", "5", "--min-count", "1", "--lr",
                String.valueOf(Float.MAX_VALUE));
        assertEquals(0, r.code(), r.err());
        List<String> reports = r.out().lines().filter(l -> l.startsWith("diverged in epoch 0, ")).toList();
        assertFalse(reports.isEmpty(), r.out());
        assertTrue(reports.get(0).startsWith("diverged in epoch 0, after the updates: the parameters' norm is Infinity;"
                + " the epoch restarts from its starting parameters at lr 1.70141175E38 (divergence 1 in a row;"),
                reports.get(0));
        assertNoStackTrace(r);
    }
}
