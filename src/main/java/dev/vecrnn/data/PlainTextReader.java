package dev.vecrnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads plain text for language models (SPEC §3): UTF-8 (bytes that are not valid UTF-8 are a
 * {@link DataFormatException} naming file and line), one sentence per line, tokens separated by
 * whitespace. Lines are returned as token arrays without {@code <eos>}; blank lines give empty
 * arrays (they still end with {@code <eos>} when encoded).
 */
public final class PlainTextReader {
    private PlainTextReader() {}

    /** The token lines of a file. */
    public static List<String[]> read(Path file) throws IOException {
        return read(TextFiles.lines(TextFiles.readUtf8(file)));
    }

    /** The token lines of decoded text (the reader is read to its end, not closed). */
    public static List<String[]> read(Reader reader) throws IOException {
        return read(TextFiles.lines(reader));
    }

    private static List<String[]> read(BufferedReader in) throws IOException {
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

    /**
     * The lines as one stream of ids, {@code <eos>} after every line, words outside the vocabulary
     * as its unknown word.
     */
    public static int[] encode(List<String[]> lines, Vocabulary vocabulary) {
        int eos = vocabulary.id(Vocabulary.LM_EOS);
        if (eos < 0) {
            throw new IllegalArgumentException("the vocabulary has no " + Vocabulary.LM_EOS);
        }
        long n = 0;
        for (String[] l : lines) {
            n += l.length + 1;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("corpus too large for one int[]: " + n + " tokens");
        }
        int[] ids = new int[(int) n];
        int k = 0;
        for (String[] l : lines) {
            for (String w : l) {
                ids[k++] = vocabulary.idOrUnknown(w);
            }
            ids[k++] = eos;
        }
        return ids;
    }
}
