package dev.vecrnn.cli;

import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.nn.StreamingTagger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vecrnn tag}: tags text from standard input with a saved tagger, one sentence per line in,
 * {@code word/LABEL} pairs out; with {@code --stream}, word by word through the streaming tagger,
 * each label printed as soon as its right context is known.
 */
final class TagCommand {
    static final String USAGE = """
            usage: vecrnn tag --model MODEL [--stream]
              reads sentences from standard input, one per line, words separated by spaces, and writes
              each line as "word/LABEL word/LABEL ..."
              --stream   tag word by word: each label is printed (and flushed) as soon as the words it
                         depends on have been read, the last ones at the end of the line
            """;

    private static final List<String> VALUED = List.of("--model");
    private static final List<String> BARE = List.of("--stream", "--help", "-h");

    private TagCommand() {}

    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        return Commands.run("tag", USAGE, argv, VALUED, BARE, (args, o, e) -> tag(args, in, o), out, err);
    }

    private static int tag(Args args, InputStream in, PrintStream out) throws IOException {
        Path modelFile = args.path("--model");
        if (modelFile == null) {
            throw args.usage("needs --model MODEL");
        }
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        ElmanTagger tagger = loaded.tagger();
        TaggingVocabulary vocab = loaded.taggingVocabulary();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean stream = args.flag("--stream");
        StreamingTagger st = stream ? tagger.newStreamingTagger() : null;
        int[] labels = new int[16];
        String line;
        while ((line = reader.readLine()) != null) {
            String trimmed = line.strip();
            String[] words = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
            if (labels.length < words.length) {
                labels = new int[Math.max(words.length, 2 * labels.length)];
            }
            if (stream) {
                int next = 0;
                for (String w : words) {
                    int label = st.push(vocab.wordId(w));
                    if (label >= 0) {
                        print(out, words[next++], vocab.label(label), next == 1);
                        out.flush();
                    }
                }
                int n = st.finish(labels, 0);
                for (int i = 0; i < n; i++) {
                    print(out, words[next++], vocab.label(labels[i]), next == 1);
                }
            } else {
                int[] ids = vocab.encodeWords(words);
                tagger.tag(ids, labels);
                for (int i = 0; i < words.length; i++) {
                    print(out, words[i], vocab.label(labels[i]), i == 0);
                }
            }
            out.println();
            out.flush();
        }
        return 0;
    }

    private static void print(PrintStream out, String word, String label, boolean first) {
        if (!first) {
            out.print(' ');
        }
        out.print(word);
        out.print('/');
        out.print(label);
    }
}
