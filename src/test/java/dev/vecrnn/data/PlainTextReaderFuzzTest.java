package dev.vecrnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link PlainTextReader#read(Path)}: any bytes end in token lines or in a
 * {@link DataFormatException} (or an {@link IOException}) with a message naming file and line, never
 * in another exception, reading allocates at most a small multiple of the file's size, and the lines or
 * the error are those of the whole-file reader it replaced (also with the bytes arriving a few at a
 * time). Seeds and
 * findings: {@code src/test/resources/dev/vecrnn/data/PlainTextReaderFuzzTestInputs/read/}.
 */
class PlainTextReaderFuzzTest {
    @FuzzTest
    void read(byte[] input) throws Exception {
        Path file = FuzzChecks.write("data.txt", input);
        // bytes, chars (2 a byte, twice), and per token a String and an array slot
        FuzzChecks.bounded(input.length, 96, 1 << 20, "PlainTextReader.read", () -> {
            try {
                List<String[]> lines = PlainTextReader.read(file);
                for (String[] l : lines) {
                    for (String w : l) {
                        assertFalse(w.isEmpty(), "an empty token");
                    }
                }
            } catch (DataFormatException e) {
                FuzzChecks.checkMessage(e);
                assertTrue(e.getMessage().startsWith(file + ":" + e.line() + ": ") && e.line() >= 1,
                        "message does not start with file:line: " + e.getMessage());
            } catch (IOException e) {
                FuzzChecks.checkMessage(e);
            }
        });
        // the streaming reader against the whole-file one it replaced (decode all, then readLine and
        // fields): the same lines or the same error, also when the bytes arrive a few at a time, so
        // that the decoder's chunks split lines, tokens and UTF-8 sequences everywhere
        String want = PlainTextReaderTest.outcome(() -> PlainTextReaderTest.wholeFileReference(input, file.toString()));
        assertEquals(want, PlainTextReaderTest.outcome(() -> PlainTextReader.read(file)), "read(Path)");
        assertEquals(want, PlainTextReaderTest.outcome(() -> PlainTextReaderTest.scanLines(
                PlainTextReaderTest.trickle(input, new Random(input.length)), file.toString())), "scan(trickle)");
    }
}
