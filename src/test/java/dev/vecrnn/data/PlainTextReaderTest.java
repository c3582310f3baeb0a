package dev.vecrnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainTextReaderTest {
    @TempDir
    Path dir;

    /** The reader before it streamed: the whole file decoded, then BufferedReader lines and fields. */
    static List<String[]> wholeFileReference(byte[] bytes, String name) throws IOException {
        return referenceLines(TextFiles.lines(TextFiles.decodeUtf8(bytes, name)));
    }

    static List<String[]> referenceLines(BufferedReader in) throws IOException {
        List<String[]> out = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (out.isEmpty() && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            out.add(TextFiles.fields(line));
        }
        return out;
    }

    /** Lines or the error message, comparable. */
    static String outcome(ThrowingSupplier s) {
        try {
            StringBuilder sb = new StringBuilder();
            for (String[] l : s.get()) {
                sb.append(Arrays.toString(l)).append('\n');
            }
            return sb.toString();
        } catch (DataFormatException e) {
            return "error: " + e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    interface ThrowingSupplier {
        List<String[]> get() throws IOException;
    }

    /** Bytes rich in what the reader treats specially: line ends, spaces, BOMs, multi-byte and bad sequences. */
    static byte[] randomText(Random r, int n) {
        byte[][] pieces = {{'a'}, {'b'}, {'c', 'd'}, {' '}, {'\t'}, {'\n'}, {'\r'}, {'\r', '\n'}, {0x0B}, {0x0C},
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xC3}, {(byte) 0x80}, {(byte) 0xFF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {'<', 'e', 'o', 's', '>'}};
        // mostly clean text, so that an error, when there is one, comes late
        boolean clean = r.nextInt(3) > 0;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < n) {
            int k = r.nextInt(pieces.length);
            if (clean && k >= 14 && k <= 17 && r.nextInt(200) != 0) {
                continue;
            }
            out.writeBytes(pieces[k]);
        }
        return out.toByteArray();
    }

    /** The token lines of {@link PlainTextReader#scan(InputStream, String, PlainTextReader.TokenSink)}. */
    static List<String[]> scanLines(InputStream in, String name) throws IOException {
        List<String[]> out = new ArrayList<>();
        List<String> line = new ArrayList<>();
        PlainTextReader.scan(in, name, new PlainTextReader.TokenSink() {
            @Override
            public void token(String token) {
                line.add(token);
            }

            @Override
            public void endOfLine() {
                out.add(line.toArray(String[]::new));
                line.clear();
            }
        });
        return out;
    }

    /** An input stream or reader that hands out a few units at a time, so that chunks split anywhere. */
    static InputStream trickle(byte[] b, Random r) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, 1 + r.nextInt(7)));
            }
        };
    }

    static Reader trickle(String s, Random r) {
        return new FilterReader(new StringReader(s)) {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, 1 + r.nextInt(7)));
            }
        };
    }

    @Test
    void sameLinesAndErrorsAsReadingTheWholeFile() throws IOException {
        Random r = new Random(20);
        for (int t = 0; t < 1500; t++) {
            int n = t < 1492 ? r.nextInt(60) : 60_000 + r.nextInt(90_000); // the long ones cross 64 KiB chunks
            byte[] b = randomText(r, n);
            Path f = Files.write(dir.resolve("t.txt"), b);
            String want = outcome(() -> wholeFileReference(b, f.toString()));
            assertEquals(want, outcome(() -> PlainTextReader.read(f)), "file " + t);
            assertEquals(want, outcome(() -> scanLines(trickle(b, r), f.toString())), "stream " + t);
            // decoded text through a Reader: no decoder BOM, the first line's BOM only
            String text = new String(b, StandardCharsets.UTF_8);
            assertEquals(outcome(() -> referenceLines(new BufferedReader(new StringReader(text)))),
                    outcome(() -> PlainTextReader.read(trickle(text, r))), "reader " + t);
        }
    }

    @Test
    void encodeAndVocabularyOfAFileAreThoseOfItsLines() throws IOException {
        Random r = new Random(21);
        for (int t = 0; t < 60; t++) {
            byte[] b = new String(randomText(r, r.nextInt(3000)), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
            Path f = Files.write(dir.resolve("t.txt"), b);
            List<String[]> lines = PlainTextReader.read(f);
            int minCount = 1 + r.nextInt(3), maxSize = r.nextBoolean() ? 0 : 2 + r.nextInt(6);
            Vocabulary v = Vocabulary.forLanguageModel(lines, minCount, maxSize);
            assertEquals(v.words(), Vocabulary.forLanguageModel(f, minCount, maxSize).words());
            assertArrayEquals(PlainTextReader.encode(lines, v), PlainTextReader.encode(f, v));
        }
    }

    @Test
    void aTokenLongerThanTheCapIsAnErrorNamingFileLineAndCharacter() throws IOException {
        int cap = PlainTextReader.MAX_TOKEN_CHARS;
        // exactly the cap is a token; one more character is an error
        String exact = "x".repeat(cap);
        List<String[]> lines = PlainTextReader.read(new StringReader("a\n  b " + exact + " c"));
        assertEquals(2, lines.size());
        assertEquals(cap, lines.get(1)[1].length());
        Path f = Files.writeString(dir.resolve("long.txt"), "a\nb\n\t\u00e9 " + "y".repeat(cap + 1) + " z\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PlainTextReader.read(f));
        assertEquals(f + ":3: a token longer than 1,048,576 characters, starting at character 4 of the line"
                + " (tokens are separated by spaces, tabs or line breaks; is this a text file?)", e.getMessage());
        assertEquals(3, e.line());
    }

    /** "word " again and again, {@code bytes} bytes and no line end, made as it is read. */
    static InputStream oneLongLine(long bytes) {
        return new InputStream() {
            long left = bytes;

            @Override
            public int read() {
                return left-- > 0 ? "word ".charAt((int) ((bytes - left - 1) % 5)) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                long at = bytes - left;
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) "word ".charAt((int) ((at + i) % 5));
                }
                left -= n;
                return n;
            }
        };
    }

    /** The child JVM of the long-line test: counts the words of one long line as the vocabulary does. */
    public static final class LongLine {
        public static void main(String[] args) throws IOException {
            long bytes = Long.parseLong(args[0]);
            long[] tokens = {0, 0, 0}; // tokens, line ends, tokens other than "word"
            Vocabulary.Builder counts = Vocabulary.builder();
            PlainTextReader.scan(oneLongLine(bytes), "long-line", new PlainTextReader.TokenSink() {
                @Override
                public void token(String token) {
                    tokens[0]++;
                    if (!token.equals("word")) {
                        tokens[2]++;
                    }
                    counts.add(token);
                }

                @Override
                public void endOfLine() {
                    tokens[1]++;
                    counts.add(Vocabulary.LM_EOS);
                }
            });
            System.out.println(tokens[0] + " " + tokens[1] + " " + tokens[2] + " " + counts.count("word") + " "
                    + Runtime.getRuntime().maxMemory());
        }
    }

    /**
     * A 260 MiB line (52 Mi tokens, never held anywhere: made as it is read) is read in a child JVM whose
     * whole heap is 24 MB, a tenth of the line: the reader holds a token at a time, not the line.
     * The reader before this one held the whole file, as bytes and then as chars: over 750 MB here.
     */
    @Test
    void aLineTenTimesLargerThanTheHeapIsReadATokenAtATime() throws Exception {
        long bytes = 5L * (52 << 20); // 260 MiB, 52 Mi words
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-Xmx24m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        String cp = System.getProperty("java.class.path");
        for (Class<?> c : new Class<?>[] {PlainTextReader.class, PlainTextReaderTest.class}) {
            cp = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator + cp;
        }
        cmd.add(cp);
        cmd.add(LongLine.class.getName());
        cmd.add(Long.toString(bytes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String[] f = out.split(" ");
        long words = bytes / 5;
        assertEquals(List.of(Long.toString(words), "1", "0", Long.toString(words)), List.of(f).subList(0, 4), out);
        long heap = Long.parseLong(f[4]);
        assertTrue(heap * 10 <= bytes, "the child's heap " + heap + " is not a tenth of the line");
    }
}
