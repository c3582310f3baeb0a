package dev.vecrnn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes {@link ConllReader#read(Path)}: any bytes end in a corpus or in a {@link DataFormatException}
 * (or an {@link IOException}) with a message naming file and line, never in another exception, and
 * reading allocates at most a small multiple of the file's size. Seeds and findings:
 * {@code src/test/resources/dev/vecrnn/data/ConllReaderFuzzTestInputs/read/}.
 */
class ConllReaderFuzzTest {
    @FuzzTest
    void read(byte[] input) throws Exception {
        Path file = FuzzChecks.write("data.conll", input);
        // bytes, chars (2 a byte, twice), and per token a String and list slots
        FuzzChecks.bounded(input.length, 96, 1 << 20, "ConllReader.read", () -> {
            try {
                TaggedCorpus c = ConllReader.read(file);
                if (c.sentences().isEmpty()) {
                    throw new AssertionError("a corpus without sentences");
                }
            } catch (DataFormatException e) {
                FuzzChecks.checkMessage(e);
                if (!e.getMessage().startsWith(file + ":" + e.line() + ": ") || e.line() < 1) {
                    throw new AssertionError("message does not start with file:line: " + e.getMessage());
                }
            } catch (IOException e) {
                FuzzChecks.checkMessage(e);
            }
        });
    }
}
