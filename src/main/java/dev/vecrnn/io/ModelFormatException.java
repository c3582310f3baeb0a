package dev.vecrnn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or weights file that cannot be read: truncated, not of this format, of an unknown version,
 * corrupted (a checksum mismatch), or holding sizes that are out of range or disagree with each
 * other. The message names the file and what is wrong; nothing was built from the file.
 */
public class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelFormatException(Path file, String detail) {
        super(file + ": " + detail);
        this.file = file;
    }

    public ModelFormatException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }
}
