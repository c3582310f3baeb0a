package dev.vecrnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.SyntheticSlots;
import dev.vecrnn.train.ElmanTrainingResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    /** A small demo: a few seconds even on the plain-Java kernels. */
    private static final String[] SMALL = {"--quick", "--train-size", "800", "--dev-size", "120", "--test-size", "120",
        "--hidden", "48", "--epochs", "8"};

    @Test
    void smallDemoLearnsAndShowsEverySection() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ElmanTrainingResult result = DemoCommand.demo(DemoCommand.parse(SMALL), out);
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(result.bestDev().f1() > 70, "dev F1 " + result.bestDev().f1());
        assertTrue(result.testAtBest().f1() > 65, "test F1 " + result.testAtBest().f1());
        assertEquals(8, result.epochsRun());
        for (String section : List.of("1. Data", "2. Training", "3. Result", "4. Test sentences", "5. Streaming",
                "6. Language models", "7. Kernel speed check", "done in")) {
            assertTrue(text.contains(section), section + " missing in:\n" + text);
        }
        assertTrue(text.contains("nh 48 instead of 200"), text);
        // the SCRN remembers the first word of a sentence, the Elman network of the same size does not
        double elman = Double.parseDouble(text.replaceAll("(?s).*right last word: Elman ([0-9.]+), SCRN.*", "$1"));
        double scrn = Double.parseDouble(text.replaceAll("(?s).*right last word: Elman [0-9.]+, SCRN ([0-9.]+).*", "$1"));
        assertTrue(scrn > 0.8 && elman < 0.5, "Elman " + elman + ", SCRN " + scrn);
        assertTrue(text.matches("(?s).*test perplexity \\(lower is better\\): unigram [0-9.]+, Elman [0-9.]+, SCRN [0-9.]+.*"), text);
        assertTrue(text.contains("reloaded, parameters and test perplexity equal: yes"), text);
        assertTrue(text.contains("same labels as tagging the whole sentence at once: yes"), text);
        assertTrue(text.contains("labels equal whole-sentence tagging in 120 of 120 sentences"), text);
        // one progress line per epoch
        Matcher m = Pattern.compile("(?m)^\\s+\\d+\\s+\\d+\\.\\d{5}\\s+\\d+\\.\\d\\d").matcher(text);
        int lines = 0;
        while (m.find()) {
            lines++;
        }
        assertEquals(8, lines, text);
        // the printed test F1 is the result's
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "test  F1 %6.2f", result.testAtBest().f1())), text);
    }

    @Test
    void writeDataWritesReadableConll(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of(DemoCommand::run, "--write-data", dir.toString(), "--train-size", "50");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("train-tagger --train"), run.out());
        assertEquals(50, ConllReader.read(dir.resolve("train.conll")).size());
        // a training set this small lacks some rare labels: dev sentences with them are left out
        int devSize = ConllReader.read(dir.resolve("dev.conll")).size();
        assertTrue(devSize > 0 && devSize <= SyntheticSlots.DEFAULT_DEV, "dev " + devSize);
        CliRun train = CliRun.of(TaggerCommand::run, "--train", dir.resolve("train.conll").toString(),
                "--dev", dir.resolve("dev.conll").toString(), "--test", dir.resolve("test.conll").toString(),
                "--epochs", "1", "--hidden", "8");
        assertEquals(0, train.code(), train.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        for (String[] args : List.of(new String[] {"--epochs", "ten"}, new String[] {"--window", "4"},
                new String[] {"--frobnicate"}, new String[] {"--hidden"}, new String[] {"--lr", "-1"})) {
            CliRun run = CliRun.of(DemoCommand::run, args);
            assertEquals(2, run.code(), String.join(" ", args));
            assertTrue(run.err().startsWith("vecrnn: demo: "), run.err());
            assertTrue(run.err().contains(args[0]), run.err());
            assertFalse(run.err().contains("\tat "), run.err());
        }
    }

    @Test
    void helpGoesToStdout() {
        CliRun run = CliRun.of(DemoCommand::run, "--help");
        assertEquals(0, run.code());
        assertTrue(run.out().startsWith("usage: vecrnn demo"));
    }
}
