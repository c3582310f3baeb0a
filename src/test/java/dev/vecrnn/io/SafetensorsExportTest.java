package dev.vecrnn.io;

import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsExportTest {
    @TempDir
    Path dir;

    ModelFile.Loaded saved(String name) throws IOException {
        Path f = dir.resolve(name + ".vrnn");
        ModelFile.saveLanguageModel(f, new ScrnNetwork(ScrnConfig.languageModel(6, 4, 3, RateMode.MATRIX), 9),
                ModelFileTest.words(6, "<unk>"));
        return ModelFile.load(f);
    }

    @Test
    void exportCarriesEveryParameterAndWhatIsNeededToRunIt() throws IOException {
        ModelFile.Loaded m = saved("a");
        Path st = dir.resolve("a.safetensors");
        SafetensorsExport.export(st, m);
        Safetensors.Contents c = Safetensors.read(st);
        assertEquals(m.parameters().names(), new ArrayList<>(c.tensors().keySet()));
        for (Parameter p : m.parameters()) {
            assertArrayEquals(p.shape(), c.tensors().get(p.name()).shape());
            assertArrayEquals(p.get(), c.tensors().get(p.name()).toArray(), p.name());
        }
        assertEquals("scrn", c.metadata().get("vecrnn.kind"));
        assertTrue(c.metadata().get("vecrnn.hyperparameters").contains("\"rate\":\"matrix\""));
        assertTrue(c.metadata().get("vecrnn.words").startsWith("[\"wörd0\",\"wörd1\""), c.metadata().get("vecrnn.words"));
        assertEquals("<unk>", c.metadata().get("vecrnn.unknown_word"));
    }

    @Test
    void importSetsEveryParameterFromAFileInAnyOrder() throws IOException {
        ModelFile.Loaded m = saved("b");
        List<Safetensors.Tensor> ts = new ArrayList<>();
        List<String> names = new ArrayList<>(m.parameters().names());
        java.util.Collections.reverse(names);
        for (String n : names) {
            Parameter p = m.parameters().get(n);
            float[] v = new float[p.size()];
            java.util.Arrays.fill(v, n.length() * 0.5f);
            ts.add(new Safetensors.Tensor(n, p.shape(), v));
        }
        Path st = dir.resolve("torch.safetensors");
        Safetensors.write(st, ts, Map.of("format", "pt"));
        SafetensorsExport.importInto(m, st);
        for (Parameter p : m.parameters()) {
            for (float x : p.get()) {
                assertEquals(p.name().length() * 0.5f, x, p.name());
            }
        }
    }

    @Test
    void missingExtraOrMisshapenTensorsAndAnotherKindAreRefusedBeforeAnythingChanges() throws IOException {
        ModelFile.Loaded m = saved("c");
        float[] before = m.parameters().get("xs").get();
        Path st = dir.resolve("bad.safetensors");
        Safetensors.write(st, List.of(new Safetensors.Tensor("xs", new int[] {6, 3}, new float[18])), Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsExport.importInto(m, st));
        assertTrue(e.getMessage().contains("no tensor 'xh'"), e.getMessage());
        assertArrayEquals(before, m.parameters().get("xs").get());
        Safetensors.write(st, List.of(new Safetensors.Tensor("xs", new int[] {3, 6}, new float[18])), Map.of());
        e = assertThrows(ModelFormatException.class, () -> SafetensorsExport.importInto(m, st));
        assertTrue(e.getMessage().contains("tensor 'xs' has shape [3, 6]; the model's is [6, 3]"), e.getMessage());
        Safetensors.write(st, List.of(new Safetensors.Tensor("lstm.weight", new int[] {2}, new float[2])), Map.of());
        e = assertThrows(ModelFormatException.class, () -> SafetensorsExport.importInto(m, st));
        assertTrue(e.getMessage().contains("[lstm.weight] are not parameters"), e.getMessage());
        Path elman = dir.resolve("e.vrnn");
        ModelFile.saveLanguageModel(elman, new ElmanLanguageModel(6, 4, 1), ModelFileTest.words(6, "<unk>"));
        SafetensorsExport.export(st, ModelFile.load(elman));
        e = assertThrows(ModelFormatException.class, () -> SafetensorsExport.importInto(m, st));
        assertTrue(e.getMessage().contains("holds a model of kind elman-lm, the model is of kind scrn"), e.getMessage());
        assertArrayEquals(before, m.parameters().get("xs").get());
    }

    @Test
    void aClassSoftmaxTravelsWithItsClassesAndOtherClassesAreRefused() throws IOException {
        dev.vecrnn.nn.WordClasses classes = dev.vecrnn.nn.WordClasses.byFrequency(new long[] {9, 1, 4, 4, 0, 7}, 3);
        Path f = dir.resolve("class.vrnn");
        ModelFile.saveLanguageModel(f, new ElmanLanguageModel(6, 4, 1, classes), ModelFileTest.words(6, "<unk>"));
        ModelFile.Loaded m = ModelFile.load(f);
        Path st = dir.resolve("class.safetensors");
        SafetensorsExport.export(st, m);
        Safetensors.Contents c = Safetensors.read(st);
        assertEquals(List.of("wx", "wh", "cw", "ow", "bh", "cb", "ob"), new ArrayList<>(c.tensors().keySet()));
        assertArrayEquals(new int[] {classes.classes(), 4}, c.tensors().get("cw").shape());
        assertArrayEquals(new int[] {6, 4}, c.tensors().get("ow").shape());
        StringBuilder want = new StringBuilder("[");
        for (int w = 0; w < 6; w++) {
            want.append(w > 0 ? "," : "").append(classes.classOf(w));
        }
        assertEquals(want.append(']').toString(), c.metadata().get("vecrnn.word_classes"));
        assertTrue(c.metadata().get("vecrnn.hyperparameters").contains("\"output\":\"class\""));
        SafetensorsExport.importInto(ModelFile.load(f), st); // its own classes: accepted
        // the same shapes over other classes would put every word's vectors under another class
        dev.vecrnn.nn.WordClasses other = new dev.vecrnn.nn.WordClasses(new int[] {2, 1, 0, 1, 0, 2});
        assertEquals(classes.classes(), other.classes());
        Path g = dir.resolve("other.vrnn");
        ModelFile.saveLanguageModel(g, new ElmanLanguageModel(6, 4, 1, other), ModelFileTest.words(6, "<unk>"));
        ModelFile.Loaded o = ModelFile.load(g);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsExport.importInto(o, st));
        assertTrue(e.getMessage().contains("word classes differ"), e.getMessage());
    }
}
