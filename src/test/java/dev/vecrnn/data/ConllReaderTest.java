package dev.vecrnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConllReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsAGoodFile() throws IOException {
        Path p = write("good.conll", """
                -DOCSTART- -X- O O

                EU NNP B-NP B-ORG
                rejects VBZ B-VP O
                German JJ B-NP B-MISC

                Peter NNP B-NP B-PER
                Blackburn NNP I-NP I-PER
                """);
        TaggedCorpus c = ConllReader.read(p);
        assertEquals(p.toString(), c.source());
        assertEquals(2, c.size());
        assertEquals(5, c.tokenCount());
        assertEquals(3, c.maxLength());
        TaggedSentence s0 = c.get(0);
        assertArrayEquals(new String[] {"EU", "rejects", "German"}, s0.words());
        assertArrayEquals(new String[] {"B-ORG", "O", "B-MISC"}, s0.labels());
        assertArrayEquals(new int[] {3, 4, 5}, s0.lines());
        // trailing sentence with no blank line after it
        assertArrayEquals(new String[] {"Peter", "Blackburn"}, c.get(1).words());
        assertArrayEquals(new int[] {7, 8}, c.get(1).lines());
    }

    @Test
    void twoColumnsTabsCrlfRepeatedBlankLinesAndBom() throws IOException {
        byte[] body = "\uFEFFi\tO\r\nwant O\r\n\r\n\r\n  \t \r\nboston\t \tB-toloc.city_name\r\n".getBytes(StandardCharsets.UTF_8);
        TaggedCorpus c = ConllReader.read(write("crlf.conll", body));
        assertEquals(2, c.size());
        assertArrayEquals(new String[] {"i", "want"}, c.get(0).words());
        assertArrayEquals(new String[] {"O", "O"}, c.get(0).labels());
        assertArrayEquals(new String[] {"B-toloc.city_name"}, c.get(1).labels());
        assertArrayEquals(new int[] {6}, c.get(1).lines());
        // the same through a Reader and through a stream
        TaggedCorpus viaReader = ConllReader.read(new StringReader(new String(body, StandardCharsets.UTF_8)), "x");
        assertEquals(c.sentences(), viaReader.sentences());
        assertEquals("x", viaReader.source());
        TaggedCorpus viaStream = ConllReader.read(new ByteArrayInputStream(body), "y");
        assertEquals(c.sentences(), viaStream.sentences());
    }

    @Test
    void oneColumnLineIsAnErrorWithFileAndLine() throws IOException {
        Path p = write("bad.conll", "a O\nb O\n\nc\nd O\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ConllReader.read(p));
        assertEquals(4, e.line());
        assertEquals(p.toString(), e.source());
        assertTrue(e.getMessage().startsWith(p + ":4: "), e.getMessage());
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }

    @Test
    void fileWithNoSentenceIsAnError() throws IOException {
        Path empty = write("empty.conll", "");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ConllReader.read(empty));
        assertTrue(e.getMessage().startsWith(empty + ":1: no sentence"), e.getMessage());
        Path onlyDoc = write("doc.conll", "-DOCSTART- O\n\n\n");
        e = assertThrows(DataFormatException.class, () -> ConllReader.read(onlyDoc));
        assertTrue(e.getMessage().startsWith(onlyDoc + ":3: no sentence"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> ConllReader.parse("\n", "mem"));
        assertEquals("mem", e.source());
    }

    @Test
    void malformedUtf8IsAnErrorWithFileAndLine() throws IOException {
        byte[] head = "a O\r\nb O\r\n\r\nc".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28}; // 0xC3 needs a continuation byte
        byte[] tail = " O\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        Path p = write("latin.conll", all);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ConllReader.read(p));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith(p + ":4: not valid UTF-8"), e.getMessage());
        DataFormatException e2 = assertThrows(DataFormatException.class,
                () -> ConllReader.read(new ByteArrayInputStream(all), "stream"));
        assertEquals("stream", e2.source());
        assertEquals(4, e2.line());
        // a truncated sequence at the very end of the file
        Path q = write("trunc.conll", new byte[] {'a', ' ', 'O', '\n', 'b', ' ', (byte) 0xE2, (byte) 0x82});
        e = assertThrows(DataFormatException.class, () -> ConllReader.read(q));
        assertEquals(2, e.line());
    }

    @Test
    void nonAsciiWordsAreKept() {
        TaggedCorpus c = ConllReader.parse("Zürich B-LOC\n東京 B-LOC\n", "u");
        assertArrayEquals(new String[] {"Zürich", "東京"}, c.get(0).words());
    }

    @Test
    void lineOfByteCountsLikeBufferedReader() {
        byte[] b = "a\r\nb\rc\nd".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, TextFiles.lineOfByte(b, 0));
        assertEquals(1, TextFiles.lineOfByte(b, 2)); // the \n of \r\n
        assertEquals(2, TextFiles.lineOfByte(b, 3));
        assertEquals(3, TextFiles.lineOfByte(b, 5));
        assertEquals(4, TextFiles.lineOfByte(b, 7));
    }
}
