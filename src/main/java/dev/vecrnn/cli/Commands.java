package dev.vecrnn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * What every subcommand does the same way: parse its options, answer {@code --help}, and turn
 * failures into exit codes — 2 with one line and the usage for a bad command line, 1 with one line
 * naming the file (and line) for bad data or files, never a stack trace.
 */
final class Commands {
    private Commands() {}

    /** A command's work once its options parsed; returns the exit code. */
    @FunctionalInterface
    interface Body {
        int run(Args args, PrintStream out, PrintStream err) throws IOException;
    }

    static int run(String name, String usage, String[] argv, List<String> valued, List<String> bare, Body body,
                   PrintStream out, PrintStream err) {
        try {
            Args args = new Args(name, argv, valued, bare);
            if (args.flag("--help") || args.flag("-h")) {
                out.print(usage);
                return 0;
            }
            return body.run(args, out, err);
        } catch (Main.UsageException e) {
            err.println("vecrnn: " + e.getMessage());
            err.print(usage);
            return 2;
        } catch (RuntimeException | IOException e) {
            return TaggerCommand.reportFailure(e, err);
        }
    }
}
