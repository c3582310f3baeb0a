package dev.vecrnn.io;

import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.OutputStructure;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.WordClasses;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's parameters to and from safetensors, so weights move to and from PyTorch
 * ({@code safetensors.torch.load_file} reads an export; a file written by {@code save_file} imports).
 * The tensors are the parameters under their SPEC names as F32 with their shapes. The
 * {@code __metadata__} carries what another framework needs to run the model on text, each value a
 * string (the safetensors rule), the structured ones as JSON:
 *
 * <pre>
 *   vecrnn.format            "1"
 *   vecrnn.kind              tagger | scrn | elman-lm
 *   vecrnn.hyperparameters   JSON object of strings, the model file's HEAD (e.g. {"nh":"100", ...})
 *   vecrnn.words             JSON array: the word vocabulary in id order (absent without one)
 *   vecrnn.unknown_word      the word that stands for every unknown word ("" when none)
 *   vecrnn.labels            JSON array: a tagger's labels in id order
 *   vecrnn.tree_counts       JSON array: with a hierarchical softmax, the word counts its Huffman tree is
 *                            built from ({@link dev.vecrnn.nn.HuffmanTree}: the same counts, the same tree)
 *   vecrnn.word_classes      JSON array: with a class softmax, each word's class in word-id order
 *                            ({@link dev.vecrnn.nn.WordClasses}; {@code cw} has one row per class)
 * </pre>
 *
 * Importing checks what the metadata says against the model: the kind, and for a factored output its
 * tree counts or word classes (tensors of the same shapes over another tree or other classes would
 * mean other words).
 */
public final class SafetensorsExport {
    private SafetensorsExport() {}

    /** Writes the parameters of a loaded model, with its kind, hyperparameters and vocabularies as metadata. */
    public static void export(Path file, ModelFile.Loaded model) throws IOException {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            tensors.add(new Safetensors.Tensor(p.name(), p.shape(), p.values(), p.offset()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("vecrnn.format", "1");
        meta.put("vecrnn.kind", model.kind().id());
        StringBuilder h = new StringBuilder("{");
        for (Map.Entry<String, String> e : model.hyperparameters().entrySet()) {
            if (h.length() > 1) {
                h.append(',');
            }
            h.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
        }
        meta.put("vecrnn.hyperparameters", h.append('}').toString());
        if (model.words() != null) {
            meta.put("vecrnn.words", array(model.words()));
            meta.put("vecrnn.unknown_word", model.words().unknownWord() == null ? "" : model.words().unknownWord());
        }
        if (model.labels() != null) {
            meta.put("vecrnn.labels", array(model.labels()));
        }
        OutputStructure structure = structureOf(model);
        if (structure instanceof HuffmanTree tree) {
            meta.put("vecrnn.tree_counts", treeCounts(tree));
        } else if (structure instanceof WordClasses classes) {
            meta.put("vecrnn.word_classes", wordClasses(classes));
        }
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Sets the parameters of {@code model} from a safetensors file that holds exactly its tensors (by
     * name, F32, with the same shapes; in any order). Nothing is changed unless every tensor fits.
     *
     * @throws ModelFormatException for a bad file, or tensors missing, extra or of another shape
     */
    public static void importInto(ModelFile.Loaded model, Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        String kind = c.metadata().get("vecrnn.kind");
        if (kind != null && !kind.equals(model.kind().id())) {
            throw new ModelFormatException(file, "holds a model of kind " + kind + ", the model is of kind " + model.kind().id());
        }
        OutputStructure structure = structureOf(model);
        String counts = c.metadata().get("vecrnn.tree_counts"), classes = c.metadata().get("vecrnn.word_classes");
        if (counts != null && !(structure instanceof HuffmanTree tree && counts.equals(treeCounts(tree)))) {
            throw new ModelFormatException(file, structure instanceof HuffmanTree ? "its Huffman tree counts differ from the model's"
                    : "holds a hierarchical softmax, the model has none");
        }
        if (classes != null && !(structure instanceof WordClasses wc && classes.equals(wordClasses(wc)))) {
            throw new ModelFormatException(file, structure instanceof WordClasses ? "its word classes differ from the model's"
                    : "holds a class softmax, the model has none");
        }
        ParameterSet params = model.parameters();
        List<String> extra = new ArrayList<>(c.tensors().keySet());
        extra.removeAll(params.names());
        if (!extra.isEmpty()) {
            throw new ModelFormatException(file, "tensors " + extra + " are not parameters of this model "
                    + params.names());
        }
        for (Parameter p : params) {
            Safetensors.Tensor t = c.tensors().get(p.name());
            if (t == null) {
                throw new ModelFormatException(file, "no tensor '" + p.name() + "'; the model has " + params.names());
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new ModelFormatException(file, "tensor '" + p.name() + "' has shape " + Arrays.toString(t.shape())
                        + "; the model's is " + Arrays.toString(p.shape()));
            }
        }
        for (Parameter p : params) {
            p.set(c.tensors().get(p.name()).toArray());
        }
    }

    private static OutputStructure structureOf(ModelFile.Loaded model) {
        return model.model() instanceof ScrnNetwork s ? s.outputStructure()
                : model.model() instanceof ElmanLanguageModel e ? e.outputStructure() : null;
    }

    private static String treeCounts(HuffmanTree tree) {
        StringBuilder c = new StringBuilder("[");
        for (long n : tree.counts()) {
            c.append(c.length() > 1 ? "," : "").append(n);
        }
        return c.append(']').toString();
    }

    private static String wordClasses(WordClasses classes) {
        StringBuilder c = new StringBuilder("[");
        for (int w = 0; w < classes.words(); w++) {
            c.append(w > 0 ? "," : "").append(classes.classOf(w));
        }
        return c.append(']').toString();
    }

    private static String array(Vocabulary v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(v.word(i)));
        }
        return b.append(']').toString();
    }

    /** A JSON string literal (escaped as the safetensors header's strings are). */
    static String quote(String s) {
        return Safetensors.appendString(new StringBuilder(s.length() + 2).append('"'), s).append('"').toString();
    }
}
