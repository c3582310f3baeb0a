package dev.vecrnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static final String TRAIN = """
            show O
            flights O
            to O
            Boston B-toloc.city_name

            show O
            flights O
            at O
            10 B-depart_time.time
            pm I-depart_time.time

            flights O
            to O
            boston B-toloc.city_name
            """;

    @Test
    void rareAndUnseenWordsBecomeUnk() {
        TaggedCorpus train = ConllReader.parse(TRAIN, "train.conll");
        TaggingVocabulary v = TaggingVocabulary.build(train); // min count 2, no folding
        // counts: flights 3, show 2, to 2; the rest once. Ties by first occurrence.
        assertEquals(List.of("flights", "show", "to", "<UNK>"), v.words().words());
        assertEquals(3, v.words().unknownId());
        assertEquals(3, v.wordId("Boston"));
        assertEquals(3, v.wordId("never-seen"));
        assertEquals(0, v.wordId("flights"));
        assertEquals(List.of("O", "B-toloc.city_name", "B-depart_time.time", "I-depart_time.time"), v.labels().words());
        assertEquals(4, v.labelCount());
        assertEquals(-1, v.labels().unknownId());

        EncodedCorpus e = v.encode(train);
        assertEquals(3, e.size());
        assertEquals(12, e.tokenCount());
        assertEquals(5, e.maxLength());
        assertArrayEquals(new int[] {1, 0, 2, 3}, e.words()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 1}, e.labels()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 2, 3}, e.labels()[1]);
        assertArrayEquals(new String[] {"O", "B-depart_time.time"}, v.decodeLabels(new int[] {0, 2, 1}, 2));
    }

    @Test
    void foldingCaseAndDigits() {
        WordNormalizer n = WordNormalizer.CASE_AND_DIGITS;
        assertEquals("DIGITDIGITDIGIT", n.normalize("123"));
        assertEquals("flightDIGITDIGIT", n.normalize("Flight42"));
        assertEquals("aDIGITb", new WordNormalizer(false, true).normalize("a٣b")); // Arabic-Indic digit
        assertEquals("Boston", WordNormalizer.NONE.normalize("Boston"));
        assertEquals("boston", new WordNormalizer(true, false).normalize("BOSTON"));
        assertEquals("b7", new WordNormalizer(true, false).normalize("B7"));

        TaggedCorpus train = ConllReader.parse(TRAIN + "\nat O\n11 O\n", "train.conll");
        TaggingVocabulary v = TaggingVocabulary.build(train, n, 2);
        // boston 2 (Boston + boston), DIGITDIGIT 2 (10, 11), at 2
        assertTrue(v.words().contains("boston"));
        assertTrue(v.words().contains("DIGITDIGIT"));
        assertEquals(v.wordId("BOSTON"), v.words().id("boston"));
        assertEquals(v.wordId("99"), v.words().id("DIGITDIGIT"));
        assertEquals(v.words().unknownId(), v.wordId("123"));
        // min count 1 keeps every word
        // show flights to Boston at 10 pm boston 11, and <UNK>
        assertEquals(9 + 1, TaggingVocabulary.build(train, WordNormalizer.NONE, 1).wordCount());
    }

    @Test
    void labelsUnseenInTrainingGetIdsNoModelCanOutput() {
        TaggingVocabulary v = TaggingVocabulary.build(ConllReader.parse(TRAIN, "train.conll"));
        // labels: O, B-toloc.city_name, B-depart_time.time, I-depart_time.time
        assertEquals(4, v.labelCount());
        TaggedCorpus dev = ConllReader.parse("to O\nboston B-toloc.city_name\n\nfrom O\ndenver B-fromloc.city_name\n"
                + "\nto O\ndallas B-fromloc.city_name\nNN X\n", "dev.conll");
        EncodedCorpus e = v.encode(dev);
        assertEquals(List.of("B-fromloc.city_name", "X"), e.unseenLabels());
        assertArrayEquals(new int[] {0, 1}, e.labels()[0]);
        assertArrayEquals(new int[] {0, 4}, e.labels()[1]);
        assertArrayEquals(new int[] {0, 4, 5}, e.labels()[2]);
        assertEquals(List.of("O", "B-toloc.city_name", "B-depart_time.time", "I-depart_time.time",
                "B-fromloc.city_name", "X"), e.labelNames(v.labels().words()));
        assertEquals(java.util.Map.of("B-fromloc.city_name", 2L, "X", 1L), e.unseenLabelCounts(4));
        assertEquals(List.of("B-fromloc.city_name", "X"), List.copyOf(e.unseenLabelCounts(4).keySet()));
        assertEquals(3, e.unseenLabelTokens(4));
        // the training data itself never has one
        EncodedCorpus t = v.encode(ConllReader.parse(TRAIN, "train.conll"));
        assertEquals(List.of(), t.unseenLabels());
        assertEquals(0, t.unseenLabelTokens(4));
        assertEquals(v.labels().words(), t.labelNames(v.labels().words()));
    }

    @Test
    void languageModelVocabularyOrder() throws IOException {
        List<String[]> lines = PlainTextReader.read(new StringReader("b a c\na b\n\nd a\n"));
        assertEquals(4, lines.size());
        assertEquals(0, lines.get(2).length);
        // counts: a 3, b 2, c 1, d 1, <eos> 4 (one per line): <eos> first, then a, b, then c before d
        Vocabulary all = Vocabulary.forLanguageModel(lines, 1, 0);
        assertEquals(List.of("<eos>", "a", "b", "c", "d", "<unk>"), all.words());
        assertEquals(5, all.unknownId());
        Vocabulary min2 = Vocabulary.forLanguageModel(lines, 2, 0);
        assertEquals(List.of("<eos>", "a", "b", "<unk>"), min2.words());
        // max size counts the reserved words: 4 = <eos>, <unk> and the two most frequent others
        Vocabulary max4 = Vocabulary.forLanguageModel(lines, 1, 4);
        assertEquals(List.of("<eos>", "a", "b", "<unk>"), max4.words());
        Vocabulary max3 = Vocabulary.forLanguageModel(lines, 1, 3);
        assertEquals(List.of("<eos>", "a", "<unk>"), max3.words());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.forLanguageModel(lines, 1, 1));
        // a literal <unk> in the text is ranked by its count like any word
        Vocabulary lit = Vocabulary.forLanguageModel(List.<String[]>of(new String[] {"<unk>", "<unk>", "x"}), 1, 0);
        assertEquals(List.of("<unk>", "x", "<eos>"), lit.words());

        int[] ids = PlainTextReader.encode(lines, min2);
        assertArrayEquals(new int[] {2, 1, 3, 0, 1, 2, 0, 0, 3, 1, 0}, ids);
    }

    @Test
    void vocabularyOfAFixedList() {
        Vocabulary v = Vocabulary.of(List.of("x", "<UNK>", "y"), "<UNK>");
        assertEquals(1, v.idOrUnknown("zzz"));
        assertEquals(2, v.id("y"));
        assertEquals(-1, v.id("zzz"));
        assertEquals("<UNK>", v.unknownWord());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("x", "x"), null));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("x"), "<UNK>"));
        Vocabulary noUnk = Vocabulary.of(List.of("x"), null);
        assertThrows(IllegalArgumentException.class, () -> noUnk.idOrUnknown("y"));
    }
}
