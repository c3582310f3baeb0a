package dev.vecrnn.nn;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The saveState/restoreState pairs of the streaming APIs: one object serving many interleaved
 * streams, each stream's state saved after every event and restored before the next (as a stream
 * processor keeps per-key state), gives bit-identical outputs to one object per stream.
 */
class SavedStateTest {

    /** Labels of interleaved streams (each a list of sentences) with one tagger per stream. */
    private static List<List<Integer>> tagWithOneTaggerPerStream(ElmanTagger m, boolean pre, int[][][] streams) {
        List<List<Integer>> out = new ArrayList<>();
        for (int[][] sentences : streams) {
            StreamingTagger st = m.newStreamingTagger(pre);
            List<Integer> labels = new ArrayList<>();
            int[] tail = new int[st.lag()];
            for (int[] s : sentences) {
                for (int w : s) {
                    int l = st.push(w);
                    if (l >= 0) {
                        labels.add(l);
                    }
                }
                int n = st.finish(tail, 0);
                for (int i = 0; i < n; i++) {
                    labels.add(tail[i]);
                }
            }
            out.add(labels);
        }
        return out;
    }

    @Test
    void oneStreamingTaggerServesInterleavedStreamsThroughSavedStates() {
        for (int cs = 1; cs <= 7; cs += 2) {
            for (boolean pre : new boolean[] {true, false}) {
                ElmanConfig c = new ElmanConfig(17, 5, 4, cs, 9);
                ElmanTagger m = new ElmanTagger(c, 3 + cs);
                TestData.randomizeVectors(m, new SplittableRandom(cs), 0.5);
                SplittableRandom rnd = new SplittableRandom(40 + cs);
                int[][][] streams = new int[6][][];
                for (int k = 0; k < streams.length; k++) {
                    streams[k] = TestData.sentences(rnd, 4, 1, 12, c.vocabularySize());
                }
                List<List<Integer>> expected = tagWithOneTaggerPerStream(m, pre, streams);

                StreamingTagger shared = m.newStreamingTagger(pre);
                int[][] ints = new int[streams.length][shared.stateIntCount()];
                float[][] floats = new float[streams.length][shared.stateFloatCount()];
                int[] sentence = new int[streams.length], word = new int[streams.length];
                List<List<Integer>> actual = new ArrayList<>();
                for (int k = 0; k < streams.length; k++) {
                    actual.add(new ArrayList<>());
                    shared.saveState(ints[k], 0, floats[k], 0); // every stream starts as a new tagger does
                }
                int[] tail = new int[shared.lag()];
                int left = Arrays.stream(streams).mapToInt(s -> s.length).sum();
                while (left > 0) {
                    int k = rnd.nextInt(streams.length);
                    if (sentence[k] == streams[k].length) {
                        continue;
                    }
                    shared.restoreState(ints[k], 0, floats[k], 0);
                    int[] s = streams[k][sentence[k]];
                    if (word[k] < s.length) {
                        int l = shared.push(s[word[k]++]);
                        if (l >= 0) {
                            actual.get(k).add(l);
                        }
                        assertEquals(word[k], shared.position());
                    } else {
                        int n = shared.finish(tail, 0);
                        for (int i = 0; i < n; i++) {
                            actual.get(k).add(tail[i]);
                        }
                        sentence[k]++;
                        word[k] = 0;
                        left--;
                    }
                    shared.saveState(ints[k], 0, floats[k], 0);
                }
                assertEquals(expected, actual, "cs " + cs + ", precomputed " + pre);
            }
        }
    }

    @Test
    void aTaggerRestoredMidSentenceInAnotherTaggerContinuesTheSame() {
        ElmanConfig c = new ElmanConfig(11, 4, 3, 5, 6);
        ElmanTagger m = new ElmanTagger(c, 9);
        TestData.randomizeVectors(m, new SplittableRandom(2), 0.5);
        int[] s = TestData.sentences(new SplittableRandom(5), 1, 9, 9, c.vocabularySize())[0];
        int[] whole = new int[s.length];
        m.tag(s, whole);
        StreamingTagger first = m.newStreamingTagger();
        int[] labels = new int[s.length];
        int n = 0;
        for (int i = 0; i < 4; i++) {
            int l = first.push(s[i]);
            if (l >= 0) {
                labels[n++] = l;
            }
        }
        int[] ints = new int[first.stateIntCount() + 3];
        float[] floats = new float[first.stateFloatCount() + 2];
        first.saveState(ints, 3, floats, 2);
        StreamingTagger second = m.newStreamingTagger(false);
        second.restoreState(ints, 3, floats, 2);
        for (int i = 4; i < s.length; i++) {
            labels[n++] = second.push(s[i]);
        }
        second.finish(labels, n);
        assertArrayEquals(whole, labels);
    }

    @Test
    void aBadSavedTaggerStateIsRefusedAndChangesNothing() {
        ElmanConfig c = new ElmanConfig(11, 4, 3, 5, 6);
        ElmanTagger m = new ElmanTagger(c, 9);
        StreamingTagger st = m.newStreamingTagger();
        st.push(1);
        st.push(2);
        int[] ints = new int[st.stateIntCount()];
        float[] floats = new float[st.stateFloatCount()];
        st.saveState(ints, 0, floats, 0);
        int[] negative = ints.clone();
        negative[0] = -1;
        int[] badWord = ints.clone();
        badWord[1 + 1] = c.vocabularySize();
        assertThrows(IllegalArgumentException.class, () -> st.restoreState(negative, 0, floats, 0));
        assertThrows(IllegalArgumentException.class, () -> st.restoreState(badWord, 0, floats, 0));
        assertThrows(IllegalArgumentException.class, () -> st.restoreState(ints, 1, floats, 0));
        assertThrows(IllegalArgumentException.class, () -> st.restoreState(ints, 0, new float[3], 0));
        assertThrows(IllegalArgumentException.class, () -> st.saveState(null, 0, floats, 0));
        assertEquals(2, st.position());
        int[] again = new int[ints.length];
        float[] againF = new float[floats.length];
        st.saveState(again, 0, againF, 0);
        assertArrayEquals(ints, again);
        assertArrayEquals(floats, againF);
    }

    @Test
    void oneLanguageModelStateServesInterleavedStreamsThroughSavedStates() {
        int v = 23;
        LanguageModel[] models = {new ScrnNetwork(ScrnConfig.languageModel(v, 6, 4, RateMode.VECTOR), 4),
            new ElmanLanguageModel(v, 7, 5)};
        for (LanguageModel m : models) {
            SplittableRandom rnd = new SplittableRandom(11);
            int streams = 5, steps = 30;
            int[][] words = TestData.sentences(rnd, streams, steps, steps, v);
            float[][][] expected = new float[streams][steps][v];
            for (int k = 0; k < streams; k++) {
                RecurrentState own = m.newState(1);
                for (int t = 0; t < steps; t++) {
                    m.step(own, words[k][t], expected[k][t]);
                }
            }
            RecurrentState shared = m.newState(1);
            float[][] saved = new float[streams][shared.stateSize()];
            int[] t = new int[streams];
            float[] logits = new float[v];
            for (int done = 0; done < streams * steps; ) {
                int k = rnd.nextInt(streams);
                if (t[k] == steps) {
                    continue;
                }
                shared.restoreState(0, saved[k], 0);
                m.step(shared, words[k][t[k]], logits);
                shared.saveState(0, saved[k], 0);
                assertArrayEquals(expected[k][t[k]], logits, m.getClass().getSimpleName() + " stream " + k + " step " + t[k]);
                t[k]++;
                done++;
            }
        }
    }

    @Test
    void recurrentStateSavesOneStreamOfMany() {
        RecurrentState st = new RecurrentState(3, 2, 3);
        for (int i = 0; i < st.hidden().length; i++) {
            st.hidden()[i] = i + 1;
        }
        for (int i = 0; i < st.context().length; i++) {
            st.context()[i] = -(i + 1);
        }
        float[] one = new float[st.stateSize() + 1];
        st.saveState(1, one, 1);
        assertArrayEquals(new float[] {0, 3, 4, -4, -5, -6}, one);
        RecurrentState other = new RecurrentState(3, 2, 3);
        other.restoreState(2, one, 1);
        assertArrayEquals(new float[] {0, 0, 0, 0, 3, 4}, other.hidden());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, -4, -5, -6}, other.context());
        assertThrows(IllegalArgumentException.class, () -> st.saveState(3, one, 0));
        assertThrows(IllegalArgumentException.class, () -> st.restoreState(0, one, 2));
    }

    @Test
    void denseSteppersRestoredMidStreamContinueBitIdentically() {
        SplittableRandom rnd = new SplittableRandom(7);
        int nin = 9, steps = 12;
        float[] x = new float[nin * steps];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        ScrnNetwork scrn = new ScrnNetwork(new ScrnConfig(nin, 6, 4, 5, RateMode.MATRIX, 0.95f, OutputActivation.SOFTMAX), 3);
        ScrnStepper a = scrn.newStepper(), b = scrn.newStepper();
        DenseElman elman = new DenseElman(nin, 6, 5, 3);
        DenseElman.Stepper c = elman.newStepper(), d = elman.newStepper();
        float[] outA = new float[5], outB = new float[5], outC = new float[5], outD = new float[5];
        float[] scrnState = new float[a.stateSize()], elmanState = new float[c.stateSize()];
        for (int t = 0; t < steps; t++) {
            a.step(x, t * nin, outA, 0);
            c.step(x, t * nin, outC, 0);
            if (t < steps / 2) {
                b.step(x, t * nin, outB, 0);
                d.step(x, t * nin, outD, 0);
            } else {
                if (t == steps / 2) {
                    b.reset();
                    d.reset();
                }
                b.restoreState(scrnState, 0);     // the state saved after step t − 1 by the other stepper
                b.step(x, t * nin, outB, 0);
                d.restoreState(elmanState, 0);
                d.step(x, t * nin, outD, 0);
            }
            assertArrayEquals(outA, outB, "SCRN step " + t);
            assertArrayEquals(outC, outD, "Elman step " + t);
            a.saveState(scrnState, 0);
            c.saveState(elmanState, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> a.restoreState(new float[a.stateSize() - 1], 0));
        assertThrows(IllegalArgumentException.class, () -> c.saveState(new float[c.stateSize()], 1));
    }

    @Test
    void savingAndRestoringAllocateNothing() {
        ElmanTagger m = new ElmanTagger(new ElmanConfig(11, 4, 3, 5, 6), 9);
        StreamingTagger st = m.newStreamingTagger();
        st.push(3);
        int[] ints = new int[st.stateIntCount()];
        float[] floats = new float[st.stateFloatCount()];
        assertEquals(0, TestData.allocated(() -> {
            st.saveState(ints, 0, floats, 0);
            st.restoreState(ints, 0, floats, 0);
        }, 200), "tagger");
        ScrnNetwork net = new ScrnNetwork(ScrnConfig.languageModel(10, 4, 3, RateMode.VECTOR), 1);
        RecurrentState rs = net.newState(1);
        ScrnStepper stepper = net.newStepper();
        float[] f = new float[rs.stateSize()];
        assertEquals(0, TestData.allocated(() -> {
            rs.saveState(0, f, 0);
            rs.restoreState(0, f, 0);
            stepper.saveState(f, 0);
            stepper.restoreState(f, 0);
        }, 200), "recurrent state and stepper");
    }
}
