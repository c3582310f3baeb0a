package dev.vecrnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSlotsTest {

    @Test
    void sameSeedSameCorpusOtherSeedOtherCorpus() {
        SyntheticSlots.Split a = SyntheticSlots.generate(7, 200, 50, 40);
        SyntheticSlots.Split b = SyntheticSlots.generate(7, 200, 50, 40);
        assertEquals(a, b);
        assertEquals(200, a.train().size());
        assertEquals(50, a.dev().size());
        assertEquals(40, a.test().size());
        assertNotEquals(a.train(), SyntheticSlots.generate(8, 200, 50, 40).train());
        assertNotEquals(a.train().sentences(), a.dev().sentences().subList(0, 50));
    }

    @Test
    void eachSplitHasItsOwnStream() {
        SyntheticSlots.Split small = SyntheticSlots.generate(7, 100, 20, 20);
        SyntheticSlots.Split big = SyntheticSlots.generate(7, 300, 20, 20);
        assertEquals(small.dev(), big.dev());
        assertEquals(small.train().sentences(), big.train().sentences().subList(0, 100));
    }

    @Test
    void labelsAreValidBio() {
        for (TaggedSentence s : SyntheticSlots.generate().train()) {
            String previous = "O";
            for (String label : s.labels()) {
                assertTrue(label.equals("O") || label.startsWith("B-") || label.startsWith("I-"), label);
                if (label.startsWith("I-")) {
                    assertTrue(!previous.equals("O") && previous.substring(2).equals(label.substring(2)),
                            "I- after " + previous + " in " + s);
                }
                previous = label;
            }
        }
    }

    @Test
    void hasTheAmbiguitiesItPromises() {
        TaggedCorpus train = SyntheticSlots.generate().train();
        Set<String> labels = new HashSet<>();
        Set<String> mayLabels = new HashSet<>();
        Set<String> firstLabels = new HashSet<>();
        boolean multiWordCity = false, toBeforeVerb = false, digits = false;
        for (TaggedSentence s : train) {
            String[] w = s.words();
            String[] l = s.labels();
            for (int t = 0; t < w.length; t++) {
                labels.add(l[t]);
                if (w[t].equals("may")) {
                    mayLabels.add(l[t]);
                }
                if (w[t].equals("first")) {
                    firstLabels.add(l[t]);
                }
                multiWordCity |= l[t].equals("I-toloc.city_name") || l[t].equals("I-fromloc.city_name");
                toBeforeVerb |= w[t].equals("to") && t + 1 < w.length && (w[t + 1].equals("fly") || w[t + 1].equals("go"));
                digits |= w[t].chars().anyMatch(Character::isDigit);
            }
        }
        assertTrue(labels.containsAll(List.of("O", "B-fromloc.city_name", "B-toloc.city_name", "B-stoploc.city_name",
                "B-depart_time.time", "B-arrive_time.time", "B-flight_number", "B-airline_name", "I-airline_name",
                "B-class_type", "B-round_trip", "B-depart_date.day_name", "B-return_date.day_name")), labels.toString());
        assertTrue(mayLabels.containsAll(List.of("O", "B-depart_date.month_name")), mayLabels.toString());
        assertTrue(firstLabels.size() >= 2, firstLabels.toString());
        assertTrue(multiWordCity && toBeforeVerb && digits);
        assertTrue(train.tokenCount() > 10 * train.size(), "sentences of about a dozen words");
    }

    @Test
    void conllTextReadsBackWithTheSameLines(@TempDir Path dir) throws IOException {
        SyntheticSlots.Split split = SyntheticSlots.generate(3, 30, 10, 10);
        TaggedCorpus back = ConllReader.parse(SyntheticSlots.toConll(split.train()), split.train().source());
        assertEquals(split.train(), back);
        List<Path> files = SyntheticSlots.write(split, dir.resolve("data"));
        assertEquals(List.of("train.conll", "dev.conll", "test.conll"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(split.test().sentences(), ConllReader.read(files.get(2)).sentences());
    }

    @Test
    void withoutUnseenLabelsKeepsOnlyKnownLabels() {
        SyntheticSlots.Split split = SyntheticSlots.generate(5, 40, 200, 200).withoutUnseenLabels();
        Set<String> known = new HashSet<>();
        split.train().forEach(s -> known.addAll(List.of(s.labels())));
        for (TaggedCorpus c : List.of(split.dev(), split.test())) {
            assertTrue(c.size() > 0 && c.size() < 200, "some kept, some left out: " + c.size());
            c.forEach(s -> assertTrue(known.containsAll(List.of(s.labels())), s.toString()));
            assertEquals(c, ConllReader.parse(SyntheticSlots.toConll(c), c.source()));
        }
    }

    @Test
    void rejectsEmptySizes() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticSlots.generate(1, 0, 1, 1));
    }
}
