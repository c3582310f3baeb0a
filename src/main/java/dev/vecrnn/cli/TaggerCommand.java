package dev.vecrnn.cli;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.DataFormatException;
import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.TaggedCorpus;
import dev.vecrnn.data.TaggedSentence;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.train.ChunkEval;
import dev.vecrnn.train.ElmanTrainer;
import dev.vecrnn.train.ElmanTrainingOptions;
import dev.vecrnn.train.ElmanTrainingResult;
import dev.vecrnn.train.EpochReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code vecrnn train-tagger}: trains the Elman tagger (SPEC §1) on the user's CoNLL files with
 * the RNNSLU tutorial's defaults, prints each epoch and the final dev/test figures, and optionally
 * writes the test set tagged in conlleval's input format (word gold guess).
 */
final class TaggerCommand {
    static final String USAGE = """
            usage: vecrnn train-tagger --train FILE --dev FILE [--test FILE] [options]
              trains the Elman tagger (RNNSLU recipe) on CoNLL files: one "word ... label" per line,
              a blank line between sentences, BIO labels
              --epochs N         at most N epochs (default 60)
              --lr X             initial learning rate (default 0.0970806646812754)
              --hidden N         hidden units nh (default 200)
              --emb N            embedding width de (default 50)
              --window N         context window cs, odd (default 7)
              --batch N          sentences per SGD update (default 1, the tutorial's); their gradients are
                                 summed, not averaged, so --lr takes N-times larger steps: divide it by N
              --threads N        threads for batches of more than 16 sentences and large products
                                 (default 1; the result is the same bit for bit for any N)
              --seed N           seeds the parameters and the shuffles (default 345)
              --patience N       epochs without dev-F1 gain before lr is halved (default 10)
              --no-decay         never halve the learning rate
              --fold-digits      each digit becomes DIGIT before vocabulary look-up
              --fold-case        lower-case words before vocabulary look-up
              --min-count N      words seen fewer times in training become <UNK> (default 2)
              --tagged-output F  write the test set (the dev set without --test) as "word gold guess"
            """;

    private static final List<String> VALUED = List.of("--train", "--dev", "--test", "--epochs", "--lr", "--hidden",
            "--emb", "--window", "--batch", "--threads", "--seed", "--patience", "--min-count", "--tagged-output");
    private static final List<String> BARE = List.of("--fold-digits", "--fold-case", "--no-decay", "--help", "-h");

    private TaggerCommand() {}

    /** Runs the command; returns the exit code (0 ok, 1 bad data or file, 2 bad command line). */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        try {
            Args args = new Args("train-tagger", argv, VALUED, BARE);
            if (args.flag("--help") || args.flag("-h")) {
                out.print(USAGE);
                return 0;
            }
            return train(args, out, err);
        } catch (Main.UsageException e) {
            err.println("vecrnn: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (RuntimeException | IOException e) {
            return reportFailure(e, err);
        }
    }

    /**
     * One line for a failure a user can fix (bad file, bad data) or, for anything else, its class
     * and message; never a stack trace. Returns exit code 1.
     */
    static int reportFailure(Exception e, PrintStream err) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String msg;
        if (t instanceof DataFormatException d) {
            msg = d.getMessage();
        } else if (t instanceof NoSuchFileException n) {
            msg = n.getFile() + ": no such file";
        } else if (t instanceof AccessDeniedException a) {
            msg = a.getFile() + ": permission denied";
        } else if (t instanceof IOException io) {
            msg = io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
        } else if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            msg = t.getMessage();
        } else {
            msg = "internal error: " + t;
        }
        err.println("vecrnn: " + msg);
        return 1;
    }

    private static int train(Args args, PrintStream out, PrintStream err) throws IOException {
        Path trainFile = args.path("--train");
        Path devFile = args.path("--dev");
        if (trainFile == null || devFile == null) {
            throw args.usage("needs --train FILE and --dev FILE");
        }
        Path testFile = args.path("--test");
        Path taggedFile = args.path("--tagged-output");
        ElmanTrainingOptions options = options(args, ElmanTrainingOptions.defaults());
        setThreads(args);
        WordNormalizer normalizer = new WordNormalizer(args.flag("--fold-case"), args.flag("--fold-digits"));
        int minCount = args.integer("--min-count", TaggingVocabulary.DEFAULT_MIN_COUNT, 1, Integer.MAX_VALUE);

        TaggedCorpus train = ConllReader.read(trainFile);
        TaggedCorpus dev = ConllReader.read(devFile);
        TaggedCorpus test = testFile == null ? null : ConllReader.read(testFile);
        out.printf(Locale.ROOT, "train %s: %s%n", trainFile, sizes(train));
        out.printf(Locale.ROOT, "dev   %s: %s%n", devFile, sizes(dev));
        if (test != null) {
            out.printf(Locale.ROOT, "test  %s: %s%n", testFile, sizes(test));
        }
        TaggingVocabulary vocab = TaggingVocabulary.build(train, normalizer, minCount);
        EncodedCorpus trainIds = vocab.encode(train);
        EncodedCorpus devIds = vocab.encode(dev);
        EncodedCorpus testIds = test == null ? null : vocab.encode(test);
        out.println(describeVocabulary(vocab, minCount));
        out.println(describeOptions(options));

        ElmanTrainingResult result = new ElmanTrainer(options, progress(out, "", trainIds.tokenCount())).train(vocab,
                trainIds, devIds, testIds);
        out.println(PROGRESS_FOOTNOTE);
        if (result.bestDev() == null) {
            out.println("no epoch was run (--epochs 0): nothing to report");
            return 0;
        }
        out.printf(Locale.ROOT, "best dev epoch %d of %d run (final lr %.3g)%n", result.bestEpoch(),
                result.epochsRun(), result.learningRate());
        out.println(figures("dev ", result.bestDev()));
        if (result.testAtBest() != null) {
            out.println(figures("test", result.testAtBest()));
        }
        if (taggedFile != null) {
            TaggedCorpus which = test != null ? test : dev;
            writeTagged(result.model(), vocab, which, taggedFile);
            out.printf(Locale.ROOT, "wrote the %s set tagged (word gold guess, conlleval's input) to %s%n",
                    test != null ? "test" : "dev", taggedFile);
        }
        return 0;
    }

    /** The training options given on the command line over {@code base}. */
    static ElmanTrainingOptions options(Args args, ElmanTrainingOptions base) {
        ElmanTrainingOptions o = base
                .withEpochs(args.integer("--epochs", base.epochs(), 0, 100_000))
                .withLearningRate(args.positive("--lr", base.learningRate()))
                .withHiddenSize(args.integer("--hidden", base.hiddenSize(), 1, 65_536))
                .withEmbeddingDim(args.integer("--emb", base.embeddingDim(), 1, 65_536))
                .withWindowSize(args.odd("--window", base.windowSize()))
                .withBatchSize(args.integer("--batch", base.batchSize(), 1, 1_000_000))
                .withSeed(args.longValue("--seed", base.seed()))
                .withPatience(args.integer("--patience", base.patience(), 1, 100_000));
        return args.flag("--no-decay") ? o.withDecay(false) : o;
    }

    /** {@code --threads N}: the size of the library's thread pool (default 1). */
    static void setThreads(Args args) {
        Parallel.setThreads(args.integer("--threads", 1, 1, 1024));
    }

    static String sizes(TaggedCorpus c) {
        return String.format(Locale.ROOT, "%,d sentences, %,d tokens", c.size(), c.tokenCount());
    }

    static String describeVocabulary(TaggingVocabulary v, int minCount) {
        WordNormalizer n = v.normalizer();
        String fold = n.foldCase() && n.foldDigits() ? "case and digits folded"
                : n.foldCase() ? "case folded" : n.foldDigits() ? "digits folded (each digit -> DIGIT)" : "no folding";
        return String.format(Locale.ROOT, "vocabulary: %,d words incl. <UNK> (words seen < %d times in training"
                + " become <UNK>; %s), %d labels", v.wordCount(), minCount, fold, v.labelCount());
    }

    static String describeOptions(ElmanTrainingOptions o) {
        return String.format(Locale.ROOT, "model: Elman, window cs=%d, embedding de=%d, hidden nh=%d; SGD lr=%.4g,"
                        + " batch %d, %s, at most %d epochs, seed %d",
                o.windowSize(), o.embeddingDim(), o.hiddenSize(), o.learningRate(), o.batchSize(),
                o.decay() ? "lr halved after " + o.patience() + " epochs without dev-F1 gain" : "no lr decay",
                o.epochs(), o.seed());
    }

    /** Prints one line per epoch. */
    static Consumer<EpochReport> progress(PrintStream out, String indent, long trainTokens) {
        out.println(indent + "epoch   train loss   dev F1   test F1   lr         time    train tokens/s*");
        return r -> {
            out.printf(Locale.ROOT, indent + "%5d   %10.5f   %6.2f   %7s   %-9.4g  %5.1fs   %,15.0f%s%n", r.epoch(), r.trainLoss(),
                    r.devF1(), r.test() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.test().f1()),
                    r.learningRate(), r.seconds(), trainTokens / r.seconds(),
                    (r.newBest() ? "  best so far" : "") + (r.halved() ? "  lr halved, best restored" : ""));
            out.flush();
        };
    }

    static final String PROGRESS_FOOTNOTE =
            "* training tokens over the epoch's wall time, which includes tagging the dev and test sets"
                    + " (and, in the first epochs, the JIT compiling the kernels)";

    static String figures(String name, ChunkEval.Result r) {
        return String.format(Locale.ROOT, "%s  F1 %6.2f   precision %6.2f   recall %6.2f   token accuracy %6.2f"
                        + "   (%,d chunks, %,d tokens)", name, r.f1(), r.precision(), r.recall(), r.accuracy(),
                r.goldChunks(), r.tokens());
    }

    /** Writes every sentence as "word gold guess" lines, a blank line after each: conlleval's input. */
    static void writeTagged(ElmanTagger model, TaggingVocabulary vocab, TaggedCorpus corpus, Path file)
            throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        int[] guess = new int[Math.max(1, corpus.maxLength())];
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TaggedSentence s : corpus) {
                model.tag(vocab.encodeWords(s.words()), guess);
                for (int t = 0; t < s.length(); t++) {
                    w.write(s.words()[t] + " " + s.labels()[t] + " " + vocab.label(guess[t]) + "\n");
                }
                w.write("\n");
            }
        }
    }
}
