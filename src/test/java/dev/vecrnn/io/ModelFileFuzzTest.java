package dev.vecrnn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes {@link ModelFile#load}: any bytes end in a loaded model or in a {@link ModelFormatException}
 * (or another {@link IOException}) with a message, never in another exception, and loading allocates
 * at most a small multiple of the file's size. The normal test run replays the seeds and findings in
 * {@code src/test/resources/dev/vecrnn/io/ModelFileFuzzTestInputs/load/}; {@code ./vecrnn fuzz}
 * fuzzes for real.
 */
class ModelFileFuzzTest {
    @FuzzTest
    void load(byte[] input) throws Exception {
        Path file = FuzzChecks.write("model.bin", input);
        // the file read once, the tensors copied once, the model's own buffers: a few times the file
        FuzzChecks.bounded(input.length, 16, 4 << 20, "ModelFile.load", () -> {
            try {
                ModelFile.Loaded m = ModelFile.load(file);
                if (m.model() == null || m.kind() == null) {
                    throw new AssertionError("loaded without a model");
                }
            } catch (IOException e) {
                FuzzChecks.checkMessage(e);
            }
        });
    }
}
