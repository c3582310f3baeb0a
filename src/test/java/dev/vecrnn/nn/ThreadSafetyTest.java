package dev.vecrnn.nn;

import dev.vecrnn.kernel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread-safety rules of the Javadoc: models shared read-only through per-thread sessions,
 * streaming taggers and steppers give every thread the single-threaded results bit for bit; and
 * resizing the {@link Parallel} pool from another thread while batches run on it neither deadlocks
 * nor changes a result.
 */
class ThreadSafetyTest {
    static final int THREADS = 4;

    /** Everything one thread computes from shared models: labels by session and by stream, stepper outputs. */
    static float[] work(ElmanTagger tagger, ScrnNetwork scrn, DenseElman dense, int[][] sentences, float[] inputs) {
        ElmanTagger.TaggingSession session = tagger.newTaggingSession();
        StreamingTagger stream = tagger.newStreamingTagger();
        ScrnStepper scrnStepper = scrn.newStepper();
        DenseElman.Stepper denseStepper = dense.newStepper();
        List<Float> out = new ArrayList<>();
        int[] labels = new int[64];
        for (int[] s : sentences) {
            session.tag(s, labels);
            for (int t = 0; t < s.length; t++) {
                out.add((float) labels[t]);
            }
            for (int w : s) {
                int l = stream.push(w);
                if (l >= 0) {
                    out.add((float) l);
                }
            }
            int n = stream.finish(labels, 0);
            for (int i = 0; i < n; i++) {
                out.add((float) labels[i]);
            }
        }
        float[] y = new float[Math.max(scrn.config().outputSize(), dense.outputSize())];
        for (int off = 0; off + 12 <= inputs.length; off += 12) {
            scrnStepper.step(inputs, off, y, 0);
            for (int j = 0; j < scrn.config().outputSize(); j++) {
                out.add(y[j]);
            }
            denseStepper.step(inputs, off, y, 0);
            for (int j = 0; j < dense.outputSize(); j++) {
                out.add(y[j]);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sharedModelsThroughPerThreadSessionsAndSteppersGiveTheSingleThreadedBits() throws Exception {
        ElmanTagger tagger = new ElmanTagger(new ElmanConfig(200, 9, 16, 5, 32), 3);
        ScrnNetwork scrn = new ScrnNetwork(new ScrnConfig(12, 24, 8, 10, RateMode.VECTOR, 0.95f, OutputActivation.SOFTMAX), 4);
        DenseElman dense = new DenseElman(12, 20, 7, 5);
        int[][][] sentences = new int[THREADS][][];
        float[][] inputs = new float[THREADS][];
        float[][] expected = new float[THREADS][];
        for (int k = 0; k < THREADS; k++) {
            SplittableRandom rnd = new SplittableRandom(k);
            sentences[k] = TestData.sentences(rnd, 60, 1, 30, 200);
            inputs[k] = new float[12 * 300];
            for (int i = 0; i < inputs[k].length; i++) {
                inputs[k][i] = (float) rnd.nextGaussian();
            }
            expected[k] = work(tagger, scrn, dense, sentences[k], inputs[k]);
        }
        int[] labels = new int[64];
        int[] viaTag = new int[64];
        for (int[] s : sentences[0]) { // a session gives tag()'s labels
            tagger.tag(s, viaTag);
            tagger.newTaggingSession().tag(s, labels);
            assertArrayEquals(java.util.Arrays.copyOf(viaTag, s.length), java.util.Arrays.copyOf(labels, s.length));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 3; round++) {
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<float[]>> results = new ArrayList<>();
                for (int k = 0; k < THREADS; k++) {
                    int kk = k;
                    results.add(pool.submit(() -> {
                        start.await();
                        return work(tagger, scrn, dense, sentences[kk], inputs[kk]);
                    }));
                }
                for (int k = 0; k < THREADS; k++) {
                    assertArrayEquals(expected[k], results.get(k).get(), "thread " + k + ", round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** B = 40 sentences and 40 streams: three shards each, run on the pool while another thread resizes it. */
    static List<float[]> train(int steps, int[][] words, int[][] labels, int[] lmInputs, int[] lmTargets) {
        ElmanTagger tagger = new ElmanTagger(new ElmanConfig(200, 9, 16, 5, 48), 7);
        ScrnNetwork lm = new ScrnNetwork(ScrnConfig.languageModel(200, 32, 8, RateMode.VECTOR), 8);
        RecurrentState state = lm.newState(40);
        for (int s = 0; s < steps; s++) {
            tagger.trainStep(words, labels, 0, 40, 0.05f);
            lm.computeGradients(state, 10, lmInputs, lmTargets);
            lm.clipGradients(5f);
            lm.applySgd(0.5f);
        }
        List<float[]> out = new ArrayList<>();
        for (Parameter p : tagger.parameters()) {
            out.add(p.get());
        }
        for (Parameter p : lm.parameters()) {
            out.add(p.get());
        }
        return out;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resizingThePoolWhileBatchesRunOnItNeitherDeadlocksNorChangesTheResult() throws Exception {
        int threadsBefore = Parallel.threads();
        SplittableRandom rnd = new SplittableRandom(17);
        int[][] words = TestData.sentences(rnd, 40, 3, 25, 200);
        int[][] labels = TestData.labelsFor(rnd, words, 9);
        int[] lmInputs = new int[10 * 40], lmTargets = new int[10 * 40];
        for (int i = 0; i < lmInputs.length; i++) {
            lmInputs[i] = rnd.nextInt(200);
            lmTargets[i] = rnd.nextInt(200);
        }
        try {
            Parallel.setThreads(1);
            List<float[]> quiet = train(12, words, labels, lmInputs, lmTargets);
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger resizes = new java.util.concurrent.atomic.AtomicInteger();
            Thread resizer = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    Parallel.setThreads(1 + n++ % 3);
                    resizes.incrementAndGet();
                    Thread.onSpinWait();
                }
            }, "resizer");
            resizer.setDaemon(true);
            Parallel.setThreads(2);
            resizer.start();
            int rounds = 0;
            try {
                // Whole runs again until the resizer got at least 10 resizes in (a loaded machine may
                // schedule it rarely); each run must give the quiet run's bits.
                do {
                    List<float[]> noisy = train(12, words, labels, lmInputs, lmTargets);
                    rounds++;
                    for (int i = 0; i < quiet.size(); i++) {
                        assertArrayEquals(quiet.get(i), noisy.get(i), "parameter " + i + ", run " + rounds);
                    }
                } while (resizes.get() <= 10 && rounds < 8);
            } finally {
                stop.set(true);
                resizer.join(10_000);
            }
            assertTrue(resizes.get() > 10, "the pool was resized " + resizes.get() + " times in " + rounds + " runs");
        } finally {
            Parallel.setThreads(threadsBefore);
        }
    }
}
