package dev.vecrnn.io;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ModelFileTest {
    @TempDir
    Path dir;

    static Vocabulary words(int n, String unknown) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            w.add("wörd" + i);
        }
        w.add(unknown == null ? "last" : unknown);
        return Vocabulary.of(w, unknown);
    }

    static void assertSameParameters(ParameterSet a, ParameterSet b) {
        assertEquals(a.names(), b.names());
        for (Parameter p : a) {
            Parameter q = b.get(p.name());
            assertArrayEquals(p.shape(), q.shape(), p.name());
            assertArrayEquals(p.get(), q.get(), p.name());
        }
    }

    static ElmanTagger tagger() {
        return new ElmanTagger(new ElmanConfig(12, 5, 4, 3, 6), 7);
    }

    static TaggingVocabulary taggingVocabulary() {
        return new TaggingVocabulary(words(12, "<UNK>"), Vocabulary.of(List.of("O", "B-x", "I-x", "B-y", "I-y"), null),
                new WordNormalizer(true, false));
    }

    @Test
    void aTaggerRoundTrips() throws IOException {
        Path f = dir.resolve("t.vrnn");
        ElmanTagger t = tagger();
        ModelFile.saveTagger(f, t, taggingVocabulary());
        ModelFile.Loaded l = ModelFile.load(f);
        assertEquals(ModelFile.Kind.TAGGER, l.kind());
        assertSameParameters(t.parameters(), l.tagger().parameters());
        assertEquals(t.config(), l.tagger().config());
        TaggingVocabulary v = taggingVocabulary(), lv = l.taggingVocabulary();
        assertEquals(v.words().words(), lv.words().words());
        assertEquals(v.words().unknownWord(), lv.words().unknownWord());
        assertEquals(v.labels().words(), lv.labels().words());
        assertEquals(v.normalizer(), lv.normalizer());
        int[] words = {1, 4, 11, 0};
        int[] a = new int[4], b = new int[4];
        t.tag(words, a);
        l.tagger().tag(words, b);
        assertArrayEquals(a, b);
    }

    @ParameterizedTest
    @EnumSource(RateMode.class)
    void anScrnLanguageModelRoundTripsInEveryRateMode(RateMode mode) throws IOException {
        Path f = dir.resolve("s.vrnn");
        ScrnNetwork s = new ScrnNetwork(ScrnConfig.languageModel(9, 5, 3, mode), 11);
        s.parameters().get("b").set(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        ModelFile.saveLanguageModel(f, s, words(9, "<unk>"));
        ModelFile.Loaded l = ModelFile.load(f);
        assertEquals(ModelFile.Kind.SCRN, l.kind());
        ScrnNetwork r = (ScrnNetwork) l.languageModel();
        assertEquals(s.config(), r.config());
        assertSameParameters(s.parameters(), r.parameters());
        assertEquals(words(9, "<unk>").words(), l.words().words());
        int[] in = {0, 3, 5, 8, 1, 2}, tg = {3, 5, 8, 1, 2, 0};
        assertEquals(s.loss(s.newState(2), 3, in, tg), r.loss(r.newState(2), 3, in, tg));
    }

    @Test
    void anScrnWithDenseInputAndNoVocabularyRoundTrips() throws IOException {
        Path f = dir.resolve("d.vrnn");
        ScrnNetwork s = new ScrnNetwork(new ScrnConfig(6, 4, 3, 2, RateMode.LOG, 0.95f, OutputActivation.TANH), 3);
        ModelFile.saveLanguageModel(f, s, null);
        ModelFile.Loaded l = ModelFile.load(f);
        assertNull(l.words());
        ScrnNetwork r = (ScrnNetwork) l.languageModel();
        assertSameParameters(s.parameters(), r.parameters());
        assertArrayEquals(s.rates(), r.rates());
    }

    @Test
    void anElmanLanguageModelRoundTrips() throws IOException {
        Path f = dir.resolve("e.vrnn");
        ElmanLanguageModel e = new ElmanLanguageModel(8, 5, 4);
        ModelFile.saveLanguageModel(f, e, words(8, "<unk>"));
        ModelFile.Loaded l = ModelFile.load(f);
        assertEquals(ModelFile.Kind.ELMAN_LM, l.kind());
        assertSameParameters(e.parameters(), l.languageModel().parameters());
    }

    @Test
    void modelsWithAHierarchicalSoftmaxRoundTripWithTheirTree() throws IOException {
        long[] counts = {9, 1, 4, 4, 0, 7, 2, 3, 3};
        roundTripsWithItsOutput(new dev.vecrnn.nn.HuffmanTree(counts), "hs");
    }

    @Test
    void modelsWithAClassSoftmaxRoundTripWithTheirClasses() throws IOException {
        long[] counts = {9, 1, 4, 4, 0, 7, 2, 3, 3};
        dev.vecrnn.nn.WordClasses classes = dev.vecrnn.nn.WordClasses.byFrequency(counts);
        assertEquals(3, classes.classes());
        roundTripsWithItsOutput(classes, "class");
        // the assignment itself is stored: one the frequency rule would never make loads as it is
        dev.vecrnn.nn.WordClasses odd = new dev.vecrnn.nn.WordClasses(new int[] {1, 0, 1, 1, 0, 1, 1, 1, 1});
        Path f = dir.resolve("odd.vrnn");
        ModelFile.saveLanguageModel(f, new ElmanLanguageModel(9, 4, 2, odd), words(9, "<unk>"));
        assertEquals(odd, ((ElmanLanguageModel) ModelFile.load(f).languageModel()).classes());
    }

    private void roundTripsWithItsOutput(dev.vecrnn.nn.OutputStructure structure, String id) throws IOException {
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(9, 5, 3, RateMode.VECTOR), 11, structure),
            new ElmanLanguageModel(9, 4, 2, structure)};
        for (LanguageModel m : models) {
            java.util.Random rnd = new java.util.Random(5);
            for (Parameter p : m.parameters()) {
                float[] a = p.get();
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                p.set(a);
            }
            Path f = dir.resolve(id + ".vrnn");
            ModelFile.saveLanguageModel(f, m, words(9, "<unk>"));
            ModelFile.Loaded l = ModelFile.load(f);
            assertEquals(id, l.hyperparameters().get("output"));
            LanguageModel r = l.languageModel();
            assertEquals(structure, r instanceof ScrnNetwork s ? s.outputStructure()
                    : ((ElmanLanguageModel) r).outputStructure());
            assertSameParameters(m.parameters(), r.parameters());
            int[] in = {0, 3, 5, 8, 1, 2}, tg = {3, 5, 8, 1, 2, 0};
            assertEquals(m.loss(m.newState(2), 3, in, tg), r.loss(r.newState(2), 3, in, tg), m.getClass().getSimpleName());
            byte[] bytes = Files.readAllBytes(f);
            Path g = dir.resolve(id + "-flip.vrnn");
            for (int i = 0; i < bytes.length; i += 3) {
                byte[] b = bytes.clone();
                b[i] ^= 0x10;
                Files.write(g, b);
                if (loadOrRefuse(g) != null) {
                    fail("byte " + i + " flipped loaded");
                }
            }
        }
    }

    @Test
    void theParameterShapesAreTheModelsOwn() {
        ElmanConfig c = new ElmanConfig(12, 5, 4, 3, 6);
        assertShapes(ElmanTagger.parameterShapes(c), new ElmanTagger(c, 1).parameters());
        for (RateMode m : RateMode.values()) {
            ScrnConfig sc = ScrnConfig.languageModel(9, 5, 3, m);
            assertShapes(ScrnNetwork.parameterShapes(sc), new ScrnNetwork(sc, 1).parameters());
        }
        assertShapes(ElmanLanguageModel.parameterShapes(8, 5), new ElmanLanguageModel(8, 5, 1).parameters());
        dev.vecrnn.nn.HuffmanTree tree = new dev.vecrnn.nn.HuffmanTree(new long[] {3, 1, 2, 2, 5, 1, 1, 4});
        assertShapes(ElmanLanguageModel.parameterShapes(8, 5, tree), new ElmanLanguageModel(8, 5, 1, tree).parameters());
        ScrnConfig hs = ScrnConfig.languageModel(8, 5, 3, RateMode.MATRIX);
        assertShapes(ScrnNetwork.parameterShapes(hs, tree), new ScrnNetwork(hs, 1, tree).parameters());
        dev.vecrnn.nn.WordClasses classes = dev.vecrnn.nn.WordClasses.byFrequency(new long[] {3, 1, 2, 2, 5, 1, 1, 4});
        assertShapes(ElmanLanguageModel.parameterShapes(8, 5, classes),
                new ElmanLanguageModel(8, 5, 1, classes).parameters());
        for (RateMode m : RateMode.values()) {
            ScrnConfig sc = ScrnConfig.languageModel(8, 5, 3, m);
            assertShapes(ScrnNetwork.parameterShapes(sc, classes), new ScrnNetwork(sc, 1, classes).parameters());
        }
    }

    static void assertShapes(java.util.Map<String, int[]> shapes, ParameterSet params) {
        assertEquals(new ArrayList<>(shapes.keySet()), params.names());
        for (Parameter p : params) {
            assertArrayEquals(shapes.get(p.name()), p.shape(), p.name());
        }
    }

    /** Loading must end in a model or a ModelFormatException, never anything else. */
    static ModelFile.Loaded loadOrRefuse(Path f) {
        try {
            return ModelFile.load(f);
        } catch (ModelFormatException e) {
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            return null;
        } catch (Throwable t) {
            throw new AssertionError("not a clean refusal: " + t, t);
        }
    }

    @Test
    void everyTruncationIsRefusedCleanly() throws IOException {
        Path good = dir.resolve("good.vrnn");
        ModelFile.saveTagger(good, tagger(), taggingVocabulary());
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("cut.vrnn");
        for (int n = 0; n < bytes.length; n++) {
            Files.write(f, Arrays.copyOf(bytes, n));
            if (loadOrRefuse(f) != null) {
                fail("a file cut to " + n + " of " + bytes.length + " bytes loaded");
            }
        }
    }

    @Test
    void everyFlippedByteIsRefusedCleanly() throws IOException {
        Path good = dir.resolve("good.vrnn");
        ModelFile.saveLanguageModel(good, new ScrnNetwork(ScrnConfig.languageModel(5, 3, 2, RateMode.MATRIX), 1),
                words(5, "<unk>"));
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("flip.vrnn");
        Random rnd = new Random(3);
        for (int i = 0; i < bytes.length; i++) {
            byte[] b = bytes.clone();
            b[i] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(f, b);
            if (loadOrRefuse(f) != null) {
                fail("a file with byte " + i + " flipped loaded");
            }
        }
    }

    @Test
    void badMagicAndUnknownVersionsAreNamed() throws IOException {
        Path good = dir.resolve("good.vrnn");
        ModelFile.saveLanguageModel(good, new ElmanLanguageModel(4, 2, 1), words(4, "<unk>"));
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("v.vrnn");
        byte[] b = bytes.clone();
        b[8] = 2;
        Files.write(f, b);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("version 2; this vecrnn reads version 1"), e.getMessage());
        Files.writeString(f, "{\"not\": \"a model\"}");
        e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    // ---- files with valid checksums whose contents lie

    static final class Raw {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Raw() {
            out.writeBytes(ModelFile.MAGIC);
            out.writeBytes(le(4).putInt(1).array());
        }

        Raw section(String tag, byte[] payload) {
            out.writeBytes(tag.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(le(8).putLong(payload.length).array());
            out.writeBytes(payload);
            CRC32 c = new CRC32();
            c.update(payload);
            out.writeBytes(le(4).putInt((int) c.getValue()).array());
            return this;
        }

        static ByteBuffer le(int n) {
            return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    static final class Bytes {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Bytes u32(int v) {
            b.writeBytes(Raw.le(4).putInt(v).array());
            return this;
        }

        Bytes str(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            u32(x.length);
            b.writeBytes(x);
            return this;
        }

        Bytes f32(int n) {
            for (int i = 0; i < n; i++) {
                b.writeBytes(Raw.le(4).putFloat(0.5f).array());
            }
            return this;
        }

        byte[] get() {
            return b.toByteArray();
        }
    }

    static byte[] elmanHead(String v, String nh) {
        return new Bytes().str("elman-lm").u32(2).str("v").str(v).str("nh").str(nh).get();
    }

    static byte[] elmanWords(int n) {
        Bytes w = new Bytes().u32(n);
        for (int i = 0; i < n; i++) {
            w.str("w" + i);
        }
        return w.str("w0").get();
    }

    static byte[] elmanTensors(int v, int nh) {
        Bytes t = new Bytes().u32(5);
        t.str("wx").u32(2).u32(v).u32(nh);
        t.str("wh").u32(2).u32(nh).u32(nh);
        t.str("w").u32(2).u32(nh).u32(v);
        t.str("bh").u32(1).u32(nh);
        t.str("b").u32(1).u32(v);
        return t.f32(v * nh * 2 + nh * nh + nh + v).get();
    }

    Path raw(Raw r) throws IOException {
        Path f = dir.resolve("raw.vrnn");
        Files.write(f, r.out.toByteArray());
        return f;
    }

    @Test
    void aHandWrittenFileLoadsAndLyingSizesAreRefusedBeforeAllocating() throws IOException {
        ModelFile.Loaded ok = ModelFile.load(raw(new Raw().section("HEAD", elmanHead("3", "2"))
                .section("WORD", elmanWords(3)).section("TENS", elmanTensors(3, 2))));
        assertEquals(3, ok.languageModel().vocabularySize());
        String[][] cases = {
            // hyperparameters that promise a model far larger than the tensors in the file
            {"1000000000", "2", "tensor 0 is 'wx' [3, 2]; the hyperparameters say 'wx' [1000000000, 2]"},
            {"2000000000", "2000000000", "out of range"},
            {"-3", "2", "out of range"},
            {"three", "2", "'v' is not an integer"},
        };
        for (String[] c : cases) {
            Path f = raw(new Raw().section("HEAD", elmanHead(c[0], c[1])).section("WORD", elmanWords(3))
                    .section("TENS", elmanTensors(3, 2)));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
        // a vocabulary count that cannot fit, and one that disagrees with v
        Path f1 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", new Bytes().u32(Integer.MAX_VALUE).get())
                .section("TENS", elmanTensors(3, 2)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f1)).getMessage().contains("cannot fit"));
        Path f2 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", elmanWords(4))
                .section("TENS", elmanTensors(3, 2)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f2)).getMessage()
                .contains("has 4 entries; the hyperparameters say 3"));
        // a tensor count, a rank and a string length out of range; data shorter than the shapes
        Path f3 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", elmanWords(3))
                .section("TENS", new Bytes().u32(1 << 30).get()));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f3)).getMessage().contains("tensors"));
        Path f4 = raw(new Raw().section("HEAD", new Bytes().u32(1 << 30).get()).section("WORD", elmanWords(3))
                .section("TENS", elmanTensors(3, 2)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f4)).getMessage().contains("runs past"));
        byte[] t = elmanTensors(3, 2);
        Path f5 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", elmanWords(3))
                .section("TENS", Arrays.copyOf(t, t.length - 4)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f5)).getMessage().contains("bytes of data"));
        // duplicate words, a duplicated section, a missing one
        Bytes dup = new Bytes().u32(3).str("a").str("a").str("b").str("");
        Path f6 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", dup.get()).section("TENS", elmanTensors(3, 2)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f6)).getMessage().contains("duplicate"));
        Path f7 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("HEAD", elmanHead("3", "2")));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f7)).getMessage().contains("twice"));
        Path f8 = raw(new Raw().section("HEAD", elmanHead("3", "2")).section("WORD", elmanWords(3)));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.load(f8)).getMessage().contains("no TENS"));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("m.vrnn");
        ModelFile.saveLanguageModel(f, new ElmanLanguageModel(4, 2, 1), words(4, "<unk>"));
        byte[] before = Files.readAllBytes(f);
        IOException boom = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", boom.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
        LanguageModel m = new ElmanLanguageModel(4, 3, 2);
        ModelFile.saveLanguageModel(f, m, words(4, "<unk>"));
        assertSameParameters(m.parameters(), ModelFile.load(f).languageModel().parameters());
    }
}
