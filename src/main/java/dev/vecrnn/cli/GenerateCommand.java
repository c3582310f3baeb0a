package dev.vecrnn.cli;

import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.train.TextSampler;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vecrnn generate}: samples text from a saved language model, optionally after priming it with
 * words of the user's; {@code <eos>} ends a line.
 */
final class GenerateCommand {
    static final String USAGE = """
            usage: vecrnn generate --model MODEL [--length N] [--temperature T] [--seed S] [--prime "words"]
              samples N words (default 50) from a language model, each from softmax(logits / T)
              (default T 1; lower is more conservative); <eos> ends a line. --prime feeds words first
              (unknown ones as <unk>); without it the model starts as at a sentence's start.
            """;

    private static final List<String> VALUED = List.of("--model", "--length", "--temperature", "--seed", "--prime");
    private static final List<String> BARE = List.of("--help", "-h");

    private GenerateCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return Commands.run("generate", USAGE, argv, VALUED, BARE, GenerateCommand::generate, out, err);
    }

    private static int generate(Args args, PrintStream out, PrintStream err) throws IOException {
        Path modelFile = args.path("--model");
        if (modelFile == null) {
            throw args.usage("needs --model MODEL");
        }
        int length = args.integer("--length", 50, 0, 1 << 24);
        double temperature = args.positive("--temperature", 1.0);
        long seed = args.longValue("--seed", 1);
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        Vocabulary vocab = loaded.words();
        if (vocab == null || loaded.kind() == ModelFile.Kind.TAGGER) {
            throw new IllegalArgumentException(modelFile + ": not a language model with a vocabulary");
        }
        int eos = vocab.id(Vocabulary.LM_EOS);
        String[] prime = args.string("--prime", "").trim().isEmpty() ? new String[0]
                : args.string("--prime", "").trim().split("\\s+");
        int[] seedWords = new int[prime.length + 1];
        seedWords[0] = eos; // the state a sentence starts from
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < prime.length; i++) {
            seedWords[i + 1] = vocab.idOrUnknown(prime[i]);
            text.append(prime[i]).append(' ');
        }
        int[] words = new int[length];
        int n = new TextSampler(loaded.languageModel(), seed).generate(seedWords, length, temperature, -1, words);
        for (int i = 0; i < n; i++) {
            if (words[i] == eos) {
                out.println(text.toString().strip());
                text.setLength(0);
            } else {
                text.append(vocab.word(words[i])).append(' ');
            }
        }
        if (text.length() > 0) {
            out.println(text.toString().strip());
        }
        return 0;
    }
}
