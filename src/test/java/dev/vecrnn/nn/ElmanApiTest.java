package dev.vecrnn.nn;

import dev.vecrnn.kernel.Activation;
import dev.vecrnn.kernel.Blas;
import dev.vecrnn.kernel.Gemm;
import dev.vecrnn.kernel.Softmax;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument errors, the parameter API, and zero allocation in the steady state. */
class ElmanApiTest {
    private static final ElmanConfig C = new ElmanConfig(6, 3, 2, 3, 4);

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void configIsValidated() {
        assertTrue(message(() -> new ElmanConfig(6, 3, 2, 4, 4)).contains("odd"));
        assertTrue(message(() -> new ElmanConfig(0, 3, 2, 3, 4)).contains("vocabularySize"));
        assertTrue(message(() -> new ElmanConfig(6, 0, 2, 3, 4)).contains("numLabels"));
        assertTrue(message(() -> new ElmanConfig(6, 3, -1, 3, 4)).contains("embeddingDim"));
        assertTrue(message(() -> new ElmanConfig(6, 3, 2, 3, 0)).contains("hiddenSize"));
        assertEquals(new ElmanConfig(572, 127, 50, 7, 200), ElmanConfig.tutorial(572, 127));
    }

    @Test
    void badSentencesNameTheSentenceAndPosition() {
        ElmanTagger m = new ElmanTagger(C, 1);
        int[][] w = {{1, 2}, {3, 6, 1}};
        int[][] l = {{0, 1}, {1, 1, 1}};
        String msg = message(() -> m.computeGradients(w, l, 0, 2));
        assertTrue(msg.contains("sentence 1") && msg.contains("position 1") && msg.contains("word id 6"), msg);
        int[][] w2 = {{1, 2}, {3, -1, 1}};
        msg = message(() -> m.trainStep(w2, l, 0, 2, 0.1f));
        assertTrue(msg.contains("sentence 1") && msg.contains("position 1"), msg);
        int[][] w3 = {{1, 2}, {3, 4, 1}};
        int[][] l3 = {{0, 1}, {1, 3, 1}};
        msg = message(() -> m.loss(w3, l3, 0, 2));
        assertTrue(msg.contains("sentence 1") && msg.contains("position 1") && msg.contains("label 3"), msg);
        int[][] l4 = {{0, 1}, {1, 1}};
        msg = message(() -> m.computeGradients(w3, l4, 0, 2));
        assertTrue(msg.contains("sentence 1") && msg.contains("3 words") && msg.contains("2 labels"), msg);
        int[][] w5 = {{1, 2}, {}};
        msg = message(() -> m.computeGradients(w5, l4, 0, 2));
        assertTrue(msg.contains("sentence 1") && msg.contains("empty"), msg);
        msg = message(() -> m.computeGradients(w3, l3, 1, 2));
        assertTrue(msg.contains("out of range"), msg);
        msg = message(() -> m.tag(new int[] {1, 9}, new int[2]));
        assertTrue(msg.contains("position 1") && msg.contains("word id 9"), msg);
        message(() -> m.tag(new int[] {1, 2}, new int[1]));
        message(() -> m.applySgd(Float.NaN));
        // nothing was changed by the failed calls: a valid call still gives the reference answer
        int[][] ok = {{1, 2}};
        int[][] okl = {{0, 1}};
        assertEquals(ElmanReference.of(m).loss(ok, okl), m.computeGradients(ok, okl, 0, 1), 1e-5);
        assertEquals(0.0, m.computeGradients(ok, okl, 0, 0));
    }

    @Test
    void parametersByName() {
        ElmanTagger m = new ElmanTagger(C, 1);
        ParameterSet ps = m.parameters();
        String msg = message(() -> ps.get("W"));
        assertTrue(msg.contains("W") && msg.contains("[emb, wx, wh, w, bh, b, h0]"), msg);
        Parameter wx = ps.get("wx");
        assertEquals(6 * 4, wx.size());
        message(() -> wx.set(new float[5]));
        float[] v = wx.get();
        v[0] = 42;
        assertEquals(0.2f >= Math.abs(wx.values()[0]), true, "get() is a copy");
        wx.set(v);
        assertEquals(42f, wx.values()[0]);
        ParameterSet other = new DenseElman(3, 4, 3, 1).parameters();
        message(() -> ps.copyValuesFrom(other));
        ParameterSet wrongShape = new ElmanTagger(new ElmanConfig(6, 3, 2, 3, 5), 1).parameters();
        msg = message(() -> ps.copyValuesFrom(wrongShape));
        assertTrue(msg.contains("shape"), msg);
        assertEquals(42f, wx.values()[0], "nothing copied");
        m.computeGradients(new int[][] {{1, 2}}, new int[][] {{0, 1}}, 0, 1);
        ps.zeroGradients();
        for (Parameter p : ps) {
            for (float g : p.gradient()) {
                assertEquals(0f, g);
            }
        }
    }

    private static void probe(StringBuilder out, String name, Runnable r) {
        long bytes = TestData.allocated(r, 1000);
        if (bytes > 0) {
            out.append(' ').append(name).append('=').append(bytes / 1000.0);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        // First the kernel facades the nn code calls, each on its own (a failure then names the kernel),
        // with lengths that leave partial vectors at both widths.
        StringBuilder kernels = new StringBuilder();
        float[] v = new float[64];
        int[] tg = {1, -1};
        probe(kernels, "Blas.axpy", () -> Blas.axpy(19, 1f, v, 0, v, 32));
        probe(kernels, "Blas.dot", () -> Blas.dot(19, v, 0, v, 32));
        probe(kernels, "Blas.addRowVector", () -> Blas.addRowVector(2, 19, v, 0, v, 20, 20));
        probe(kernels, "Blas.addColumnSums", () -> Blas.addColumnSums(2, 19, v, 0, 20, v, 40));
        probe(kernels, "Blas.normalizeRows", () -> Blas.normalizeRows(2, 19, v, 0, 20));
        probe(kernels, "Activation.sigmoid", () -> Activation.sigmoid(v, 0, v, 0, 19));
        probe(kernels, "Activation.sigmoidBackward", () -> Activation.sigmoidBackward(v, 0, v, 20, v, 40, 19));
        probe(kernels, "Softmax.softmaxCrossEntropy", () -> Softmax.softmaxCrossEntropy(2, 19, v, 0, 20, tg, 0, 1f));
        probe(kernels, "Softmax.softmaxRows", () -> Softmax.softmaxRows(2, 19, v, 0, 20));
        probe(kernels, "Gemm.sgemm m=1", () -> Gemm.sgemm(false, false, 1, 7, 5, 1f, v, 0, 5, v, 8, 7, 0f, v, 48, 7));
        float[] ga = new float[3 * 5], gb = new float[7 * 5], gc = new float[3 * 7];
        probe(kernels, "Gemm.sgemm", () -> Gemm.sgemm(false, true, 3, 7, 5, 1f, ga, 0, 5, gb, 0, 5, 1f, gc, 0, 7));
        assertEquals("", kernels.toString(), "kernel facades allocate (bytes per call)");
        ElmanConfig c = new ElmanConfig(40, 9, 6, 5, 20);
        ElmanTagger m = new ElmanTagger(c, 1);
        int[][] words = TestData.sentences(new SplittableRandom(1), 40, 1, 12, c.vocabularySize()); // 3 shards
        int[][] labels = TestData.labelsFor(new SplittableRandom(2), words, c.numLabels());
        int[] out = new int[12];
        StreamingTagger st = m.newStreamingTagger();
        DenseElman d = new DenseElman(16, 24, 8, 1);
        DenseElman.Stepper ds = d.newStepper();
        float[] x = new float[16];
        float[] p = new float[8];
        int[] i = {0};
        // warm every path once with the largest batch, so the workspaces have their final size
        m.trainStep(words, labels, 0, words.length, 0.01f);
        assertEquals(0, TestData.allocated(() -> m.trainStep(words, labels, i[0]++ % 7, 2, 0.01f), 200), "trainStep");
        assertEquals(0, TestData.allocated(() -> m.computeGradients(words, labels, 0, words.length), 50), "batch gradients");
        assertEquals(0, TestData.allocated(() -> m.loss(words, labels, 0, words.length), 50), "loss");
        dev.vecrnn.kernel.Parallel.setThreads(2);
        try {
            m.computeGradients(words, labels, 0, words.length);
            assertEquals(0, TestData.allocated(() -> m.computeGradients(words, labels, 0, words.length), 50),
                    "batch gradients, shards on 2 threads (calling thread)");
        } finally {
            dev.vecrnn.kernel.Parallel.setThreads(1);
        }
        assertEquals(0, TestData.allocated(() -> m.tag(words[i[0]++ % 8], out), 200), "tag");
        assertEquals(0, TestData.allocated(() -> {
            for (int w : words[i[0]++ % 8]) {
                st.push(w);
            }
            st.finish(out, 0);
        }, 200), "streaming");
        assertEquals(0, TestData.allocated(() -> ds.step(x, p), 500), "dense step");
    }
}
