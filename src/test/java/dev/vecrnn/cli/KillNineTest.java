package dev.vecrnn.cli;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train-lm --checkpoint} in a child JVM, killed with SIGKILL ({@link Process#destroyForcibly()})
 * again and again — at random moments, and right after an epoch's line, while its checkpoint is being
 * written — and restarted with {@code --resume} each time: after every kill the checkpoint is absent
 * (killed before the first epoch ended) or a complete file that loads, and the run that finally
 * finishes ends with the same parameters, bit for bit, as an uninterrupted one. A kill during the
 * write leaves AtomicFiles' temporary file ({@code .run.ckpt.*.tmp}) behind; nothing reads it (the
 * next write takes a fresh name, and the resume reads only the checkpoint's own name), so it is left
 * there on purpose to show it does no harm.
 */
class KillNineTest {
    @TempDir
    Path dir;

    /** Sentences over 1,200 words, each word mostly followed by one successor: a large vocabulary makes the checkpoint big. */
    static List<String> text(long seed, int sentences) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            StringBuilder b = new StringBuilder();
            int w = rnd.nextInt(1200);
            int n = 4 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : " ").append("w").append(w);
                w = rnd.nextInt(10) < 8 ? (w * 7 + 3) % 1200 : rnd.nextInt(1200);
            }
            lines.add(b.toString());
        }
        return lines;
    }

    private static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        for (String name : System.getProperties().stringPropertyNames()) { // the kernel mode of this run
            if (name.startsWith("vecrnn.")) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        String classes;
        try {
            classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        cmd.add(classes + java.io.File.pathSeparator + System.getProperty("java.class.path"));
        cmd.add("dev.vecrnn.cli.Main");
        return cmd;
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".run.ckpt.")
                    && p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void killedAgainAndAgainTheCheckpointIsAlwaysWholeAndTheResumedRunEndsWithTheSameBits() throws Exception {
        Path train = Files.write(dir.resolve("train.txt"), text(1, 1000));
        Path valid = Files.write(dir.resolve("valid.txt"), text(2, 40));
        Path ckpt = dir.resolve("run.ckpt"), ref = dir.resolve("ref.vrnn"), out = dir.resolve("out.vrnn");
        String[] common = {"train-lm", "--train", train.toString(), "--valid", valid.toString(), "--hidden", "16",
            "--context", "8", "--batch", "8", "--bptt", "10", "--lr", "1", "--epochs", "16", "--quiet"};
        CliRun whole = CliRun.of(LanguageModelCommand::run, LanguageModelCommandTest.concat(
                java.util.Arrays.copyOfRange(common, 1, common.length), "--out", ref.toString()));
        assertEquals(0, whole.code(), whole.err());

        Random when = new Random(11);
        int kills = 0, midWrite = 0, finished = 0;
        for (int attempt = 0; attempt < 12 && finished == 0; attempt++) {
            List<String> cmd = javaCommand();
            cmd.addAll(List.of(common));
            cmd.addAll(List.of("--out", out.toString(), "--checkpoint", ckpt.toString()));
            if (Files.exists(ckpt)) {
                cmd.addAll(List.of("--resume", ckpt.toString()));
            }
            boolean last = attempt >= 5;
            Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr-" + attempt + ".txt").toFile())
                    .start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (!last) {
                List<Path> before = temporaryFiles();
                if (attempt % 2 == 0) {
                    // a random moment: before the first epoch (the JVM starts in about half a second), inside
                    // an epoch, or during a write
                    p.waitFor(150 + when.nextInt(700), TimeUnit.MILLISECONDS);
                } else {
                    // let one epoch's checkpoint complete, then kill during the next one's write: the epoch's
                    // line is printed just before its checkpoint is written; kill when its temporary file shows
                    int epochLines = 0;
                    while (p.isAlive() && epochLines < 2) {
                        String l = lines.poll(50, TimeUnit.MILLISECONDS);
                        if (l != null && l.matches("\\s+\\d+ .*")) {
                            epochLines++;
                        }
                    }
                    long deadline = System.nanoTime() + 300_000_000L;
                    while (p.isAlive() && System.nanoTime() < deadline && temporaryFiles().size() == before.size()) {
                        Thread.onSpinWait();
                    }
                }
                if (p.isAlive()) {
                    p.destroyForcibly();
                    kills++;
                }
                p.waitFor();
                if (temporaryFiles().size() > before.size()) {
                    midWrite++;
                }
            } else {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the last run finishes");
            }
            reader.join(5_000);
            if (p.exitValue() == 0) {
                finished++;
            } else {
                assertEquals(137, p.exitValue(), "killed by SIGKILL, not failed: " + Files.readString(
                        dir.resolve("stderr-" + attempt + ".txt")));
            }
            // never half-written: absent (killed before the first epoch ended) or a checkpoint that loads
            if (Files.exists(ckpt)) {
                ModelFile.Loaded c = ModelFile.load(ckpt);
                assertTrue(c.training().epochsDone() >= 1);
            }
        }
        assertEquals(1, finished);
        assertTrue(kills >= 3, "killed " + kills + " times");
        System.out.println("KillNineTest: " + kills + " kills, " + midWrite + " during a checkpoint write");
        ModelFile.Loaded a = ModelFile.load(ref), b = ModelFile.load(out);
        for (Parameter x : a.parameters()) {
            assertArrayEquals(x.get(), b.parameters().get(x.name()).get(), x.name());
        }
    }
}
