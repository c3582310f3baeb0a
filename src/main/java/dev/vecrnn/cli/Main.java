package dev.vecrnn.cli;

import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.HostCpu;
import dev.vecrnn.kernel.Vectorization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code vecrnn} command line. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: vecrnn <command> [options] [--debug]
              demo [--quick] [--write-data DIR] [options]
                                         train a slot-filling tagger on built-in data and show it
              train-tagger --train F --dev F [--test F] [options]
                                         train the Elman tagger on CoNLL files (--help for options)
              train-lm --train F --valid F [--test F] --out MODEL [options]
                                         train an SCRN or Elman language model on plain text
              eval --model MODEL --data F [--json]
                                         accuracy and F1 of a tagger, perplexity of a language model
              tag --model MODEL [--stream]
                                         tag standard input, one sentence per line, as word/LABEL
              generate --model MODEL [--length N] [--temperature T] [--seed S] [--prime "words"]
                                         sample text from a language model
              export --model MODEL --out F.safetensors
                                         the model's parameters as safetensors (for PyTorch)
              import --model MODEL --weights F.safetensors --out MODEL2
                                         the model with the weights of a safetensors file
              info                       JDK, SIMD status, vector species, processors, version
              bench [--json] [--quick] [--only NAMES] [--threads N]
                                         the self-benchmark (workloads of BENCHMARKS.md)
            every command takes --help; --debug adds the stack trace to an error message
            """;

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (UsageException e) {
            System.err.println("vecrnn: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("vecrnn: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Thrown for a command line that does not parse. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --debug} anywhere on the command line: failures also print their stack trace. */
    static boolean debug;

    static int run(String[] args) {
        if (Arrays.asList(args).contains("--debug")) {
            debug = true;
            args = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        }
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        if (!Vectorization.simdActive() && !cmd.equals("help")) {
            System.err.println("vecrnn: SIMD off, plain-Java kernels (" + Vectorization.disabledReason() + ")");
        }
        switch (cmd) {
            case "info" -> info();
            case "bench" -> bench(rest);
            case "demo" -> {
                return DemoCommand.run(rest, System.out, System.err);
            }
            case "train-tagger" -> {
                return TaggerCommand.run(rest, System.out, System.err);
            }
            case "train-lm" -> {
                return LanguageModelCommand.run(rest, System.out, System.err);
            }
            case "eval" -> {
                return EvalCommand.run(rest, System.out, System.err);
            }
            case "tag" -> {
                return TagCommand.run(rest, System.in, System.out, System.err);
            }
            case "generate" -> {
                return GenerateCommand.run(rest, System.out, System.err);
            }
            case "export" -> {
                return WeightsCommand.export(rest, System.out, System.err);
            }
            case "import" -> {
                return WeightsCommand.importWeights(rest, System.out, System.err);
            }
            case "help", "-h", "--help" -> System.out.print(USAGE);
            default -> throw new UsageException("unknown command '" + cmd + "'");
        }
        return 0;
    }

    static void info() {
        System.out.println("vecrnn      " + version());
        System.out.println("jdk         " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("simd        " + (Vectorization.simdActive() ? "on" : "off: " + Vectorization.disabledReason()));
        System.out.println("kernels     " + Vectorization.describe());
        System.out.println("species     " + Vectorization.speciesName());
        System.out.println("gemm        " + Gemm.describe());
        System.out.println("blocking    " + Gemm.blocking().why());
        System.out.println("cpu         " + HostCpu.THIS.describe());
        System.out.println("processors  " + Runtime.getRuntime().availableProcessors());
    }

    static void bench(String[] args) {
        boolean json = false, quick = false;
        int threads = 1;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--threads" -> threads = parsePositive("--threads", value(args, ++i, "--threads"));
                case "--only" -> only.addAll(Arrays.asList(value(args, ++i, "--only").split(",")));
                default -> throw new UsageException("bench: unknown option '" + args[i] + "'");
            }
        }
        BenchRunner runner = new BenchRunner(new BenchRunner.Options(json, quick, threads, only));
        KernelWorkloads.run(runner);
        ModelWorkloads.run(runner);
        if (runner.results().isEmpty()) {
            throw new UsageException("bench: no workload matches --only " + String.join(",", only));
        }
        runner.print(System.out);
    }

    static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    static int parsePositive(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " takes a whole number >= 1, not '" + v + "'");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
