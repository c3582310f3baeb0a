package dev.vecrnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Strict UTF-8 decoding shared by the readers: a malformed or unmappable byte sequence is a
 * {@link DataFormatException} naming the line where it occurs (never a silent U+FFFD).
 */
final class TextFiles {
    private TextFiles() {}

    /** The display name of a file: its path as given. */
    static String displayName(Path file) {
        return file.toString();
    }

    /** Reads and decodes a whole file; a leading byte-order mark is dropped. */
    static String readUtf8(Path file) throws IOException {
        return decodeUtf8(Files.readAllBytes(file), displayName(file));
    }

    /** Reads and decodes a whole stream (not closed); a leading byte-order mark is dropped. */
    static String readUtf8(InputStream in, String name) throws IOException {
        return decodeUtf8(in.readAllBytes(), name);
    }

    /** Decodes bytes as strict UTF-8; a leading byte-order mark is dropped. */
    static String decodeUtf8(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never has more chars than bytes
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            throw new DataFormatException(name, lineOfByte(bytes, at),
                    "not valid UTF-8: " + r.length() + " bad byte(s) at byte offset " + at + " (0x"
                            + hex(bytes, at, r.length()) + ")");
        }
        out.flip();
        if (out.hasRemaining() && out.charAt(0) == '\uFEFF') {
            out.position(1);
        }
        return out.toString();
    }

    /** 1-based line number of byte offset {@code at}, counting \n, \r\n and lone \r as BufferedReader does. */
    static int lineOfByte(byte[] b, int at) {
        int line = 1;
        for (int i = 0; i < at && i < b.length; i++) {
            if (b[i] == '\n') {
                line++;
            } else if (b[i] == '\r') {
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                    if (i >= at) {
                        break;
                    }
                }
                line++;
            }
        }
        return line;
    }

    private static String hex(byte[] b, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(b.length, from + n); i++) {
            sb.append(String.format("%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }

    static BufferedReader lines(String text) {
        return new BufferedReader(new StringReader(text));
    }

    static BufferedReader lines(Reader reader) {
        return reader instanceof BufferedReader br ? br : new BufferedReader(reader);
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u000B' || c == '\f';
    }

    /** Splits on runs of ASCII whitespace (space, tab, CR, LF, VT, FF); no empty fields. */
    static String[] fields(String line) {
        int n = 0;
        int len = line.length();
        for (int i = 0; i < len; ) {
            while (i < len && isSpace(line.charAt(i))) {
                i++;
            }
            if (i < len) {
                n++;
            }
            while (i < len && !isSpace(line.charAt(i))) {
                i++;
            }
        }
        String[] f = new String[n];
        int k = 0;
        for (int i = 0; i < len; ) {
            while (i < len && isSpace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < len && !isSpace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                f[k++] = line.substring(start, i);
            }
        }
        return f;
    }
}
