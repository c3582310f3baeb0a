package dev.vecrnn.io;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.nn.ElmanConfig;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputActivation;
import dev.vecrnn.nn.OutputKind;
import dev.vecrnn.nn.OutputStructure;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.WordClasses;
import dev.vecrnn.train.Schedule;
import dev.vecrnn.train.TrainingLoop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * vecrnn's own model file: everything needed to use a trained model again — its kind, its
 * hyperparameters, its vocabularies in id order and its named tensors — checksummed section by
 * section. All integers and floats are little-endian:
 *
 * <pre>
 *   magic    8 bytes  "VECRNN\r\n"
 *   version  u32      1
 *   sections, each:  tag (4 ASCII bytes) · length u64 · payload (length bytes) · CRC32 of the payload u32
 *     HEAD  kind (string: tagger | scrn | elman-lm) · u32 n · n × (key string, value string)
 *     WORD  u32 n · n × word string (id order) · the unknown word (string, empty when none)
 *     LABL  (taggers only) u32 n · n × label string (id order)
 *     TENS  u32 n · n × (name string, u32 rank, rank × u32 dims) · then each tensor's floats, in order
 *     TRNG  (checkpoints only) i32 epochs done · i32 kept epoch (−1: none) · i32 last action
 *           (0 new best, 1 continue, 2 halve and restore) · u32 n · n × f64 the schedule's state
 *     KEPT  (checkpoints with a kept epoch) the kept parameters, laid out as TENS
 *     TREE  (hierarchical softmax) u32 V · V × u64 the word counts the Huffman tree is built from
 *     CLSS  (class softmax) u32 V · V × u32 each word's class, by word id (the classes 0 .. C−1 each
 *           non-empty; C is the number of rows of {@code cw})
 *   a string is u32 byte length · UTF-8 bytes
 * </pre>
 *
 * A checkpoint is a model file (its TENS the live parameters, so it loads and runs as a model) that
 * also holds the training state a run resumes from ({@link Loaded#training()}).
 *
 * The hyperparameters (HEAD) are, for {@code tagger}: {@code ne nc de cs nh fold-case fold-digits};
 * for {@code scrn}: {@code nin nh ns nout rate alpha activation seed} (the seed fixes the constant
 * rates of the uniform and log modes); for {@code elman-lm}: {@code v nh}; language models also
 * {@code output} ({@code full}, {@code hs} with a TREE section, or {@code class} with a CLSS section). The tensors are the model's
 * parameters under their SPEC names, in the model's order, with its shapes.
 *
 * <p>Reading checks everything before it builds anything: the magic, the version, that every section
 * fits in the file, every checksum, that the counts and string lengths fit in their section, that
 * the hyperparameters are in range, that the vocabularies have as many entries as the
 * hyperparameters say, and that the tensors are exactly the model's names and shapes with exactly
 * their data; so no allocation exceeds a small multiple of the file's size. Any failure is one
 * {@link ModelFormatException} naming the file. Writing goes through {@link AtomicFiles}.
 */
public final class ModelFile {
    /** The magic bytes; the CR LF catches a file mangled by a text-mode transfer. */
    static final byte[] MAGIC = "VECRNN\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    private static final String HEAD = "HEAD", WORD = "WORD", LABL = "LABL", TENS = "TENS", TRNG = "TRNG",
            KEPT = "KEPT", TREE = "TREE", CLSS = "CLSS";
    private static final int MAX_TENSORS = 64, MAX_RANK = 4, MAX_HYPERPARAMETERS = 256;

    private ModelFile() {}

    /** What a model file holds. */
    public enum Kind {
        TAGGER("tagger"), SCRN("scrn"), ELMAN_LM("elman-lm");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name stored in the file. */
        public String id() {
            return id;
        }
    }

    /**
     * A loaded model: its kind, hyperparameters and vocabularies, and the model itself — an
     * {@link ElmanTagger} (with a {@link TaggingVocabulary}) or a {@link LanguageModel}
     * ({@link ScrnNetwork} or {@link ElmanLanguageModel}, with its word vocabulary; an SCRN saved
     * without one has {@code words} null).
     */
    public record Loaded(Kind kind, Map<String, String> hyperparameters, Object model, Vocabulary words,
                         Vocabulary labels, WordNormalizer normalizer, TrainingLoop.Resume training) {
        /** The tagger. @throws IllegalStateException for another kind */
        public ElmanTagger tagger() {
            if (kind != Kind.TAGGER) {
                throw new IllegalStateException("the model is a " + kind.id() + ", not a tagger");
            }
            return (ElmanTagger) model;
        }

        /** The tagger's vocabularies and word normaliser. @throws IllegalStateException for another kind */
        public TaggingVocabulary taggingVocabulary() {
            tagger();
            return new TaggingVocabulary(words, labels, normalizer);
        }

        /** The language model (an SCRN or an Elman LM). @throws IllegalStateException for a tagger */
        public LanguageModel languageModel() {
            if (kind == Kind.TAGGER) {
                throw new IllegalStateException("the model is a tagger, not a language model");
            }
            return (LanguageModel) model;
        }

        /** The model's trainable parameters. */
        public ParameterSet parameters() {
            return parametersOf(model);
        }

        /** The training state of a checkpoint (see {@link TrainingLoop.Resume}), or null for a plain model file. */
        @Override
        public TrainingLoop.Resume training() {
            return training;
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes a tagger with its vocabularies and word normaliser. */
    public static void saveTagger(Path file, ElmanTagger tagger, TaggingVocabulary vocabulary) throws IOException {
        Objects.requireNonNull(tagger, "tagger");
        Objects.requireNonNull(vocabulary, "vocabulary");
        ElmanConfig c = tagger.config();
        if (vocabulary.wordCount() != c.vocabularySize() || vocabulary.labelCount() != c.numLabels()) {
            throw new IllegalArgumentException("vocabularies of " + vocabulary.wordCount() + " words and "
                    + vocabulary.labelCount() + " labels for a tagger of " + c.vocabularySize() + " and " + c.numLabels());
        }
        saveTagger(file, tagger, vocabulary, null);
    }

    /** {@link #saveTagger} plus the training state a run resumes from (see {@link TrainingLoop.Checkpoints}). */
    public static void saveTaggerCheckpoint(Path file, ElmanTagger tagger, TaggingVocabulary vocabulary,
                                            TrainingLoop.Resume state) throws IOException {
        Objects.requireNonNull(state, "state");
        saveTagger(file, tagger, vocabulary, state);
    }

    private static void saveTagger(Path file, ElmanTagger tagger, TaggingVocabulary vocabulary,
                                   TrainingLoop.Resume state) throws IOException {
        Objects.requireNonNull(tagger, "tagger");
        Objects.requireNonNull(vocabulary, "vocabulary");
        ElmanConfig c = tagger.config();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ne", Integer.toString(c.vocabularySize()));
        h.put("nc", Integer.toString(c.numLabels()));
        h.put("de", Integer.toString(c.embeddingDim()));
        h.put("cs", Integer.toString(c.windowSize()));
        h.put("nh", Integer.toString(c.hiddenSize()));
        h.put("fold-case", Boolean.toString(vocabulary.normalizer().foldCase()));
        h.put("fold-digits", Boolean.toString(vocabulary.normalizer().foldDigits()));
        write(file, Kind.TAGGER, h, vocabulary.words(), vocabulary.labels(), tagger.parameters(), state, null);
    }

    /**
     * Writes a language model (an {@link ScrnNetwork} or an {@link ElmanLanguageModel}) with its word
     * vocabulary; an SCRN that is not a language model may be written with {@code words} null.
     */
    public static void saveLanguageModel(Path file, LanguageModel model, Vocabulary words) throws IOException {
        saveLanguageModel(file, model, words, null);
    }

    private static void saveLanguageModel(Path file, LanguageModel model, Vocabulary words, TrainingLoop.Resume state)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Map<String, String> h = new LinkedHashMap<>();
        Kind kind;
        if (model instanceof ScrnNetwork s) {
            kind = Kind.SCRN;
            ScrnConfig c = s.config();
            h.put("nin", Integer.toString(c.inputSize()));
            h.put("nh", Integer.toString(c.hiddenSize()));
            h.put("ns", Integer.toString(c.contextSize()));
            h.put("nout", Integer.toString(c.outputSize()));
            h.put("rate", c.rateMode().name().toLowerCase(java.util.Locale.ROOT));
            h.put("alpha", Float.toString(c.alpha()));
            h.put("activation", c.activation().name().toLowerCase(java.util.Locale.ROOT));
            h.put("seed", Long.toString(s.seed()));
            h.put("output", s.outputKind().id());
            if (words != null && words.size() != c.inputSize()) {
                throw new IllegalArgumentException(words.size() + " words for an SCRN of " + c.inputSize() + " inputs");
            }
        } else if (model instanceof ElmanLanguageModel e) {
            kind = Kind.ELMAN_LM;
            h.put("v", Integer.toString(e.vocabularySize()));
            h.put("nh", Integer.toString(e.hiddenSize()));
            h.put("output", e.outputKind().id());
            Objects.requireNonNull(words, "words");
            if (words.size() != e.vocabularySize()) {
                throw new IllegalArgumentException(words.size() + " words for a model of " + e.vocabularySize());
            }
        } else {
            throw new IllegalArgumentException("cannot save a " + model.getClass().getName());
        }
        OutputStructure structure = model instanceof ScrnNetwork s ? s.outputStructure()
                : ((ElmanLanguageModel) model).outputStructure();
        write(file, kind, h, words, null, model.parameters(), state, structure);
    }

    /** {@link #saveLanguageModel} plus the training state a run resumes from (see {@link TrainingLoop.Checkpoints}). */
    public static void saveLanguageModelCheckpoint(Path file, LanguageModel model, Vocabulary words,
                                                   TrainingLoop.Resume state) throws IOException {
        Objects.requireNonNull(state, "state");
        saveLanguageModel(file, model, words, state);
    }

    private static void write(Path file, Kind kind, Map<String, String> hyper, Vocabulary words, Vocabulary labels,
                              ParameterSet params, TrainingLoop.Resume state, OutputStructure structure)
            throws IOException {
        AtomicFiles.write(file, out -> {
            out.write(MAGIC);
            out.write(le(4).putInt(VERSION).array());
            Payload head = new Payload();
            head.string(kind.id());
            head.u32(hyper.size());
            for (Map.Entry<String, String> e : hyper.entrySet()) {
                head.string(e.getKey());
                head.string(e.getValue());
            }
            section(out, HEAD, head);
            Payload w = new Payload();
            if (words != null) {
                w.u32(words.size());
                for (String s : words.words()) {
                    w.string(s);
                }
                w.string(words.unknownWord() == null ? "" : words.unknownWord());
            } else {
                w.u32(0);
                w.string("");
            }
            section(out, WORD, w);
            if (labels != null) {
                Payload l = new Payload();
                l.u32(labels.size());
                for (String s : labels.words()) {
                    l.string(s);
                }
                section(out, LABL, l);
            }
            section(out, TENS, tensors(params));
            if (structure instanceof HuffmanTree tree) {
                Payload c = new Payload();
                long[] counts = tree.counts();
                c.u32(counts.length);
                for (long n : counts) {
                    c.u64(n);
                }
                section(out, TREE, c);
            } else if (structure instanceof WordClasses classes) {
                Payload c = new Payload();
                c.u32(classes.words());
                for (int id = 0; id < classes.words(); id++) {
                    c.u32(classes.classOf(id));
                }
                section(out, CLSS, c);
            }
            if (state != null) {
                Payload g = new Payload();
                g.u32(state.epochsDone());
                g.u32(state.bestEpoch() + 1);
                g.u32(state.lastAction().ordinal());
                g.u32(state.scheduleState().length);
                for (double d : state.scheduleState()) {
                    g.f64(d);
                }
                section(out, TRNG, g);
                if (state.kept() != null) {
                    section(out, KEPT, tensors(state.kept()));
                }
            }
        });
    }

    private static Payload tensors(ParameterSet params) {
        Payload t = new Payload();
        t.u32(params.count());
        for (Parameter p : params) {
            t.string(p.name());
            int[] shape = p.shape();
            t.u32(shape.length);
            for (int d : shape) {
                t.u32(d);
            }
        }
        for (Parameter p : params) {
            t.floats(p.values(), p.offset(), p.size());
        }
        return t;
    }

    private static void section(OutputStream out, String tag, Payload p) throws IOException {
        byte[] bytes = p.bytes();
        out.write(tag.getBytes(StandardCharsets.US_ASCII));
        out.write(le(8).putLong(bytes.length).array());
        out.write(bytes);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        out.write(le(4).putInt((int) crc.getValue()).array());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A section's payload being written. */
    private static final class Payload {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void u32(int v) {
            buf.writeBytes(le(4).putInt(v).array());
        }

        void u64(long v) {
            buf.writeBytes(le(8).putLong(v).array());
        }

        void f64(double v) {
            buf.writeBytes(le(8).putDouble(v).array());
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            buf.writeBytes(b);
        }

        void floats(float[] a, int off, int n) {
            ByteBuffer b = le(4 * 4096);
            for (int i = 0; i < n; ) {
                b.clear();
                int m = Math.min(4096, n - i);
                b.asFloatBuffer().put(a, off + i, m);
                buf.write(b.array(), 0, 4 * m);
                i += m;
            }
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a model file, checking all of it before the model is built.
     *
     * @throws ModelFormatException naming the file and what is wrong, for any file that is not a valid
     *                              model file of this version
     * @throws IOException          when the file cannot be read at all (missing, unreadable)
     */
    public static Loaded load(Path file) throws IOException {
        Map<String, ByteBuffer> sections = readSections(file);
        try {
            return build(file, sections);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "bad hyperparameters: " + e.getMessage());
        }
    }

    private static Loaded build(Path file, Map<String, ByteBuffer> sections) throws ModelFormatException {
        for (String tag : new String[] {HEAD, WORD, TENS}) {
            if (!sections.containsKey(tag)) {
                throw new ModelFormatException(file, "no " + tag + " section");
            }
        }
        Reader head = new Reader(file, HEAD, sections.get(HEAD));
        String kindId = head.string();
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.id().equals(kindId)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new ModelFormatException(file, "unknown model kind '" + kindId + "'");
        }
        int n = head.count(8, MAX_HYPERPARAMETERS, "hyperparameters");
        Map<String, String> hyper = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = head.string();
            if (hyper.put(k, head.string()) != null) {
                throw new ModelFormatException(file, "hyperparameter '" + k + "' appears twice");
            }
        }
        head.end();
        Hyper h = new Hyper(file, hyper);
        // the shapes the tensors must have, from the hyperparameters alone (nothing allocated yet)
        String outputId = kind == Kind.TAGGER ? "full" : hyper.getOrDefault("output", "full");
        if (!List.of("full", "hs", "class").contains(outputId)) {
            throw new ModelFormatException(file, "unknown output '" + outputId + "' (full, hs or class)");
        }
        OutputKind outputKind = OutputKind.parse(outputId);
        boolean hierarchical = outputKind == OutputKind.HIERARCHICAL, classed = outputKind == OutputKind.CLASS;
        if (hierarchical != sections.containsKey(TREE)) {
            throw new ModelFormatException(file, hierarchical ? "a hierarchical softmax needs a TREE section"
                    : "a TREE section without a hierarchical softmax");
        }
        if (classed != sections.containsKey(CLSS)) {
            throw new ModelFormatException(file, classed ? "a class softmax needs a CLSS section"
                    : "a CLSS section without a class softmax");
        }
        OutputStructure structure = null;
        LinkedHashMap<String, int[]> shapes;
        ElmanConfig taggerConfig = null;
        ScrnConfig scrnConfig = null;
        int vocabularySize;
        switch (kind) {
            case TAGGER -> {
                taggerConfig = new ElmanConfig(h.i("ne"), h.i("nc"), h.i("de"), h.i("cs"), h.i("nh"));
                shapes = ElmanTagger.parameterShapes(taggerConfig);
                vocabularySize = taggerConfig.vocabularySize();
            }
            case SCRN -> {
                scrnConfig = new ScrnConfig(h.i("nin"), h.i("nh"), h.i("ns"), h.i("nout"),
                        RateMode.parse(h.s("rate")), h.f("alpha"), OutputActivation.parse(h.s("activation")));
                vocabularySize = scrnConfig.inputSize();
                structure = readStructure(file, sections, outputKind, scrnConfig.outputSize());
                shapes = ScrnNetwork.parameterShapes(scrnConfig, structure);
            }
            default -> {
                int v = h.i("v"), nh = h.i("nh");
                if (v < 1 || nh < 1 || (long) v * nh > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("v " + v + " and nh " + nh + " out of range");
                }
                vocabularySize = v;
                structure = readStructure(file, sections, outputKind, v);
                shapes = ElmanLanguageModel.parameterShapes(v, nh, structure);
            }
        }
        float[][] tensors = readTensors(file, TENS, sections.get(TENS), shapes);
        Vocabulary words = readWords(file, sections.get(WORD), vocabularySize, kind != Kind.SCRN, true);
        Vocabulary labels = null;
        WordNormalizer normalizer = null;
        Object model;
        if (kind == Kind.TAGGER) {
            if (!sections.containsKey(LABL)) {
                throw new ModelFormatException(file, "a tagger file needs a LABL section");
            }
            labels = readWords(file, sections.get(LABL), taggerConfig.numLabels(), true, false);
            if (words.unknownId() < 0) {
                throw new ModelFormatException(file, "a tagger's word vocabulary needs an unknown word");
            }
            normalizer = new WordNormalizer(h.bool("fold-case"), h.bool("fold-digits"));
            model = new ElmanTagger(taggerConfig, 0);
        } else {
            model = kind == Kind.SCRN ? new ScrnNetwork(scrnConfig, h.l("seed"), structure)
                    : new ElmanLanguageModel(vocabularySize, h.i("nh"), 0, structure);
        }
        TrainingLoop.Resume training = null;
        float[][] keptTensors = null;
        if (sections.containsKey(TRNG)) {
            Reader g = new Reader(file, TRNG, sections.get(TRNG));
            int done = g.u32(), best = g.u32() - 1, action = g.u32();
            int values = g.count(8, 16, "schedule values");
            double[] state = new double[values];
            for (int k = 0; k < values; k++) {
                state[k] = g.f64();
            }
            g.end();
            if (action >= Schedule.Action.values().length) {
                throw new ModelFormatException(file, "section TRNG: unknown action " + action);
            }
            if ((best >= 0) != sections.containsKey(KEPT)) {
                throw new ModelFormatException(file, best >= 0 ? "a checkpoint with a kept epoch needs a KEPT section"
                        : "a KEPT section without a kept epoch");
            }
            if (best >= 0) {
                keptTensors = readTensors(file, KEPT, sections.get(KEPT), shapes);
            }
            ParameterSet kept = best < 0 ? null : setValues(parametersOf(model).copy(), keptTensors);
            try {
                training = new TrainingLoop.Resume(done, kept, best, state, Schedule.Action.values()[action]);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "section TRNG: " + e.getMessage());
            }
        } else if (sections.containsKey(KEPT)) {
            throw new ModelFormatException(file, "a KEPT section without a TRNG section");
        }
        setValues(parametersOf(model), tensors);
        return new Loaded(kind, java.util.Collections.unmodifiableMap(hyper), model, words, labels, normalizer,
                training);
    }

    /**
     * The Huffman tree (TREE: the counts it is built from) or the word classes (CLSS: each word's class)
     * of a language model's output over {@code words} words, or null for the full softmax.
     */
    private static OutputStructure readStructure(Path file, Map<String, ByteBuffer> sections, OutputKind kind,
                                                 int words) throws ModelFormatException {
        switch (kind) {
            case HIERARCHICAL -> {
                Reader c = new Reader(file, TREE, sections.get(TREE));
                int nCounts = c.count(8, Integer.MAX_VALUE, "counts");
                if (nCounts != words || nCounts < 2) {
                    throw new ModelFormatException(file, "section TREE has " + nCounts + " counts for " + words + " words");
                }
                long[] counts = new long[nCounts];
                for (int i = 0; i < nCounts; i++) {
                    counts[i] = c.u64();
                }
                c.end();
                return new HuffmanTree(counts);
            }
            case CLASS -> {
                Reader c = new Reader(file, CLSS, sections.get(CLSS));
                int n = c.count(4, Integer.MAX_VALUE, "class ids");
                if (n != words) {
                    throw new ModelFormatException(file, "section CLSS has " + n + " class ids for " + words + " words");
                }
                int[] classOf = new int[n];
                for (int i = 0; i < n; i++) {
                    classOf[i] = c.u32();
                }
                c.end();
                try {
                    return new WordClasses(classOf);
                } catch (IllegalArgumentException e) {
                    throw new ModelFormatException(file, "section CLSS: " + e.getMessage());
                }
            }
            default -> {
                return null;
            }
        }
    }

    private static ParameterSet parametersOf(Object model) {
        return model instanceof ElmanTagger t ? t.parameters() : ((LanguageModel) model).parameters();
    }

    private static ParameterSet setValues(ParameterSet params, float[][] tensors) {
        int i = 0;
        for (Parameter p : params) {
            p.set(tensors[i++]);
        }
        return params;
    }

    /** The sections of the file by tag, each checked against its CRC32. */
    private static Map<String, ByteBuffer> readSections(Path file) throws IOException {
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(file, "file of " + size + " bytes is larger than a model file can be");
            }
            try { // the file, then the model built from it (about as large again, twice with its gradients)
                dev.vecrnn.util.HeapCheck.require(3 * size, "reading " + file.getFileName());
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, e.getMessage());
            }
            all = ByteBuffer.allocate((int) size);
            while (all.hasRemaining() && ch.read(all) >= 0) {
                // read to the end
            }
            all.flip();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        all.order(ByteOrder.LITTLE_ENDIAN);
        if (all.remaining() < MAGIC.length + 4) {
            throw new ModelFormatException(file, "too short to be a model file (" + all.remaining() + " bytes)");
        }
        byte[] magic = new byte[MAGIC.length];
        all.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ModelFormatException(file, "not a vecrnn model file (bad magic bytes)");
        }
        int version = all.getInt();
        if (version != VERSION) {
            throw new ModelFormatException(file, "model file format version " + Integer.toUnsignedString(version)
                    + "; this vecrnn reads version " + VERSION);
        }
        Map<String, ByteBuffer> sections = new LinkedHashMap<>();
        while (all.hasRemaining()) {
            if (all.remaining() < 12) {
                throw new ModelFormatException(file, "truncated: " + all.remaining() + " stray bytes at offset "
                        + all.position());
            }
            byte[] tagBytes = new byte[4];
            all.get(tagBytes);
            String tag = new String(tagBytes, StandardCharsets.ISO_8859_1);
            if (!List.of(HEAD, WORD, LABL, TENS, TRNG, KEPT, TREE, CLSS).contains(tag)) {
                throw new ModelFormatException(file, "unknown section tag at offset " + (all.position() - 4));
            }
            long length = all.getLong();
            if (length < 0 || length > all.remaining() - 4L) {
                throw new ModelFormatException(file, "truncated: section " + tag + " claims " + Long.toUnsignedString(length)
                        + " bytes, " + Math.max(0, all.remaining() - 4) + " remain");
            }
            ByteBuffer payload = all.slice(all.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
            all.position(all.position() + (int) length);
            int stored = all.getInt();
            CRC32 crc = new CRC32();
            crc.update(payload.duplicate());
            if ((int) crc.getValue() != stored) {
                throw new ModelFormatException(file, "section " + tag + " is corrupted (checksum mismatch)");
            }
            if (sections.put(tag, payload) != null) {
                throw new ModelFormatException(file, "section " + tag + " appears twice");
            }
        }
        return sections;
    }

    /** The tensors of TENS, checked to be exactly {@code shapes} (names, order, shapes, data length). */
    private static float[][] readTensors(Path file, String tag, ByteBuffer section, LinkedHashMap<String, int[]> shapes)
            throws ModelFormatException {
        Reader r = new Reader(file, tag, section);
        int n = r.count(8, MAX_TENSORS, "tensors");
        if (n != shapes.size()) {
            throw new ModelFormatException(file, n + " tensors, the model has " + shapes.size() + " (" + shapes.keySet() + ")");
        }
        long total = 0;
        List<String> names = new ArrayList<>(shapes.keySet());
        for (int i = 0; i < n; i++) {
            String name = r.string();
            int rank = r.count(4, MAX_RANK, "dimensions of tensor '" + name + "'");
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.u32();
            }
            int[] want = shapes.get(names.get(i));
            if (!name.equals(names.get(i)) || !Arrays.equals(shape, want)) {
                throw new ModelFormatException(file, "tensor " + i + " is '" + name + "' " + Arrays.toString(shape)
                        + "; the hyperparameters say '" + names.get(i) + "' " + Arrays.toString(want));
            }
            long size = 1;
            for (int d : want) {
                size *= d;
            }
            total += size;
        }
        if (total * 4 != r.remaining()) {
            throw new ModelFormatException(file, "the tensors need " + total * 4 + " bytes of data, section " + tag
                    + " has " + r.remaining());
        }
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            long size = 1;
            for (int d : shapes.get(names.get(i))) {
                size *= d;
            }
            out[i] = r.floats((int) size);
        }
        return out;
    }

    /** A vocabulary section: exactly {@code expected} distinct words, then (for words) the unknown word. */
    private static Vocabulary readWords(Path file, ByteBuffer section, int expected, boolean required,
                                        boolean withUnknown) throws ModelFormatException {
        String tag = withUnknown ? WORD : LABL;
        Reader r = new Reader(file, tag, section);
        int n = r.count(4, Integer.MAX_VALUE, "entries");
        if (n == 0 && !required) {
            r.string();
            r.end();
            return null;
        }
        if (n != expected) {
            throw new ModelFormatException(file, "section " + tag + " has " + n + " entries; the hyperparameters say "
                    + expected);
        }
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(r.string());
        }
        String unknown = withUnknown ? r.string() : "";
        r.end();
        try {
            return Vocabulary.of(list, unknown.isEmpty() ? null : unknown);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "section " + tag + ": " + e.getMessage());
        }
    }

    /** Bounds-checked little-endian reads from one section. */
    private static final class Reader {
        private final Path file;
        private final String tag;
        private final ByteBuffer b;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        Reader(Path file, String tag, ByteBuffer b) {
            this.file = file;
            this.tag = tag;
            this.b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }

        private ModelFormatException bad(String what) {
            return new ModelFormatException(file, "section " + tag + ": " + what);
        }

        int remaining() {
            return b.remaining();
        }

        int u32() throws ModelFormatException {
            if (b.remaining() < 4) {
                throw bad("ends early");
            }
            int v = b.getInt();
            if (v < 0) {
                throw bad("a size of " + Integer.toUnsignedString(v) + " is out of range");
            }
            return v;
        }

        /** A count of items each at least {@code minBytes} long, at most {@code max}, that fits in what is left. */
        int count(int minBytes, int max, String what) throws ModelFormatException {
            int n = u32();
            if (n > max || (long) n * minBytes > b.remaining()) {
                throw bad(Integer.toUnsignedString(n) + " " + what + " cannot fit in the " + b.remaining()
                        + " bytes left");
            }
            return n;
        }

        String string() throws ModelFormatException {
            int n = u32();
            if (n > b.remaining()) {
                throw bad("a string of " + n + " bytes runs past the end");
            }
            ByteBuffer s = b.slice(b.position(), n);
            b.position(b.position() + n);
            try {
                CharBuffer c = utf8.reset().decode(s);
                return c.toString();
            } catch (CharacterCodingException e) {
                throw bad("a string is not valid UTF-8");
            }
        }

        long u64() throws ModelFormatException {
            if (b.remaining() < 8) {
                throw bad("ends early");
            }
            long v = b.getLong();
            if (v < 0) {
                throw bad("a count of " + Long.toUnsignedString(v) + " is out of range");
            }
            return v;
        }

        double f64() throws ModelFormatException {
            if (b.remaining() < 8) {
                throw bad("ends early");
            }
            return b.getDouble();
        }

        float[] floats(int n) {
            float[] f = new float[n];
            b.asFloatBuffer().get(f);
            b.position(b.position() + 4 * n);
            return f;
        }

        void end() throws ModelFormatException {
            if (b.hasRemaining()) {
                throw bad(b.remaining() + " unexpected bytes at its end");
            }
        }
    }

    /** Typed, checked access to the HEAD hyperparameters. */
    private record Hyper(Path file, Map<String, String> map) {
        String s(String key) {
            String v = map.get(key);
            if (v == null) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
            return v;
        }

        int i(String key) {
            try {
                return Integer.parseInt(s(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' is not an integer: '" + s(key) + "'");
            }
        }

        long l(String key) {
            try {
                return Long.parseLong(s(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' is not an integer: '" + s(key) + "'");
            }
        }

        float f(String key) {
            try {
                return Float.parseFloat(s(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' is not a number: '" + s(key) + "'");
            }
        }

        boolean bool(String key) {
            String v = s(key);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("'" + key + "' is not true or false: '" + v + "'");
            }
            return v.equals("true");
        }
    }
}
