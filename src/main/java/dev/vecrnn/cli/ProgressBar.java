package dev.vecrnn.cli;

import dev.vecrnn.train.TrainingProgress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on standard error, once a job has run for 2 seconds: on a terminal one line
 * redrawn in place (epoch, a bar, tokens/s, loss, time left in the epoch) at most five times a second;
 * otherwise a plain line every 10 seconds, so logs stay readable. Results stay on standard output.
 */
final class ProgressBar implements TrainingProgress {
    private static final long SHOW_AFTER_NS = 2_000_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final int epochs;
    private final long startNs = System.nanoTime();
    private final long intervalNs;
    private long lastNs;
    private int epoch = -1;
    private long epochStartNs;
    private boolean drawn;

    ProgressBar(PrintStream err, boolean terminal, int epochs) {
        this.err = err;
        this.terminal = terminal;
        this.epochs = epochs;
        this.intervalNs = terminal ? 200_000_000L : 10_000_000_000L;
    }

    /** Whether standard error goes to a terminal (the JVM's console, checked where the JDK can tell). */
    static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try { // JDK 22+: a console exists even when redirected; isTerminal() says whether it is interactive
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console means an interactive terminal
        }
    }

    @Override
    public void update(int epoch, long done, long total, double loss) {
        long now = System.nanoTime();
        if (epoch != this.epoch) {
            this.epoch = epoch;
            epochStartNs = now;
        }
        if (now - startNs < SHOW_AFTER_NS || now - lastNs < intervalNs) {
            return;
        }
        lastNs = now;
        double seconds = (now - epochStartNs) * 1e-9;
        double rate = done / Math.max(seconds, 1e-9);
        double left = rate > 0 ? (total - done) / rate : 0;
        double frac = total > 0 ? (double) done / total : 0;
        String line = String.format(Locale.ROOT, "epoch %d/%d %s %3.0f%%  %,.0f tokens/s  loss %.4f  %s left",
                epoch + 1, epochs, bar(frac), 100 * frac, rate, loss, time(left));
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Removes the bar from the terminal line before other output is printed. */
    void clear() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    private static String bar(double frac) {
        int full = (int) Math.round(frac * WIDTH);
        return "[" + "#".repeat(Math.max(0, Math.min(WIDTH, full))) + " ".repeat(Math.max(0, WIDTH - full)) + "]";
    }

    private static String time(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
