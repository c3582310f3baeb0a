package dev.vecrnn.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic interleaved event streams of many keys. */
final class StreamFixtures {
    private StreamFixtures() {
    }

    /**
     * The word events of {@code keys} keys ("k0", "k1", …), each several sentences of 1–9 words ending
     * with an end-of-sentence event, interleaved at random (each key's events in order). About one word
     * in twelve is unknown to the test models.
     */
    static List<WordEvent> wordEvents(int keys, int sentencesPerKey, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<List<WordEvent>> perKey = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<WordEvent> events = new ArrayList<>();
            for (int s = 0; s < sentencesPerKey; s++) {
                int len = 1 + rnd.nextInt(9);
                for (int i = 0; i < len; i++) {
                    String word = rnd.nextInt(12) == 0 ? "unseen" + rnd.nextInt(5)
                            : TestModels.knownWord(rnd.nextInt(TestModels.WORDS - 2));
                    events.add(WordEvent.word("k" + k, word));
                }
                events.add(WordEvent.endOfSentence("k" + k));
            }
            perKey.add(events);
        }
        return interleave(perKey, rnd);
    }

    /** {@code steps} feature vectors for each of {@code keys} keys, interleaved at random. */
    static List<FeatureEvent> featureEvents(int keys, int steps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<List<FeatureEvent>> perKey = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<FeatureEvent> events = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                float[] x = new float[TestModels.FEATURES];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-2, 2);
                }
                events.add(new FeatureEvent("k" + k, x));
            }
            perKey.add(events);
        }
        return interleave(perKey, rnd);
    }

    static <T> List<T> interleave(List<List<T>> perKey, SplittableRandom rnd) {
        int[] next = new int[perKey.size()];
        int left = perKey.stream().mapToInt(List::size).sum();
        List<T> out = new ArrayList<>(left);
        while (left > 0) {
            int k = rnd.nextInt(perKey.size());
            if (next[k] < perKey.get(k).size()) {
                out.add(perKey.get(k).get(next[k]++));
                left--;
            }
        }
        return out;
    }
}
