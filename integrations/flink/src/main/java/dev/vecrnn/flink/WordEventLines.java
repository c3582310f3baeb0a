package dev.vecrnn.flink;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Parses text lines into {@link WordEvent}s: {@code key word} is the next word of stream {@code key},
 * a line holding only {@code key} ends that key's sentence, and a blank line is skipped (split on
 * whitespace; a line of three or more fields is the key, its first word, and more words of the same key).
 */
public class WordEventLines implements FlatMapFunction<String, WordEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(String line, Collector<WordEvent> out) {
        String[] fields = line.strip().split("\\s+");
        if (fields.length == 0 || fields[0].isEmpty()) {
            return;
        }
        if (fields.length == 1) {
            out.collect(WordEvent.endOfSentence(fields[0]));
            return;
        }
        for (int i = 1; i < fields.length; i++) {
            out.collect(WordEvent.word(fields[0], fields[i]));
        }
    }
}
