package dev.vecrnn.cli;

import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.SyntheticSlots;
import dev.vecrnn.data.TaggedCorpus;
import dev.vecrnn.data.TaggedSentence;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.WordNormalizer;
import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Vectorization;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.StreamingTagger;
import dev.vecrnn.train.ElmanTrainer;
import dev.vecrnn.train.TaggingMetric;
import dev.vecrnn.train.ElmanTrainingOptions;
import dev.vecrnn.train.ElmanTrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code vecrnn demo}: generates the built-in ATIS-like slot-filling data ({@link SyntheticSlots}),
 * trains the Elman tagger on it with the RNNSLU recipe (smaller and shorter than the tutorial's so
 * that it takes about a minute), and shows the result: test F1 at the best dev epoch, tagged test
 * sentences beside their gold labels, streaming tagging word by word, and a kernel speed check.
 * Everything printed is computed in the run.
 */
final class DemoCommand {
    static final String USAGE = """
            usage: vecrnn demo [options]
              trains the Elman tagger on built-in ATIS-like flight queries and shows what it learned
              --quick            a smaller run (about 20 s)
              --write-data DIR   only write the built-in data as DIR/{train,dev,test}.conll and stop
              --epochs N         at most N epochs (demo: 30, quick: 10; the tutorial: 60)
              --hidden N         hidden units nh (demo: 200 as the tutorial, quick: 100)
              --emb N            embedding width de (default 50)
              --window N         context window cs, odd (default 7)
              --lr X             initial learning rate (default 0.0970806646812754)
              --batch N          sentences per SGD update (default 1)
              --threads N        threads for batches of more than 16 sentences (default 1; same result)
              --seed N           model seed (default 345)
              --data-seed N      seed of the generated data (default 2013)
              --train-size N     training sentences (demo: 2000, quick: 1500)
              --dev-size N       dev sentences (default 300)
              --test-size N      test sentences (default 300)
              --patience N       epochs without dev-F1 gain before lr is halved (default 10)
              --no-decay         never halve the learning rate
              --no-fold-digits   keep digits as they are (by default each digit becomes DIGIT)
            """;

    private static final List<String> VALUED = List.of("--write-data", "--epochs", "--hidden", "--emb", "--window",
            "--lr", "--batch", "--threads", "--seed", "--patience", "--data-seed", "--train-size", "--dev-size", "--test-size");
    private static final List<String> BARE = List.of("--quick", "--no-fold-digits", "--no-decay", "--help", "-h");

    /** The demo's sizes: normal and {@code --quick}. */
    static final int EPOCHS = 30, QUICK_EPOCHS = 10;
    static final int HIDDEN = 200, QUICK_HIDDEN = 100;
    static final int TRAIN = 2000, QUICK_TRAIN = 1500;

    private DemoCommand() {}

    /** Runs the command; returns the exit code (0 ok, 1 failure, 2 bad command line). */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        try {
            Args args = parse(argv);
            if (args.flag("--help") || args.flag("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (args.has("--write-data")) {
                writeData(args, out);
                return 0;
            }
            demo(args, out);
            return 0;
        } catch (Main.UsageException e) {
            err.println("vecrnn: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (RuntimeException | IOException e) {
            return TaggerCommand.reportFailure(e, err);
        }
    }

    /** The demo's options. */
    static Args parse(String[] argv) {
        return new Args("demo", argv, VALUED, BARE);
    }

    private static SyntheticSlots.Split data(Args args) {
        boolean quick = args.flag("--quick");
        return SyntheticSlots.generate(args.longValue("--data-seed", SyntheticSlots.DEFAULT_SEED),
                args.integer("--train-size", quick ? QUICK_TRAIN : TRAIN, 1, 10_000_000),
                args.integer("--dev-size", SyntheticSlots.DEFAULT_DEV, 1, 10_000_000),
                args.integer("--test-size", SyntheticSlots.DEFAULT_TEST, 1, 10_000_000));
    }

    private static void writeData(Args args, PrintStream out) throws IOException {
        Path dir = args.path("--write-data");
        SyntheticSlots.Split split = data(args).withoutUnseenLabels();
        List<Path> files = SyntheticSlots.write(split, dir);
        out.printf(Locale.ROOT, "wrote %s (%s), %s (%s), %s (%s)%n", files.get(0), TaggerCommand.sizes(split.train()),
                files.get(1), TaggerCommand.sizes(split.dev()), files.get(2), TaggerCommand.sizes(split.test()));
        out.printf(Locale.ROOT, "train on them with:%n  vecrnn train-tagger --train %s --dev %s --test %s"
                + " --fold-digits%n", files.get(0), files.get(1), files.get(2));
    }

    /** The whole demo; returns the training result (for tests). */
    static ElmanTrainingResult demo(Args args, PrintStream out) {
        long start = System.nanoTime();
        boolean quick = args.flag("--quick");
        ElmanTrainingOptions tutorial = ElmanTrainingOptions.defaults();
        ElmanTrainingOptions base = tutorial.withEpochs(quick ? QUICK_EPOCHS : EPOCHS)
                .withHiddenSize(quick ? QUICK_HIDDEN : HIDDEN);
        // the demo's labels are BIO chunks: its dev metric is the tutorial's chunk F1
        ElmanTrainingOptions options = TaggerCommand.options(args, base).withMetric(TaggingMetric.F1);
        TaggerCommand.setThreads(args);

        out.println("vecrnn demo" + (quick ? " (quick)" : "") + ": slot filling with the Elman network of the RNNSLU"
                + " tutorial, on built-in ATIS-like data");
        out.println("kernels: " + Vectorization.describe()
                + (Vectorization.simdActive() ? "" : " (" + Vectorization.disabledReason() + ")"));
        out.println();

        // 1. data
        SyntheticSlots.Split generated = data(args);
        SyntheticSlots.Split split = generated.withoutUnseenLabels();
        out.printf(Locale.ROOT, "1. Data: generated from seed %d (write it as CoNLL files with"
                        + " 'vecrnn demo --write-data DIR')%n", args.longValue("--data-seed", SyntheticSlots.DEFAULT_SEED));
        out.printf(Locale.ROOT, "   train %s; dev %s; test %s%n", TaggerCommand.sizes(split.train()),
                TaggerCommand.sizes(split.dev()), TaggerCommand.sizes(split.test()));
        int dropped = generated.dev().size() + generated.test().size() - split.dev().size() - split.test().size();
        if (dropped > 0) {
            out.printf(Locale.ROOT, "   (%d dev/test sentences left out: they have a label the small training set never has)%n",
                    dropped);
        }
        WordNormalizer normalizer = new WordNormalizer(false, !args.flag("--no-fold-digits"));
        TaggingVocabulary vocab = TaggingVocabulary.build(split.train(), normalizer, TaggingVocabulary.DEFAULT_MIN_COUNT);
        EncodedCorpus train = vocab.encode(split.train());
        EncodedCorpus dev = vocab.encode(split.dev());
        EncodedCorpus test = vocab.encode(split.test());
        out.println("   " + TaggerCommand.describeVocabulary(vocab, TaggingVocabulary.DEFAULT_MIN_COUNT));
        out.printf(Locale.ROOT, "   %.1f %% of the city, time and day chunks carry a near-miss label on purpose (city_name for toloc.city_name,"
                + " arrive_time for depart_time, ...), as annotators of real data disagree: F1 cannot reach 100%n",
                SyntheticSlots.INCONSISTENT_PER_MILLE / 10.0);
        out.println("   a training sentence, word/label:");
        out.println(wrap(slashed(split.train().get(0)), "     ", 100));
        out.println();

        // 2. training
        out.println("2. Training (SPEC §1: SGD one sentence per update, embeddings renormalised, best-on-dev kept)");
        out.println("   " + TaggerCommand.describeOptions(options));
        List<String> changed = new ArrayList<>();
        if (options.hiddenSize() != tutorial.hiddenSize()) {
            changed.add("nh " + options.hiddenSize() + " instead of " + tutorial.hiddenSize());
        }
        if (options.epochs() != tutorial.epochs()) {
            changed.add("at most " + options.epochs() + " epochs instead of " + tutorial.epochs());
        }
        if (!changed.isEmpty()) {
            out.println("   smaller than the tutorial's so that the demo is short: " + String.join(", ", changed)
                    + " (the tutorial's: --hidden 200 --epochs 60)");
        }
        ElmanTrainingResult result = new ElmanTrainer(options, TaggerCommand.progress(out, "   ", train.tokenCount()))
                .train(vocab, train, dev, test);
        out.println("   " + TaggerCommand.PROGRESS_FOOTNOTE);
        out.println();
        if (result.bestDev() == null) {
            out.println("no epoch was run (--epochs 0): nothing more to show");
            return result;
        }

        // 3. result
        out.printf(Locale.ROOT, "3. Result at the best dev epoch (%d; %d epochs run), scored like conlleval:%n",
                result.bestEpoch(), result.epochsRun());
        out.println("   " + TaggerCommand.figures("dev ", result.bestDev()));
        out.println("   " + TaggerCommand.figures("test", result.testAtBest()));
        out.println();

        // 4. tagged sentences
        ElmanTagger model = result.model();
        out.println("4. Test sentences tagged by the trained model (gold | model; '<-' marks a wrong label)");
        for (int s : showcase(model, test, 3)) {
            showSentence(model, vocab, split.test().get(s), test.words()[s], out);
        }
        out.println();

        // 5. streaming
        streaming(model, vocab, split.test(), test, out);
        out.println();

        // 6. language models
        LanguageModelDemo.run(quick, out);
        out.println();

        // 7. kernel speed
        out.println("7. Kernel speed check: the hidden layer's sigmoid, one thread, 4,096 floats per call, timed until steady:");
        out.println("   " + KernelCheck.run());
        out.println();
        out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) * 1e-9);
        return result;
    }

    /** The first two test sentences, and the first one the model gets wrong (when there is one). */
    private static List<Integer> showcase(ElmanTagger model, EncodedCorpus test, int count) {
        List<Integer> picks = new ArrayList<>();
        int[] guess = new int[test.maxLength()];
        int wrong = -1;
        for (int s = 0; s < test.size() && wrong < 0; s++) {
            model.tag(test.words()[s], guess);
            if (!Arrays.equals(guess, 0, test.words()[s].length, test.labels()[s], 0, test.words()[s].length)) {
                wrong = s;
            }
        }
        for (int s = 0; s < Math.min(count - 1, test.size()); s++) {
            picks.add(s);
        }
        int last = wrong >= 0 && !picks.contains(wrong) ? wrong : count - 1;
        if (last < test.size() && !picks.contains(last)) {
            picks.add(last);
        }
        return picks;
    }

    private static void showSentence(ElmanTagger model, TaggingVocabulary vocab, TaggedSentence sentence, int[] ids,
                                     PrintStream out) {
        int[] guess = new int[ids.length];
        model.tag(ids, guess);
        int width = 4;
        int gwidth = 4;
        for (int t = 0; t < ids.length; t++) {
            width = Math.max(width, sentence.words()[t].length());
            gwidth = Math.max(gwidth, sentence.labels()[t].length());
        }
        out.println();
        for (int t = 0; t < ids.length; t++) {
            String g = vocab.label(guess[t]);
            boolean ok = g.equals(sentence.labels()[t]);
            out.printf(Locale.ROOT, "     %-" + width + "s  %-" + gwidth + "s | %s%s%n", sentence.words()[t],
                    sentence.labels()[t], g, ok ? "" : "  <-");
        }
    }

    private static void streaming(ElmanTagger model, TaggingVocabulary vocab, TaggedCorpus raw, EncodedCorpus test,
                                  PrintStream out) {
        int pick = 0;
        for (int s = 0; s < raw.size(); s++) {   // a sentence of 8-12 words reads well
            if (raw.get(s).length() >= 8 && raw.get(s).length() <= 12) {
                pick = s;
                break;
            }
        }
        TaggedSentence sentence = raw.get(pick);
        int[] ids = test.words()[pick];
        StreamingTagger st = model.newStreamingTagger();
        out.printf(Locale.ROOT, "5. Streaming: one word at a time, as a live system would see them. A label needs the"
                + " word's right context (window %d), so it comes %d words late; finish() flushes the rest.%n",
                model.config().windowSize(), st.lag());
        String[] streamed = new String[ids.length];
        int done = 0;
        int width = 0;
        for (String w : sentence.words()) {
            width = Math.max(width, w.length());
        }
        for (int t = 0; t < ids.length; t++) {
            int label = st.push(ids[t]);
            String said;
            if (label < 0) {
                said = "(waiting for right context)";
            } else {
                streamed[done] = vocab.label(label);
                said = "label of '" + sentence.words()[done] + "': " + streamed[done];
                done++;
            }
            out.printf(Locale.ROOT, "     push %-" + (width + 2) + "s -> %s%n", "'" + sentence.words()[t] + "'", said);
        }
        int[] rest = new int[st.pending()];
        int n = st.finish(rest, 0);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            streamed[done] = vocab.label(rest[i]);
            sb.append(i == 0 ? "" : ", ").append('\'').append(sentence.words()[done]).append("': ").append(streamed[done]);
            done++;
        }
        out.println("     finish()" + " ".repeat(width + 3) + "-> " + sb);
        int[] whole = new int[ids.length];
        model.tag(ids, whole);
        boolean same = Arrays.equals(vocab.decodeLabels(whole, ids.length), streamed);
        out.println("     same labels as tagging the whole sentence at once: " + (same ? "yes" : "NO (a bug)"));
        out.println("     " + streamWholeSet(model, test));
    }

    /**
     * Streams every test sentence twice (the first pass warms the JIT up), timing each push, and
     * compares the labels with whole-sentence tagging.
     */
    private static String streamWholeSet(ElmanTagger model, EncodedCorpus test) {
        StreamingTagger st = model.newStreamingTagger();
        long[] times = new long[(int) test.tokenCount()];
        int[] streamed = new int[test.maxLength()];
        int[] whole = new int[test.maxLength()];
        int mismatches = 0;
        for (int pass = 0; pass < 2; pass++) {
            int k = 0;
            mismatches = 0;
            for (int s = 0; s < test.size(); s++) {
                int[] ids = test.words()[s];
                int done = 0;
                for (int id : ids) {
                    long t0 = System.nanoTime();
                    int label = st.push(id);
                    times[k++] = System.nanoTime() - t0;
                    if (label >= 0) {
                        streamed[done++] = label;
                    }
                }
                st.finish(streamed, done);
                model.tag(ids, whole);
                if (!Arrays.equals(streamed, 0, ids.length, whole, 0, ids.length)) {
                    mismatches++;
                }
            }
        }
        Arrays.sort(times);
        return String.format(Locale.ROOT, "the whole test set streamed (%,d words, after one warm-up pass): median %.2f us,"
                        + " p99 %.2f us per push; labels equal whole-sentence tagging in %d of %d sentences",
                times.length, times[times.length / 2] * 1e-3, times[(int) (times.length * 0.99)] * 1e-3,
                test.size() - mismatches, test.size());
    }

    private static String slashed(TaggedSentence s) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < s.length(); t++) {
            sb.append(t == 0 ? "" : " ").append(s.words()[t]).append('/').append(s.labels()[t]);
        }
        return sb.toString();
    }

    private static String wrap(String text, String indent, int width) {
        StringBuilder sb = new StringBuilder(indent);
        int col = indent.length();
        for (String w : text.split(" ")) {
            if (col > indent.length() && col + 1 + w.length() > width) {
                sb.append('\n').append(indent);
                col = indent.length();
            } else if (col > indent.length()) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }

    /** A short timing of the activation kernels against a {@code Math.exp} loop. */
    static final class KernelCheck {
        private static final int N = 4096;

        private KernelCheck() {}

        static String run() {
            float[] x = new float[N];
            float[] y = new float[N];
            for (int i = 0; i < N; i++) {
                x[i] = -10f + 20f * i / N;
            }
            double sig = rate(() -> Activation.sigmoid(x, 0, y, 0, N));
            double scalar = rate(() -> {
                for (int i = 0; i < N; i++) {
                    y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
                }
            });
            Activation.sigmoid(x, 0, y, 0, N);
            double maxErr = 0;
            for (int i = 0; i < N; i++) {
                maxErr = Math.max(maxErr, Math.abs(y[i] - 1.0 / (1.0 + Math.exp(-x[i]))));
            }
            return String.format(Locale.ROOT, "sigmoid kernel %.2f elements/ns (%s) vs a Math.exp"
                            + " sigmoid loop %.2f elements/ns: %.1fx faster; max abs error %.1e",
                    sig, Vectorization.simdActive() ? "SIMD on, " + Vectorization.speciesName()
                            : "SIMD off, plain Java", scalar, sig / scalar, maxErr);
        }

        /**
         * Elements per ns: timed in windows of about 5 ms until three in a row agree within 5 % (the
         * first calls run interpreted, then compiled twice), at least 0.3 s and at most 1 s; the best window.
         */
        private static double rate(Runnable r) {
            long deadline = System.nanoTime() + 1_000_000_000L;
            double best = 0;
            double[] last = new double[3];
            int windows = 0;
            while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                long calls = 0;
                long ns;
                do {
                    r.run();
                    calls++;
                    ns = System.nanoTime() - t0;
                } while (ns < 5_000_000L);
                double rate = (double) N * calls / ns;
                last[windows++ % 3] = rate;
                best = Math.max(best, rate);
                if (windows >= 3) {
                    double lo = Math.min(last[0], Math.min(last[1], last[2]));
                    double hi = Math.max(last[0], Math.max(last[1], last[2]));
                    if (hi <= lo * 1.05 && windows >= 60) {
                        break;
                    }
                }
            }
            return best;
        }
    }
}
