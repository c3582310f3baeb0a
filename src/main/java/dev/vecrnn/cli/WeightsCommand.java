package dev.vecrnn.cli;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.io.SafetensorsExport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vecrnn export} and {@code vecrnn import}: a model's parameters to and from safetensors, to
 * move weights to and from PyTorch.
 */
final class WeightsCommand {
    static final String EXPORT_USAGE = """
            usage: vecrnn export --model MODEL --out FILE.safetensors
              writes the model's parameters (SPEC names, F32, their shapes) as safetensors, with its kind,
              hyperparameters and vocabularies in the metadata (safetensors.torch.load_file reads it)
            """;
    static final String IMPORT_USAGE = """
            usage: vecrnn import --model MODEL --weights FILE.safetensors --out MODEL2
              replaces the parameters of MODEL by the tensors of FILE (every parameter, by name, F32, same
              shapes) and writes the result to MODEL2; the vocabularies and hyperparameters are MODEL's
            """;

    private WeightsCommand() {}

    static int export(String[] argv, PrintStream out, PrintStream err) {
        return Commands.run("export", EXPORT_USAGE, argv, List.of("--model", "--out"), List.of("--help", "-h"),
                (args, o, e) -> {
                    Path model = args.path("--model"), file = args.path("--out");
                    if (model == null || file == null) {
                        throw args.usage("needs --model MODEL and --out FILE");
                    }
                    ModelFile.Loaded loaded = ModelFile.load(model);
                    SafetensorsExport.export(file, loaded);
                    o.println("wrote " + loaded.parameters().count() + " tensors (" + loaded.parameters().totalSize()
                            + " floats) of the " + loaded.kind().id() + " to " + file);
                    return 0;
                }, out, err);
    }

    static int importWeights(String[] argv, PrintStream out, PrintStream err) {
        return Commands.run("import", IMPORT_USAGE, argv, List.of("--model", "--weights", "--out"),
                List.of("--help", "-h"), (args, o, e) -> {
                    Path model = args.path("--model"), weights = args.path("--weights"), file = args.path("--out");
                    if (model == null || weights == null || file == null) {
                        throw args.usage("needs --model MODEL, --weights FILE and --out MODEL2");
                    }
                    ModelFile.Loaded loaded = ModelFile.load(model);
                    SafetensorsExport.importInto(loaded, weights);
                    save(loaded, file);
                    o.println("wrote the " + loaded.kind().id() + " with the weights of " + weights + " to " + file);
                    return 0;
                }, out, err);
    }

    /** Writes a loaded (and possibly changed) model to a model file. */
    static void save(ModelFile.Loaded m, Path file) throws IOException {
        if (m.kind() == ModelFile.Kind.TAGGER) {
            ModelFile.saveTagger(file, m.tagger(), m.taggingVocabulary());
        } else {
            ModelFile.saveLanguageModel(file, m.languageModel(), m.words());
        }
    }
}
