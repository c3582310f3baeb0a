package dev.vecrnn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes {@link Safetensors#read}: any bytes end in the file's tensors or in a
 * {@link ModelFormatException} (or another {@link IOException}) with a message, never in another
 * exception, and reading allocates at most a small multiple of the file's size. Seeds and findings:
 * {@code src/test/resources/dev/vecrnn/io/SafetensorsFuzzTestInputs/read/}.
 */
class SafetensorsFuzzTest {
    @FuzzTest
    void read(byte[] input) throws Exception {
        Path file = FuzzChecks.write("tensors.safetensors", input);
        // the file read once, the header as chars and maps, the data once as floats
        FuzzChecks.bounded(input.length, 32, 4 << 20, "Safetensors.read", () -> {
            try {
                Safetensors.Contents c = Safetensors.read(file);
                assertNotNull(c.tensors(), "read without tensors");
                assertNotNull(c.metadata(), "read without metadata");
            } catch (IOException e) {
                FuzzChecks.checkMessage(e);
            }
        });
    }
}
