package dev.vecrnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CoNLL-style tagged text (SPEC §3): UTF-8, one token per line, whitespace-separated
 * columns, the first column the word and the last the label (columns in between are ignored); a
 * blank line ends a sentence; lines starting with {@code -DOCSTART-} are skipped; the last sentence
 * needs no blank line after it. CR LF and lone CR line ends are accepted, and a leading byte-order
 * mark is dropped.
 *
 * <p>A line with one column, a file with no sentence, or bytes that are not valid UTF-8 raise
 * {@link DataFormatException}, whose message starts with {@code file:line:}.
 */
public final class ConllReader {
    /** Lines starting with this are document separators and are skipped. */
    public static final String DOCSTART = "-DOCSTART-";

    private ConllReader() {}

    /** Reads a file; its path is the display name in error messages. */
    public static TaggedCorpus read(Path file) throws IOException {
        String name = TextFiles.displayName(file);
        return parse(TextFiles.lines(TextFiles.readUtf8(file)), name);
    }

    /** Reads a byte stream as strict UTF-8 (the stream is read to its end, not closed). */
    public static TaggedCorpus read(InputStream in, String name) throws IOException {
        return parse(TextFiles.lines(TextFiles.readUtf8(in, name)), name);
    }

    /**
     * Reads already-decoded characters (the reader is read to its end, not closed); {@code name}
     * is used in error messages.
     */
    public static TaggedCorpus read(Reader reader, String name) throws IOException {
        return parse(TextFiles.lines(reader), name);
    }

    /** Parses text held in memory. */
    public static TaggedCorpus parse(String text, String name) {
        try {
            return parse(TextFiles.lines(text), name);
        } catch (IOException e) {
            throw new AssertionError("a StringReader does not fail", e);
        }
    }

    private static TaggedCorpus parse(BufferedReader in, String name) throws IOException {
        List<TaggedSentence> sentences = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        int lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            String[] f = TextFiles.fields(line);
            if (f.length == 0) {
                flush(sentences, words, labels, lines);
                continue;
            }
            if (f[0].startsWith(DOCSTART)) {
                continue;
            }
            if (f.length < 2) {
                throw new DataFormatException(name, lineNo,
                        "a token line needs at least two columns (word ... label), found one: '" + f[0] + "'");
            }
            words.add(f[0]);
            labels.add(f[f.length - 1]);
            lines.add(lineNo);
        }
        flush(sentences, words, labels, lines);
        if (sentences.isEmpty()) {
            throw new DataFormatException(name, Math.max(1, lineNo),
                    "no sentence in the file (" + lineNo + " line" + (lineNo == 1 ? "" : "s") + " read)");
        }
        return new TaggedCorpus(name, sentences);
    }

    private static void flush(List<TaggedSentence> out, List<String> words, List<String> labels, List<Integer> lines) {
        if (words.isEmpty()) {
            return;
        }
        int[] ln = new int[lines.size()];
        for (int i = 0; i < ln.length; i++) {
            ln[i] = lines.get(i);
        }
        out.add(new TaggedSentence(words.toArray(String[]::new), labels.toArray(String[]::new), ln));
        words.clear();
        labels.clear();
        lines.clear();
    }
}
