package dev.vecrnn.cli;

import dev.vecrnn.data.ConllReader;
import dev.vecrnn.data.DataFormatException;
import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.TaggedCorpus;
import dev.vecrnn.data.TaggedSentence;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.kernel.Parallel;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.train.ChunkEval;
import dev.vecrnn.train.ElmanTrainer;
import dev.vecrnn.train.ElmanTrainingOptions;
import dev.vecrnn.train.ElmanTrainingResult;
import dev.vecrnn.train.EpochReport;
import dev.vecrnn.train.TrainingDivergedException;
import dev.vecrnn.train.TrainingLoop;
import dev.vecrnn.train.TaggingMetric;
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
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code vecrnn train-tagger}: trains the Elman tagger (SPEC §1) on the user's CoNLL files with
 * the RNNSLU tutorial's defaults, prints each epoch (dev/test token accuracy and chunk F1) and the
 * final dev/test figures, and optionally writes the test set tagged in conlleval's input format (word
 * gold guess). The dev metric that picks the best epoch is chunk F1 for BIO labels and token accuracy
 * for plain tags ({@link TaggingMetric#forLabels}, or {@code --metric}); dev/test labels the training
 * file lacks are reported once per file and scored as errors. With {@code --json}, stdout carries one
 * JSON object per epoch and nothing else; the human-readable lines go to stderr.
 */
final class TaggerCommand {
    static final String USAGE = """
            usage: vecrnn train-tagger --train FILE --dev FILE [--test FILE] [options]
              trains the Elman tagger (RNNSLU recipe) on CoNLL files: one "word ... label" per line,
              a blank line between sentences; BIO chunk labels or plain tags (part of speech)
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
              --patience N       epochs without a dev-metric gain before lr is halved (default 10)
              --metric M         dev metric that picks the best epoch and drives the lr schedule: f1
                                 (conlleval chunk F1) or accuracy (token accuracy); default auto: f1 when
                                 every training label is O or B-x/I-x/E-x, accuracy otherwise
              --no-decay         never halve the learning rate
              --fold-digits      each digit becomes DIGIT before vocabulary look-up
              --fold-case        lower-case words before vocabulary look-up
              --min-count N      words seen fewer times in training become <UNK> (default 2)
              --tagged-output F  write the test set (the dev set without --test) as "word gold guess"
              --quiet            no progress bar (on a terminal) or progress lines (elsewhere) on stderr
              --out MODEL        write the trained tagger (best-on-dev parameters and vocabularies) to a
                                 model file for eval, tag, export
              --checkpoint FILE  after every epoch, write the tagger and the training state to FILE
                                 (replaced atomically: an interrupted run leaves the last one intact)
              --resume FILE      continue from a checkpoint with the same data and options; the result
                                 is the same bit for bit as an uninterrupted run
              --json             one JSON object per epoch on stdout (everything else goes to stderr)
            dev/test labels absent from the training file count as errors (reported once per file)
            an epoch whose loss or parameters become NaN or infinite is run again from its starting
            parameters at half the lr (one line says so); the 5th time in a row training stops (exit 1)
            and the last checkpoint is left as it was
            """;

    private static final List<String> VALUED = List.of("--train", "--dev", "--test", "--epochs", "--lr", "--hidden",
            "--emb", "--window", "--batch", "--threads", "--seed", "--patience", "--min-count", "--tagged-output",
            "--metric", "--out", "--checkpoint", "--resume");
    private static final List<String> BARE = List.of("--fold-digits", "--fold-case", "--no-decay", "--json", "--quiet",
            "--help", "-h");

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
        if (Main.debug) {
            t.printStackTrace(err);
        }
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
        Path modelFile = args.path("--out");
        ElmanTrainingOptions options = options(args, ElmanTrainingOptions.defaults());
        TaggingMetric requested = metric(args);
        boolean json = args.flag("--json");
        PrintStream human = json ? err : out; // with --json, stdout carries the JSON lines only
        setThreads(args);
        WordNormalizer normalizer = new WordNormalizer(args.flag("--fold-case"), args.flag("--fold-digits"));
        int minCount = args.integer("--min-count", TaggingVocabulary.DEFAULT_MIN_COUNT, 1, Integer.MAX_VALUE);

        TaggedCorpus train = ConllReader.read(trainFile);
        TaggedCorpus dev = ConllReader.read(devFile);
        TaggedCorpus test = testFile == null ? null : ConllReader.read(testFile);
        human.printf(Locale.ROOT, "train %s: %s%n", trainFile, sizes(train));
        human.printf(Locale.ROOT, "dev   %s: %s%n", devFile, sizes(dev));
        if (test != null) {
            human.printf(Locale.ROOT, "test  %s: %s%n", testFile, sizes(test));
        }
        Path checkpoint = args.path("--checkpoint");
        Path resumeFile = args.path("--resume");
        ModelFile.Loaded resumed = null;
        if (resumeFile != null) {
            resumed = ModelFile.load(resumeFile);
            if (resumed.training() == null || resumed.kind() != ModelFile.Kind.TAGGER) {
                throw new IllegalArgumentException(resumeFile + ": not a tagger checkpoint (written by --checkpoint)");
            }
            human.printf(Locale.ROOT, "resuming %s after epoch %d (its tagger and vocabularies)%n", resumeFile,
                    resumed.training().epochsDone());
        }
        TaggingVocabulary vocab = resumed != null ? resumed.taggingVocabulary()
                : TaggingVocabulary.build(train, normalizer, minCount);
        EncodedCorpus trainIds = vocab.encode(train);
        EncodedCorpus devIds = vocab.encode(dev);
        EncodedCorpus testIds = test == null ? null : vocab.encode(test);
        human.println(describeVocabulary(vocab, minCount));
        for (EncodedCorpus c : testIds == null ? List.of(devIds) : List.of(devIds, testIds)) {
            String note = describeUnseenLabels(c, vocab.labelCount());
            if (note != null) {
                human.println(note);
            }
        }
        TaggingMetric metric = requested.resolve(vocab.labels().words());
        options = options.withMetric(metric);
        human.println(describeMetric(requested, metric));
        human.println(describeOptions(options));

        ProgressBar bar = new ProgressBar(err, ProgressBar.stderrIsTerminal(), options.epochs());
        Consumer<EpochReport> clearBar = r -> bar.clear();
        Consumer<EpochReport> progress = clearBar.andThen(progress(human, "", trainIds.tokenCount()));
        if (json) {
            progress = progress.andThen(jsonProgress(out, trainIds.tokenCount()));
        }
        ElmanTagger model = resumed != null ? resumed.tagger()
                : new ElmanTagger(options.config(vocab.wordCount(), vocab.labelCount()), options.seed());
        int[] savedEpochs = {0};
        TrainingLoop.Checkpoints sink = checkpoint == null ? null : (live, state) -> {
            try {
                ModelFile.saveTaggerCheckpoint(checkpoint, model, vocab, state);
                savedEpochs[0] = state.epochsDone();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        ElmanTrainer trainer = new ElmanTrainer(options, progress).onDivergence(d -> {
            bar.clear();
            human.println(Commands.divergenceLine(d, 0));
            human.flush();
        });
        if (!args.flag("--quiet")) {
            trainer.progress(bar);
        }
        ElmanTrainingResult result;
        try {
            result = trainer.train(model, vocab.labels().words(), trainIds, devIds, testIds,
                    resumed == null ? null : resumed.training(), sink);
        } catch (TrainingDivergedException e) {
            bar.clear();
            err.println("vecrnn: " + Commands.divergedMessage(e, 0, checkpoint, savedEpochs[0]));
            return 1;
        }
        human.println(PROGRESS_FOOTNOTE);
        if (result.bestDev() == null) {
            human.println("no epoch was run (--epochs 0): nothing to report");
            return 0;
        }
        human.printf(Locale.ROOT, "best dev epoch %d of %d run, by dev %s (final lr %.3g)%n", result.bestEpoch(),
                result.epochsRun(), result.metric().displayName(), result.learningRate());
        human.println(figures("dev ", result.bestDev()));
        if (result.testAtBest() != null) {
            human.println(figures("test", result.testAtBest()));
        }
        if (taggedFile != null) {
            TaggedCorpus which = test != null ? test : dev;
            writeTagged(result.model(), vocab, which, taggedFile);
            human.printf(Locale.ROOT, "wrote the %s set tagged (word gold guess, conlleval's input) to %s%n",
                    test != null ? "test" : "dev", taggedFile);
        }
        if (modelFile != null) {
            ModelFile.saveTagger(modelFile, result.model(), vocab);
            human.printf(Locale.ROOT, "wrote the tagger to %s%n", modelFile);
        }
        return 0;
    }

    /** {@code --metric f1|accuracy|auto} (default auto). */
    static TaggingMetric metric(Args args) {
        String v = args.string("--metric", "auto");
        try {
            return TaggingMetric.parse(v);
        } catch (IllegalArgumentException e) {
            throw args.usage("--metric takes f1, accuracy or auto, not '" + v + "'");
        }
    }

    /** Which dev metric judges the epochs, and why. */
    static String describeMetric(TaggingMetric requested, TaggingMetric metric) {
        String why = requested != TaggingMetric.AUTO ? "as --metric asks"
                : metric == TaggingMetric.F1 ? "the training labels look like BIO chunks: O, B-x, I-x, E-x"
                : "the training labels are plain tags, not all O, B-x, I-x or E-x chunk labels";
        return "dev metric for the best epoch and the lr schedule: " + metric.displayName() + " (" + why
                + "; --metric f1|accuracy to choose)";
    }

    /**
     * One line on the gold labels of {@code c} that the training data never had, or null when there
     * is none: they can never be guessed and count as errors in every figure.
     */
    static String describeUnseenLabels(EncodedCorpus c, int knownLabels) {
        Map<String, Long> counts = c.unseenLabelCounts(knownLabels);
        if (counts.isEmpty()) {
            return null;
        }
        long tokens = 0;
        for (long n : counts.values()) {
            tokens += n;
        }
        StringBuilder list = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (shown == 10) {
                list.append(", ... ").append(counts.size() - shown).append(" more");
                break;
            }
            list.append(shown++ == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
        }
        return String.format(Locale.ROOT, "%s: %,d token%s %s never seen in training (%s); they count as errors",
                c.source(), tokens, tokens == 1 ? "" : "s", tokens == 1 ? "has a label" : "have labels", list);
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
                o.decay() ? "lr halved after " + o.patience() + " epochs without dev-" + gainName(o.metric()) + " gain"
                        : "no lr decay",
                o.epochs(), o.seed());
    }

    private static String gainName(TaggingMetric m) {
        return m == TaggingMetric.ACCURACY ? "accuracy" : m == TaggingMetric.F1 ? "F1" : "metric";
    }

    /** Prints one line per epoch: dev (and test) token accuracy and chunk F1. */
    static Consumer<EpochReport> progress(PrintStream out, String indent, long trainTokens) {
        out.println(indent + "epoch   train loss   dev acc   dev F1   test acc   test F1   lr         time"
                + "    train tokens/s*");
        return r -> {
            out.printf(Locale.ROOT, indent + "%5d   %10.5f   %7.2f   %6.2f   %8s   %7s   %-9.4g  %5.1fs   %,15.0f%s%n",
                    r.epoch(), r.trainLoss(), r.devAccuracy(), r.devF1(),
                    r.test() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.test().accuracy()),
                    r.test() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.test().f1()),
                    r.learningRate(), r.seconds(), trainTokens / r.seconds(),
                    (r.newBest() ? "  best so far" : "") + (r.halved() ? "  lr halved, best restored" : ""));
            out.flush();
        };
    }

    /** Prints one JSON object per epoch on its own line (see {@link #json}). */
    static Consumer<EpochReport> jsonProgress(PrintStream out, long trainTokens) {
        return r -> {
            out.println(json(r, trainTokens));
            out.flush();
        };
    }

    /**
     * An epoch as one JSON object: {@code epoch} (0-based), {@code lr}, {@code loss}, {@code dev_accuracy},
     * {@code dev_f1}, {@code test_accuracy} and {@code test_f1} (null without a test set), {@code metric}
     * ("f1" or "accuracy", the one that judged the epoch), {@code new_best}, {@code seconds} and
     * {@code tokens_per_s} (training tokens over the epoch's wall time). Figures are ×100.
     */
    static String json(EpochReport r, long trainTokens) {
        return new JsonLine()
                .add("epoch", r.epoch())
                .add("lr", r.learningRate())
                .add("loss", r.trainLoss())
                .add("dev_accuracy", r.dev().accuracy())
                .add("dev_f1", r.dev().f1())
                .add("test_accuracy", r.test() == null ? null : (Double) r.test().accuracy())
                .add("test_f1", r.test() == null ? null : (Double) r.test().f1())
                .add("metric", r.metric().cliName())
                .add("new_best", r.newBest())
                .add("seconds", r.seconds())
                .add("tokens_per_s", trainTokens / r.seconds())
                .toString();
    }

    static final String PROGRESS_FOOTNOTE =
            "* training tokens over the epoch's wall time, which includes tagging the dev and test sets"
                    + " (and, in the first epochs, the JIT compiling the kernels)";

    static String figures(String name, ChunkEval.Result r) {
        return String.format(Locale.ROOT, "%s  F1 %6.2f   precision %6.2f   recall %6.2f   token accuracy %6.2f"
                        + "   (%,d chunks, %,d tokens)", name, r.f1(), r.precision(), r.recall(), r.accuracy(),
                r.goldChunks(), r.tokens());
    }

    /**
     * Writes every sentence as "word gold guess" lines, a blank line after each: conlleval's input. The
     * gold column is the file's own label, also when the training data never had it.
     */
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
