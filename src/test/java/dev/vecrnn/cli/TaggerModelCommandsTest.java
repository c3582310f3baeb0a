package dev.vecrnn.cli;

import dev.vecrnn.data.SyntheticSlots;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tagger trained and saved from the command line, then evaluated, used to tag, exported and imported. */
class TaggerModelCommandsTest {
    @TempDir
    Path dir;

    static CliRun tag(String input, String... args) {
        return CliRun.of((a, o, e) -> TagCommand.run(a, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                o, e), args);
    }

    @Test
    void trainSaveEvaluateTagExportImport() throws IOException {
        List<Path> files = SyntheticSlots.write(SyntheticSlots.generate(5, 300, 60, 60), dir);
        Path model = dir.resolve("t.vrnn");
        CliRun t = CliRun.of(TaggerCommand::run, "--train", files.get(0).toString(), "--dev", files.get(1).toString(),
                "--test", files.get(2).toString(), "--epochs", "3", "--hidden", "24", "--emb", "16", "--window", "3",
                "--out", model.toString());
        assertEquals(0, t.code(), t.err());
        String testLine = t.out().lines().filter(l -> l.startsWith("test  F1")).findFirst().orElseThrow();
        CliRun e = CliRun.of(EvalCommand::run, "--model", model.toString(), "--data", files.get(2).toString());
        assertEquals(0, e.code(), e.err());
        // the saved model scores the test file exactly as training reported it
        String f1 = testLine.replaceAll("test  F1 +([0-9.]+).*", "$1");
        assertTrue(e.out().contains("F1 " + f1), e.out() + " vs " + testLine);

        // a gold label the model never saw counts as an error, and is reported once with its count
        Path unseen = Files.writeString(dir.resolve("unseen.conll"), "show O\nflights O\nto O\nboston B-nowhere\n\n");
        CliRun u = CliRun.of(EvalCommand::run, "--model", model.toString(), "--data", unseen.toString(), "--json");
        assertEquals(0, u.code(), u.err());
        assertTrue(u.err().contains("1 token has a label never seen in training (B-nowhere x1); they count as errors"),
                u.err());
        assertTrue(u.out().contains("\"tokens\":4,"), u.out());
        double accuracy = Double.parseDouble(u.out().replaceAll(".*\"accuracy\":([0-9.E-]+).*\\s*", "$1"));
        assertTrue(accuracy <= 75.0, "the unseen label is an error: " + accuracy);

        String sentences = "show flights from boston to denver\n\nlist the cheapest fare on monday\n";
        CliRun whole = tag(sentences, "--model", model.toString());
        CliRun stream = tag(sentences, "--model", model.toString(), "--stream");
        assertEquals(0, whole.code(), whole.err());
        assertEquals(whole.out(), stream.out(), "streaming gives the labels of whole-sentence tagging");
        List<String> lines = whole.out().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("show/\\S+ flights/\\S+ from/\\S+ boston/\\S+ to/\\S+ denver/\\S+"), lines.get(0));
        assertEquals("", lines.get(1));

        Path st = dir.resolve("t.safetensors");
        assertEquals(0, CliRun.of(WeightsCommand::export, "--model", model.toString(), "--out", st.toString()).code());
        Path copy = dir.resolve("copy.vrnn");
        CliRun i = CliRun.of(WeightsCommand::importWeights, "--model", model.toString(), "--weights", st.toString(),
                "--out", copy.toString());
        assertEquals(0, i.code(), i.err());
        ModelFile.Loaded a = ModelFile.load(model), b = ModelFile.load(copy);
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.get(), b.parameters().get(p.name()).get(), p.name());
        }
        CliRun bad = CliRun.of(WeightsCommand::importWeights, "--model", model.toString(), "--weights",
                Files.writeString(dir.resolve("x.safetensors"), "nonsense").toString(), "--out", copy.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("vecrnn: " + dir.resolve("x.safetensors") + ": "), bad.err());
        CliRun wrongKind = tag("a b\n", "--model", dir.resolve("missing.vrnn").toString());
        assertEquals(1, wrongKind.code());
    }

    @Test
    void aTaggerRunResumedFromItsCheckpointEndsWithTheSameModel() throws IOException {
        List<Path> files = SyntheticSlots.write(SyntheticSlots.generate(6, 150, 40, 40), dir);
        String[] common = {"--train", files.get(0).toString(), "--dev", files.get(1).toString(), "--hidden", "16",
            "--emb", "8", "--window", "3", "--patience", "1", "--batch", "4"};
        Path whole = dir.resolve("whole.vrnn"), ckpt = dir.resolve("t.ckpt"), resumed = dir.resolve("resumed.vrnn");
        assertEquals(0, CliRun.of(TaggerCommand::run, LanguageModelCommandTest.concat(common, "--epochs", "5", "--out",
                whole.toString())).code());
        assertEquals(0, CliRun.of(TaggerCommand::run, LanguageModelCommandTest.concat(common, "--epochs", "3",
                "--checkpoint", ckpt.toString())).code());
        CliRun r = CliRun.of(TaggerCommand::run, LanguageModelCommandTest.concat(common, "--epochs", "5", "--out",
                resumed.toString(), "--resume", ckpt.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming " + ckpt + " after epoch 3"), r.out());
        ModelFile.Loaded a = ModelFile.load(whole), b = ModelFile.load(resumed);
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.get(), b.parameters().get(p.name()).get(), p.name());
        }
    }
}
