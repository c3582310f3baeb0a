package dev.vecrnn.cli;

import dev.vecrnn.data.PlainTextReader;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.nn.ElmanLanguageModel;
import dev.vecrnn.nn.HuffmanTree;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.OutputStructure;
import dev.vecrnn.nn.RateMode;
import dev.vecrnn.nn.ScrnConfig;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.WordClasses;
import dev.vecrnn.train.LanguageModelEpochReport;
import dev.vecrnn.train.LanguageModelTrainer;
import dev.vecrnn.train.LanguageModelTrainingOptions;
import dev.vecrnn.train.LanguageModelTrainingResult;
import dev.vecrnn.train.TrainingDivergedException;
import dev.vecrnn.train.TrainingLoop;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code vecrnn train-lm}: trains an SCRN or Elman language model (SPEC §2) on the user's plain text
 * (one sentence per line), prints each epoch's training and validation perplexity, the test
 * perplexity, and writes the model file.
 */
final class LanguageModelCommand {
    static final String USAGE = """
            usage: vecrnn train-lm --train FILE --valid FILE [--test FILE] --out MODEL [options]
              trains a word-level language model on plain text: UTF-8, one sentence per line, tokens
              separated by spaces; <eos> ends every line, words outside the vocabulary become <unk>
              --model scrn|elman   the SCRN (default) or an Elman network of the same shape
              --output full|hs|class  the full softmax (default); a hierarchical softmax over a Huffman tree
                                   of the training counts (a word costs about log2 V dot products); or a
                                   class softmax: P(class) * P(word | class), words binned by training
                                   count into about sqrt(V) classes (a word costs about 2 sqrt(V))
              --classes N          with --output class: at most N classes (default round(sqrt(V)))
              --hidden N           sigmoid hidden units (default 100)
              --context N          SCRN context (state) units (default 40)
              --rate MODE          SCRN rates: vector (learned, default), fixed, uniform, log, matrix
              --alpha X            the fixed mode's alpha, r = 1 - alpha (default 0.95)
              --bptt N             steps per truncated-BPTT segment (default 35; 10 with hs or class)
              --batch N            parallel streams per update (default 32; 16 with hs or class; more
                                   than 16 run as shards)
              --epochs N           at most N epochs (default 10)
              --lr X               learning rate for the mean loss per token (default 10)
              --clip X             global gradient-norm clip (default 5; 1 with hs or class; 0: none)
              --min-count N        words seen fewer times in training become <unk> (default 1)
              --max-vocab N        at most N words, <unk> and <eos> included (default: no limit)
              --seed N             seeds the parameters (default 345)
              --threads N          threads for the shards (default 1; same result for any N)
              --json               one JSON object per epoch on stdout (the rest goes to stderr)
              --quiet              no progress bar (on a terminal) or progress lines (elsewhere) on stderr
              --checkpoint FILE    after every epoch, write the model and the training state to FILE
                                   (replaced atomically: an interrupted run leaves the last one intact)
              --resume FILE        continue from a checkpoint, with the same data and options; the result
                                   is the same bit for bit as an uninterrupted run (the model's sizes and
                                   vocabulary come from the checkpoint)
            hs and class take smaller, more frequent updates by default: their node and word vectors
            are each read by few tokens, and on a real corpus (nlp-corpus, 1.4 M words) 16 x 10 with
            clip 1 reached a far lower perplexity than 32 x 35 with clip 5 (README, Large vocabularies)
            the lr is halved and the previous epoch's parameters restored whenever validation
            perplexity improves by less than 0.1 %; training stops after 8 halvings. An epoch whose
            loss, gradient norm or parameters become NaN or infinite is run again from its starting
            parameters at half the lr (one line says so); the 5th time in a row training stops (exit 1)
            and the last checkpoint is left as it was
            """;

    private static final List<String> VALUED = List.of("--train", "--valid", "--test", "--out", "--model", "--hidden",
            "--context", "--rate", "--alpha", "--bptt", "--batch", "--epochs", "--lr", "--clip", "--min-count",
            "--max-vocab", "--seed", "--threads", "--checkpoint", "--resume", "--output", "--classes");
    private static final List<String> BARE = List.of("--json", "--quiet", "--help", "-h");

    private LanguageModelCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return Commands.run("train-lm", USAGE, argv, VALUED, BARE, LanguageModelCommand::train, out, err);
    }

    private static int train(Args args, PrintStream out, PrintStream err) throws IOException {
        Path trainFile = args.path("--train");
        Path validFile = args.path("--valid");
        Path outFile = args.path("--out");
        if (trainFile == null || validFile == null || outFile == null) {
            throw args.usage("needs --train FILE, --valid FILE and --out MODEL");
        }
        Path testFile = args.path("--test");
        String kind = args.string("--model", "scrn");
        if (!kind.equals("scrn") && !kind.equals("elman")) {
            throw args.usage("--model takes scrn or elman, not '" + kind + "'");
        }
        String outputKind = args.string("--output", "full");
        if (!List.of("full", "hs", "class").contains(outputKind)) {
            throw args.usage("--output takes full, hs or class, not '" + outputKind + "'");
        }
        if (args.has("--classes") && !outputKind.equals("class")) {
            throw args.usage("--classes goes with --output class");
        }
        int classCount = args.integer("--classes", 0, 1, 1 << 24);
        int hidden = args.integer("--hidden", 100, 1, 1 << 16);
        int context = args.integer("--context", 40, 1, 1 << 16);
        RateMode rate;
        try {
            rate = RateMode.parse(args.string("--rate", "vector"));
        } catch (IllegalArgumentException e) {
            throw args.usage(e.getMessage());
        }
        double alpha = args.has("--alpha") ? args.positive("--alpha", 0.95) : 0.95;
        if (alpha >= 1) {
            throw args.usage("--alpha takes a number in (0, 1), not " + alpha);
        }
        boolean sparseOutput = !outputKind.equals("full");
        double clip = "0".equals(args.string("--clip", "").trim()) ? Double.POSITIVE_INFINITY
                : args.positive("--clip", sparseOutput ? 1 : 5);
        LanguageModelTrainingOptions options = LanguageModelTrainingOptions.defaults()
                .withStreams(args.integer("--batch", sparseOutput ? 16 : 32, 1, 1 << 16))
                .withBptt(args.integer("--bptt", sparseOutput ? 10 : 35, 1, 1 << 16))
                .withEpochs(args.integer("--epochs", 10, 0, 1 << 20))
                .withLearningRate(args.positive("--lr", 10))
                .withClipNorm(clip)
                .withSeed(args.longValue("--seed", 345));
        int minCount = args.integer("--min-count", 1, 1, Integer.MAX_VALUE);
        int maxVocab = args.integer("--max-vocab", 0, 0, Integer.MAX_VALUE);
        Parallel.setThreads(args.integer("--threads", 1, 1, 256));
        boolean json = args.flag("--json");
        PrintStream report = json ? err : out;

        Path checkpoint = args.path("--checkpoint");
        Path resumeFile = args.path("--resume");
        ModelFile.Loaded resumed = null;
        if (resumeFile != null) {
            resumed = ModelFile.load(resumeFile);
            if (resumed.training() == null || resumed.kind() == ModelFile.Kind.TAGGER || resumed.words() == null) {
                throw new IllegalArgumentException(resumeFile + ": not a language-model checkpoint (written by --checkpoint)");
            }
        }
        // streamed: the texts are never held, only the word counts and then the ids
        Vocabulary vocab = resumed != null ? resumed.words() : Vocabulary.forLanguageModel(trainFile, minCount, maxVocab);
        int[] train = PlainTextReader.encode(trainFile, vocab);
        int[] valid = PlainTextReader.encode(validFile, vocab);
        int[] test = testFile == null ? null : PlainTextReader.encode(testFile, vocab);
        OutputStructure structure = null;
        if (resumed == null && !outputKind.equals("full")) {
            long[] counts = new long[vocab.size()];
            for (int id : train) {
                counts[id]++;
            }
            structure = outputKind.equals("hs") ? new HuffmanTree(counts) : WordClasses.byFrequency(counts,
                    classCount > 0 ? classCount : WordClasses.defaultClassCount(vocab.size()));
        }
        LanguageModel model = resumed != null ? resumed.languageModel() : kind.equals("scrn")
                ? new ScrnNetwork(new ScrnConfig(vocab.size(), hidden, context, vocab.size(), rate, (float) alpha,
                        dev.vecrnn.nn.OutputActivation.SOFTMAX), options.seed(), structure)
                : new ElmanLanguageModel(vocab.size(), hidden, options.seed(), structure);
        if (resumed == null) {
            report.printf(Locale.ROOT, "%s language model, %s softmax: %d words (%d training tokens), hidden %d%s; "
                            + "%d streams x %d steps, lr %s, clip %s%n", kind, outputKind.equals("hs") ? "hierarchical"
                            : structure instanceof WordClasses wc ? "class (" + wc.classes() + " classes)" : "full",
                    vocab.size(), train.length, hidden,
                    kind.equals("scrn") ? ", context " + context + ", rate " + rate.name().toLowerCase(Locale.ROOT) : "",
                    options.streams(), options.bptt(), options.learningRate(), clipText(options.clipNorm()));
        } else {
            report.printf(Locale.ROOT, "resuming %s (%s) after epoch %d: %d words, %s; %d streams x %d steps, clip %s%n",
                    resumeFile, resumed.kind().id(), resumed.training().epochsDone(), vocab.size(),
                    resumed.hyperparameters(), options.streams(), options.bptt(), clipText(options.clipNorm()));
        }
        if (!json) {
            report.println("epoch   train ppl   valid ppl          lr    tokens/s   seconds");
        }
        ProgressBar bar = new ProgressBar(err, ProgressBar.stderrIsTerminal(), options.epochs());
        Consumer<LanguageModelEpochReport> listener = r -> {
            bar.clear();
            if (json) {
                out.println(new JsonLine().add("epoch", r.epoch() + 1).add("lr", r.learningRate())
                        .add("loss", r.trainLoss()).add("train_perplexity", r.trainPerplexity())
                        .add("valid_perplexity", r.validPerplexity()).add("new_best", r.newBest())
                        .add("halved", r.halved()).add("seconds", r.seconds())
                        .add("tokens_per_s", r.tokensPerSecond()));
                out.flush();
            } else {
                report.printf(Locale.ROOT, "%5d %11.2f %11.2f %11.5f %11.0f %9.1f%s%n", r.epoch() + 1,
                        r.trainPerplexity(), r.validPerplexity(), r.learningRate(), r.tokensPerSecond(), r.seconds(),
                        r.newBest() ? "  best" : r.halved() ? "  lr halved, previous epoch restored" : "");
            }
        };
        final LanguageModel trained = model;
        int[] savedEpochs = {0};
        TrainingLoop.Checkpoints sink = checkpoint == null ? null : (live, state) -> {
            try {
                ModelFile.saveLanguageModelCheckpoint(checkpoint, trained, vocab, state);
                savedEpochs[0] = state.epochsDone();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        LanguageModelTrainer trainer = new LanguageModelTrainer(options, listener).onDivergence(d -> {
            bar.clear();
            report.println(Commands.divergenceLine(d, 1));
            report.flush();
        });
        if (!args.flag("--quiet")) {
            trainer.progress(bar);
        }
        LanguageModelTrainingResult result;
        try {
            result = trainer.train(model, train, valid, test, resumed == null ? null : resumed.training(), sink);
        } catch (TrainingDivergedException e) {
            bar.clear();
            err.println("vecrnn: " + Commands.divergedMessage(e, 1, checkpoint, savedEpochs[0]));
            return 1;
        }
        ModelFile.saveLanguageModel(outFile, model, vocab);
        String testText = test == null ? "" : String.format(Locale.ROOT, ", test perplexity %.2f", result.testPerplexity());
        if (result.bestEpoch() < 0) { // --epochs 0 (or a resume with no epoch left): nothing was validated
            report.printf(Locale.ROOT, "no epoch trained%s; model written to %s%n", testText, outFile);
        } else {
            report.printf(Locale.ROOT, "best epoch %d: valid perplexity %.2f%s; model written to %s%n",
                    result.bestEpoch() + 1, result.bestValidPerplexity(), testText, outFile);
        }
        return 0;
    }

    /** The clip norm as the report shows it: {@code none} for no clipping. */
    private static String clipText(double clip) {
        return Double.isInfinite(clip) ? "none" : Double.toString(clip);
    }
}
