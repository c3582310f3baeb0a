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
        assertNoStackTrace(r);
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
                new String[] {"--train", "a", "--dev", "b", "--batch"});
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
}
