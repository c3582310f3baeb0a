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

    /**
     * The one line a training command prints for a recovered divergence, its epoch counted from
     * {@code epochBase} as in the command's table.
     */
    static String divergenceLine(dev.vecrnn.train.TrainingLoop.Divergence d, int epochBase) {
        return "diverged in epoch " + (d.epoch() + epochBase) + ", " + d.describe();
    }

    /**
     * The one line (without "vecrnn: ") a training command prints when training stopped on divergence:
     * where, what, how often, and what became of the checkpoint.
     *
     * @param savedEpochs epochs done in the checkpoint this run last wrote, or 0 when it wrote none
     */
    static String divergedMessage(dev.vecrnn.train.TrainingDivergedException e, int epochBase,
                                  java.nio.file.Path checkpoint, int savedEpochs) {
        String where = "epoch " + (e.epoch() + epochBase) + (e.step() >= 0 ? ", " + e.unit() + " " + e.step()
                : " (after the updates)");
        String msg = e.times() > 1
                ? "training diverged in " + where + ": " + e.what() + " is " + e.value() + ", " + e.times()
                + " times in a row (the epoch restarted from its starting parameters with the lr halved each time,"
                + " last to " + e.learningRate() + "); stopped, try a lower --lr"
                : "training diverged in " + where + ": " + e.what() + " is " + e.value() + "; stopped";
        if (checkpoint != null) {
            msg += savedEpochs > 0
                    ? "; the checkpoint " + checkpoint + " (after epoch " + (savedEpochs - 1 + epochBase) + ") is intact"
                    : "; this run wrote no checkpoint, " + checkpoint + " is as it was";
        }
        return msg;
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
        } catch (dev.vecrnn.train.TrainingDivergedException e) {
            err.println("vecrnn: " + e.getMessage());
            return 1;
        } catch (RuntimeException | IOException e) {
            return TaggerCommand.reportFailure(e, err);
        }
    }
}
