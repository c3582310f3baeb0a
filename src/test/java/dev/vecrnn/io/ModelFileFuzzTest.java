package dev.vecrnn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecrnn.FuzzChecks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes {@link ModelFile#load}: any bytes end in a loaded model or in a {@link ModelFormatException}
 * (or another {@link IOException}) with a message, never in another exception, and loading allocates
 * at most a small multiple of the file's size. Each input is also loaded with its section checksums
 * made right, so that the fuzzer gets past the CRC32 of every section. The normal test run replays the seeds and findings in
 * {@code src/test/resources/dev/vecrnn/io/ModelFileFuzzTestInputs/load/}; {@code ./vecrnn fuzz}
 * fuzzes for real.
 */
class ModelFileFuzzTest {
    @FuzzTest
    void load(byte[] input) throws Exception {
        check(input);
        // the same bytes with every section's checksum made right, so that mutations inside a section
        // reach the parsers behind the CRC check instead of stopping at it
        byte[] fixed = withChecksumsFixed(input);
        if (fixed != null) {
            check(fixed);
        }
    }

    private static void check(byte[] input) throws Exception {
        Path file = FuzzChecks.write("model.bin", input);
        // the file read once, the tensors copied once, the model's own buffers: a few times the file
        FuzzChecks.bounded(input.length, 16, 4 << 20, "ModelFile.load", () -> {
            try {
                ModelFile.Loaded m = ModelFile.load(file);
                assertNotNull(m.model(), "loaded without a model");
                assertNotNull(m.kind(), "loaded without a kind");
            } catch (IOException e) {
                FuzzChecks.checkMessage(e);
            }
        });
    }

    /**
     * {@code input} with the CRC32 of each section that fits replaced by the payload's own, or null when
     * that changes nothing (no section fits, or every checksum was right).
     */
    static byte[] withChecksumsFixed(byte[] input) {
        int header = ModelFile.MAGIC.length + 4;
        if (input.length < header) {
            return null;
        }
        byte[] out = input.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        boolean changed = false;
        int at = header;
        while (out.length - at >= 16) {
            long length = b.getLong(at + 4);
            if (length < 0 || length > out.length - at - 16L) {
                break;
            }
            int payload = at + 12, end = payload + (int) length;
            CRC32 crc = new CRC32();
            crc.update(out, payload, (int) length);
            if (b.getInt(end) != (int) crc.getValue()) {
                b.putInt(end, (int) crc.getValue());
                changed = true;
            }
            at = end + 4;
        }
        return changed ? out : null;
    }
}
