package dev.vecrnn.cli;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.PlainTextReader;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.train.ChunkEval;
import dev.vecrnn.train.ElmanTrainer;
import dev.vecrnn.train.LanguageModelTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code vecrnn eval}: scores a saved model on the user's data — a tagger on CoNLL (token accuracy,
 * conlleval precision, recall and F1), a language model on plain text (tokens, mean loss per token,
 * perplexity, every {@code <eos>} and {@code <unk>} counted).
 */
final class EvalCommand {
    static final String USAGE = """
            usage: vecrnn eval --model MODEL --data FILE [--json] [--batch N]
              a tagger: FILE is CoNLL; prints token accuracy and conlleval precision, recall and F1
              a language model: FILE is plain text, one sentence per line; prints the tokens predicted,
              the mean loss (negative log-likelihood) per token and the perplexity
              --batch N   parallel streams for a language model (default 32; each starts from a zero state)
              --json      one JSON object on stdout
            """;

    private static final List<String> VALUED = List.of("--model", "--data", "--batch");
    private static final List<String> BARE = List.of("--json", "--help", "-h");

    private EvalCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return Commands.run("eval", USAGE, argv, VALUED, BARE, EvalCommand::eval, out, err);
    }

    private static int eval(Args args, PrintStream out, PrintStream err) throws IOException {
        Path modelFile = args.path("--model");
        Path dataFile = args.path("--data");
        if (modelFile == null || dataFile == null) {
            throw args.usage("needs --model MODEL and --data FILE");
        }
        int streams = args.integer("--batch", 32, 1, 1 << 16);
        boolean json = args.flag("--json");
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        if (loaded.kind() == ModelFile.Kind.TAGGER) {
            TaggingVocabulary vocab = loaded.taggingVocabulary();
            EncodedCorpus data = vocab.encode(ConllReader.read(dataFile));
            String unseen = TaggerCommand.describeUnseenLabels(data, vocab.labelCount());
            if (unseen != null) {
                err.println(unseen);
            }
            ChunkEval.Result r = ElmanTrainer.evaluate(loaded.tagger(), data, vocab.labels().words());
            if (json) {
                out.println(new JsonLine().add("model", "tagger").add("tokens", r.tokens())
                        .add("accuracy", r.accuracy()).add("precision", r.precision()).add("recall", r.recall())
                        .add("f1", r.f1()));
            } else {
                out.printf(Locale.ROOT, "%s: %d tokens, accuracy %.2f %%, precision %.2f, recall %.2f, F1 %.2f%n",
                        dataFile, r.tokens(), r.accuracy(), r.precision(), r.recall(), r.f1());
            }
            return 0;
        }
        if (loaded.words() == null) {
            throw new IllegalArgumentException(modelFile + ": the model has no vocabulary (it was not trained on text)");
        }
        int[] tokens = PlainTextReader.encode(dataFile, loaded.words());
        if (tokens.length < 2) {
            throw new IllegalArgumentException(dataFile + ": no token to predict");
        }
        long t0 = System.nanoTime();
        double ppl = LanguageModelTrainer.perplexity(loaded.languageModel(), tokens, streams, 35);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        long predicted = tokens.length - 1;
        if (json) {
            out.println(new JsonLine().add("model", loaded.kind().id()).add("tokens", predicted)
                    .add("loss", Math.log(ppl)).add("perplexity", ppl).add("tokens_per_s", predicted / seconds));
        } else {
            out.printf(Locale.ROOT, "%s: %d tokens predicted, loss %.4f, perplexity %.2f (%.0f tokens/s)%n",
                    dataFile, predicted, Math.log(ppl), ppl, predicted / seconds);
        }
        return 0;
    }
}
