package dev.vecrnn.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;
import dev.vecrnn.FuzzSeeds;
import dev.vecrnn.kernel.Parallel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the command lines of the commands (and so {@link Args}): whatever the arguments, a command's
 * run method returns 0, 1 or 2, never throws, and never reports an "internal error" (the line
 * {@link TaggerCommand#reportFailure} prints for an exception that is not a user's mistake).
 *
 * <p>An input is UTF-8 text, one argument a line, the first line the command (eval, tag, generate,
 * export, import, train-tagger, train-lm; anything else picks one by its hash). So that no run reads
 * or writes outside a temp folder, the value of every option that names a file is replaced: {@code @tagger},
 * {@code @lm}, {@code @hs}, {@code @weights}, {@code @conll} and {@code @text} by small valid files,
 * a blank value is kept (the commands refuse it), and anything else by a file in the temp folder
 * (missing until a command writes it). The training commands get missing data files, so they check
 * every option and stop before training. Seeds and findings:
 * {@code src/test/resources/dev/vecrnn/cli/CommandLineFuzzTestInputs/commandLine/}.
 */
class CommandLineFuzzTest {
    private static final String[] COMMANDS = {"eval", "tag", "generate", "export", "import", "train-tagger",
        "train-lm"};
    private static final Set<String> FILE_OPTIONS = Set.of("--model", "--data", "--weights", "--out", "--train",
            "--dev", "--valid", "--test", "--tagged-output", "--checkpoint", "--resume", "--write-data");
    private static final Set<String> DATA_OPTIONS = Set.of("--train", "--dev", "--valid", "--test", "--resume");
    private static Map<String, Path> files;

    private static synchronized Map<String, Path> files() throws IOException {
        if (files == null) {
            Path dir = Files.createDirectories(FuzzChecks.dir().resolve("cli"));
            files = FuzzSeeds.cliFiles(dir);
        }
        return files;
    }

    @FuzzTest
    void commandLine(byte[] input) throws IOException {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        String cmd = lines[0];
        if (!Set.of(COMMANDS).contains(cmd)) {
            cmd = COMMANDS[Math.floorMod(cmd.hashCode(), COMMANDS.length)];
        }
        String[] argv = new String[lines.length - 1];
        System.arraycopy(lines, 1, argv, 0, argv.length);
        boolean training = cmd.startsWith("train-");
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0 && FILE_OPTIONS.contains(a.substring(0, eq))) {
                argv[i] = a.substring(0, eq + 1) + file(a.substring(eq + 1), training && DATA_OPTIONS.contains(
                        a.substring(0, eq)));
            } else if (FILE_OPTIONS.contains(a) && i + 1 < argv.length) {
                argv[i + 1] = file(argv[i + 1], training && DATA_OPTIONS.contains(a));
                i++;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = switch (cmd) {
                case "eval" -> EvalCommand.run(argv, o, e);
                case "tag" -> TagCommand.run(argv, new ByteArrayInputStream(
                        "fly to boston\n\nto 1 Boston fly\n".getBytes(StandardCharsets.UTF_8)), o, e);
                case "generate" -> GenerateCommand.run(argv, o, e);
                case "export" -> WeightsCommand.export(argv, o, e);
                case "import" -> WeightsCommand.importWeights(argv, o, e);
                case "train-tagger" -> TaggerCommand.run(argv, o, e);
                default -> LanguageModelCommand.run(argv, o, e);
            };
        } finally {
            Parallel.setThreads(1);
        }
        String errText = err.toString(StandardCharsets.UTF_8);
        assertTrue(code >= 0 && code <= 2, cmd + " exited " + code);
        // a line of its own: the words alone may come back inside a usage message that quotes an argument
        assertFalse(("\n" + errText).contains("\nvecrnn: internal error: "), cmd + ": " + errText);
        assertTrue(code == 0 || errText.startsWith("vecrnn: "), cmd + " exited " + code + " without saying why: "
                + errText);
    }

    /** The file a file option's value stands for (see the class comment). */
    private static String file(String value, boolean missing) throws IOException {
        if (value.isBlank()) {
            return value;
        }
        Map<String, Path> f = files();
        if (!missing && f.containsKey(value)) {
            return f.get(value).toString();
        }
        return f.get("@dir").resolve((missing ? "missing" : "p") + Math.floorMod(value.hashCode(), 4)).toString();
    }
}
