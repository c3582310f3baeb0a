package dev.vecrnn.flink;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.data.Vocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.ScrnStepper;
import dev.vecrnn.nn.StreamingTagger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operators must emit, computed in this process with the library's own streaming APIs: one
 * streaming tagger, one language-model state, one stepper per key (no state saved or restored),
 * key by key. Results are keyed by "key#position" with the output record's text, as the test sink keeps them.
 */
final class LibraryReference {
    private LibraryReference() {
    }

    static Map<String, String> tag(Path modelFile, List<WordEvent> events) throws IOException {
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        TaggingVocabulary vocabulary = loaded.taggingVocabulary();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<WordEvent>> e : byKey(events).entrySet()) {
            String key = e.getKey();
            StreamingTagger tagger = loaded.tagger().newStreamingTagger();
            List<String> words = new ArrayList<>();   // the key's words, by position
            int[] tail = new int[tagger.lag()];
            for (WordEvent ev : e.getValue()) {
                if (ev.endOfSentence) {
                    int n = tagger.finish(tail, 0);
                    for (int i = 0; i < n; i++) {
                        put(out, new TaggedWord(key, words.size() - n + i, words.get(words.size() - n + i),
                                vocabulary.label(tail[i])), key, words.size() - n + i);
                    }
                } else {
                    String word = ev.word == null ? "" : ev.word;
                    words.add(word);
                    int label = tagger.push(vocabulary.wordId(word));
                    if (label >= 0) {
                        int p = words.size() - 1 - tagger.lag();
                        put(out, new TaggedWord(key, p, words.get(p), vocabulary.label(label)), key, p);
                    }
                }
            }
        }
        return out;
    }

    static Map<String, String> score(Path modelFile, List<WordEvent> events) throws IOException {
        return score(modelFile, events, Map.of());
    }

    /** As {@link #score(Path, List)}, each key's positions starting at {@code firstPositions} (default 0). */
    static Map<String, String> score(Path modelFile, List<WordEvent> events, Map<String, Long> firstPositions)
            throws IOException {
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        LanguageModel model = loaded.languageModel();
        Vocabulary words = loaded.words();
        int[] input = new int[1], target = new int[1];
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<WordEvent>> e : byKey(events).entrySet()) {
            String key = e.getKey();
            RecurrentState state = model.newState(1);
            input[0] = words.id(Vocabulary.LM_EOS);  // a history starts after <eos>
            double sum = 0;
            long first = firstPositions.getOrDefault(key, 0L), position = first;
            for (WordEvent ev : e.getValue()) {
                String word = ev.endOfSentence ? Vocabulary.LM_EOS : ev.word == null ? "" : ev.word;
                int id = words.idOrUnknown(word);
                target[0] = id;
                double surprisal = model.loss(state, 1, input, target); // reads the previous word, scores this one
                sum += surprisal;
                put(out, new WordScore(key, position, word, surprisal, Math.exp(sum / (position - first + 1))), key, position);
                position++;
                input[0] = id;
            }
        }
        return out;
    }

    static Map<String, String> step(Path modelFile, List<FeatureEvent> events) throws IOException {
        ScrnNetwork net = (ScrnNetwork) ModelFile.load(modelFile).languageModel();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<FeatureEvent>> e : byKey(events).entrySet()) {
            ScrnStepper stepper = net.newStepper();
            long position = 0;
            for (FeatureEvent ev : e.getValue()) {
                float[] o = new float[net.config().outputSize()];
                stepper.step(ev.features, o);
                int best = 0;
                for (int j = 1; j < o.length; j++) {
                    if (o[j] > o[best]) {
                        best = j;
                    }
                }
                put(out, new DenseOutput(e.getKey(), position, o, best), e.getKey(), position);
                position++;
            }
        }
        return out;
    }

    private static void put(Map<String, String> out, Object record, String key, long position) {
        out.put(key + "#" + position, record.toString());
    }

    private static <T> Map<String, List<T>> byKey(List<T> events) {
        Map<String, List<T>> m = new HashMap<>();
        for (T ev : events) {
            String key = ev instanceof WordEvent w ? w.keyOrEmpty() : ((FeatureEvent) ev).keyOrEmpty();
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(ev);
        }
        return m;
    }
}
