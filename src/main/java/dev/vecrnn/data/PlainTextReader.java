package dev.vecrnn.data;

import dev.vecrnn.util.HeapCheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads plain text for language models (SPEC §3): UTF-8 (bytes that are not valid UTF-8 are a
 * {@link DataFormatException} naming file and line), one sentence per line (ended by \n, \r\n or a
 * lone \r), tokens separated by whitespace (space, tab, VT, FF). Lines are returned as token arrays
 * without {@code <eos>}; blank lines give empty arrays (they still end with {@code <eos>} when
 * encoded). A leading byte-order mark is dropped.
 *
 * <p>The text is read as a stream, a token at a time: {@link #scan} holds 64 KiB of bytes, 64 Ki
 * characters and the current token, never a whole line or file, so a file that is one line of a
 * gigabyte reads in the same memory as a short one. A token longer than {@link #MAX_TOKEN_CHARS}
 * characters is a {@link DataFormatException} naming the file, the line and where the token starts:
 * no word is that long, and text without separators is not a corpus (a binary file, say), so it is
 * refused rather than split. {@link #read} collects the token lines (its result grows with the file);
 * {@link #encode(Path, Vocabulary)} and {@link Vocabulary#forLanguageModel(Path, int, int)} only keep
 * the ids and the word counts.
 */
public final class PlainTextReader {
    /** The longest token read (1 Mi characters); a longer one is a {@link DataFormatException}. */
    public static final int MAX_TOKEN_CHARS = 1 << 20;

    private static final int CHUNK = 1 << 16;

    private PlainTextReader() {}

    /** What {@link #scan} reports: each token of a line in order, then the end of that line. */
    public interface TokenSink {
        /** The next token of the current line (never empty, at most {@link #MAX_TOKEN_CHARS} chars). */
        void token(String token);

        /** The current line ended (after its last token; also for a blank line). */
        void endOfLine();
    }

    /** The token lines of a file. */
    public static List<String[]> read(Path file) throws IOException {
        LineCollector lines = new LineCollector();
        scan(file, lines);
        return lines.out;
    }

    /** The token lines of decoded text (the reader is read to its end, not closed). */
    public static List<String[]> read(Reader reader) throws IOException {
        LineCollector lines = new LineCollector();
        scan(reader, "<text>", lines);
        return lines.out;
    }

    /** Streams the tokens and line ends of a file to {@code sink}. */
    public static void scan(Path file, TokenSink sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            scan(in, TextFiles.displayName(file), sink);
        }
    }

    /**
     * Streams the tokens and line ends of UTF-8 bytes (read to their end, not closed) to
     * {@code sink}; {@code name} names the input in error messages.
     */
    public static void scan(InputStream in, String name, TokenSink sink) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Tokenizer t = new Tokenizer(name, sink, true);
        byte[] bytes = new byte[CHUNK];
        ByteBuffer bb = ByteBuffer.wrap(bytes).limit(0);
        CharBuffer cb = CharBuffer.allocate(CHUNK);
        long base = 0; // offset in the input of bytes[0]
        boolean eof = false;
        while (true) {
            if (!eof) { // keep the bytes not yet decoded, read more behind them
                base += bb.position();
                bb.compact();
                int n = in.read(bytes, bb.position(), bb.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bb.position(bb.position() + n);
                }
                bb.flip();
            }
            CoderResult r = decoder.decode(bb, cb, eof);
            if (eof && r.isUnderflow()) {
                r = decoder.flush(cb);
            }
            t.feed(cb.array(), 0, cb.position()); // the characters before an error too: they count its line
            cb.clear();
            if (r.isError()) {
                int at = bb.position();
                throw new DataFormatException(name, t.lineNumber(), "not valid UTF-8: " + r.length()
                        + " bad byte(s) at byte offset " + (base + at) + " (0x" + hex(bytes, at,
                        Math.min(r.length(), bb.limit() - at)) + ")");
            }
            if (eof && r.isUnderflow()) {
                break;
            }
        }
        t.finish();
    }

    /**
     * Streams the tokens and line ends of decoded text (read to its end, not closed) to {@code sink};
     * {@code name} names the input in error messages.
     */
    public static void scan(Reader reader, String name, TokenSink sink) throws IOException {
        Tokenizer t = new Tokenizer(name, sink, false);
        char[] buf = new char[CHUNK];
        for (int n; (n = reader.read(buf)) >= 0; ) {
            t.feed(buf, 0, n);
        }
        t.finish();
    }

    /**
     * The file as one stream of ids, {@code <eos>} after every line, words outside the vocabulary as
     * its unknown word; the same ids as {@code encode(read(file), vocabulary)} without holding the
     * token lines. The file is read twice (once to count its tokens, so that a corpus whose ids would
     * not fit in the heap is refused before the array is allocated).
     */
    public static int[] encode(Path file, Vocabulary vocabulary) throws IOException {
        int eos = eosId(vocabulary);
        long[] n = {0};
        scan(file, new TokenSink() {
            @Override
            public void token(String token) {
                n[0]++;
            }

            @Override
            public void endOfLine() {
                n[0]++;
            }
        });
        IdWriter w = new IdWriter(allocate(n[0], file + " (" + String.format(Locale.ROOT, "%,d", n[0]) + " tokens)"),
                vocabulary, eos);
        scan(file, w);
        if (w.k != w.ids.length) {
            throw new IOException(file + ": the file changed while it was read (another number of tokens)");
        }
        return w.ids;
    }

    /** Writes ids into an array of the counted size; one more (the file grew) is counted, not written. */
    private static final class IdWriter implements TokenSink {
        final int[] ids;
        final Vocabulary vocabulary;
        final int eos;
        long k;

        IdWriter(int[] ids, Vocabulary vocabulary, int eos) {
            this.ids = ids;
            this.vocabulary = vocabulary;
            this.eos = eos;
        }

        @Override
        public void token(String token) {
            put(vocabulary.idOrUnknown(token));
        }

        @Override
        public void endOfLine() {
            put(eos);
        }

        private void put(int id) {
            if (k < ids.length) {
                ids[(int) k] = id;
            }
            k++;
        }
    }

    /**
     * The lines as one stream of ids, {@code <eos>} after every line, words outside the vocabulary
     * as its unknown word.
     */
    public static int[] encode(List<String[]> lines, Vocabulary vocabulary) {
        int eos = eosId(vocabulary);
        long n = 0;
        for (String[] l : lines) {
            n += l.length + 1;
        }
        int[] ids = allocate(n, "the lines (" + String.format(Locale.ROOT, "%,d", n) + " tokens)");
        int k = 0;
        for (String[] l : lines) {
            for (String w : l) {
                ids[k++] = vocabulary.idOrUnknown(w);
            }
            ids[k++] = eos;
        }
        return ids;
    }

    private static int eosId(Vocabulary vocabulary) {
        int eos = vocabulary.id(Vocabulary.LM_EOS);
        if (eos < 0) {
            throw new IllegalArgumentException("the vocabulary has no " + Vocabulary.LM_EOS);
        }
        return eos;
    }

    private static int[] allocate(long n, String what) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("corpus too large for one int[]: " + n + " tokens");
        }
        HeapCheck.require(4 * n, "the id array of " + what);
        try {
            return new int[(int) n];
        } catch (OutOfMemoryError e) { // one array is bounded by a part of the heap, not all of it
            throw HeapCheck.notAllocated(4 * n, "the id array of " + what, e);
        }
    }

    private static String hex(byte[] b, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            sb.append(String.format("%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }

    /** Collects the token lines for {@link #read}. */
    private static final class LineCollector implements TokenSink {
        final List<String[]> out = new ArrayList<>();
        final List<String> line = new ArrayList<>();

        @Override
        public void token(String token) {
            line.add(token);
        }

        @Override
        public void endOfLine() {
            out.add(line.toArray(String[]::new));
            line.clear();
        }
    }

    /**
     * Splits characters into tokens and lines as {@code BufferedReader.readLine} and
     * {@link TextFiles#fields} do: a line ends at \n, \r or \r\n, the text after the last line end is a
     * line when it has any character; a byte-order mark at the start of the first line is dropped
     * (once more when reading bytes, where the decoder drops one, as {@link TextFiles#decodeUtf8}
     * did).
     */
    private static final class Tokenizer {
        private final String name;
        private final TokenSink sink;
        private boolean dropStreamBom;
        private long line = 1;
        private long lineChars; // characters of the current line so far
        private boolean afterCr;
        private char[] token = new char[64];
        private int tokenLength;
        private long tokenStart; // 0-based character of the line where the pending token starts

        Tokenizer(String name, TokenSink sink, boolean dropStreamBom) {
            this.name = name;
            this.sink = sink;
            this.dropStreamBom = dropStreamBom;
        }

        int lineNumber() {
            return (int) Math.min(line, Integer.MAX_VALUE);
        }

        void feed(char[] a, int from, int to) {
            int i = from;
            if (dropStreamBom && i < to) {
                dropStreamBom = false;
                if (a[i] == '\uFEFF') {
                    i++;
                }
            }
            while (i < to) {
                char c = a[i];
                if (c == '\n' || c == '\r') {
                    endToken();
                    i++;
                    if (c == '\n' && afterCr) {
                        afterCr = false;
                        continue;
                    }
                    sink.endOfLine();
                    line++;
                    lineChars = 0;
                    afterCr = c == '\r';
                    continue;
                }
                afterCr = false;
                if (TextFiles.isSpace(c)) {
                    endToken();
                    lineChars++;
                    i++;
                    continue;
                }
                if (c == '\uFEFF' && line == 1 && lineChars == 0) {
                    lineChars++;
                    i++;
                    continue;
                }
                int start = i;
                while (i < to && !TextFiles.isSpace(a[i])) {
                    i++;
                }
                if (tokenLength == 0) {
                    tokenStart = lineChars;
                }
                lineChars += i - start;
                if (tokenLength == 0 && i < to) { // the whole token is in this chunk
                    if (i - start > MAX_TOKEN_CHARS) {
                        throw tooLong();
                    }
                    sink.token(new String(a, start, i - start));
                } else {
                    append(a, start, i - start);
                }
            }
        }

        private void append(char[] a, int from, int n) {
            if (n > MAX_TOKEN_CHARS - tokenLength) {
                throw tooLong();
            }
            if (tokenLength + n > token.length) {
                token = java.util.Arrays.copyOf(token, (int) Math.min(MAX_TOKEN_CHARS,
                        Math.max(2L * token.length, tokenLength + n)));
            }
            System.arraycopy(a, from, token, tokenLength, n);
            tokenLength += n;
        }

        private void endToken() {
            if (tokenLength > 0) {
                sink.token(new String(token, 0, tokenLength));
                tokenLength = 0;
                if (token.length > CHUNK) { // do not keep a long token's buffer
                    token = new char[64];
                }
            }
        }

        private DataFormatException tooLong() {
            return new DataFormatException(name, lineNumber(), String.format(Locale.ROOT,
                    "a token longer than %,d characters, starting at character %,d of the line (tokens are"
                            + " separated by spaces, tabs or line breaks; is this a text file?)",
                    MAX_TOKEN_CHARS, tokenStart + 1));
        }

        void finish() {
            endToken();
            if (lineChars > 0) {
                sink.endOfLine();
                line++;
                lineChars = 0;
            }
        }
    }
}
