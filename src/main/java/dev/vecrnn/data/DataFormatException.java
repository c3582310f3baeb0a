package dev.vecrnn.data;

/**
 * Malformed input data: a bad line, an unreadable byte sequence, a file with no sentence, or a
 * label that the training data never had. The message starts with {@code source:line:}, the way
 * compilers report errors, so that a user can jump to the place.
 */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String detail;

    /**
     * @param source the file name (or display name) of the input
     * @param line   1-based line number
     * @param detail what is wrong, without the location
     */
    public DataFormatException(String source, int line, String detail) {
        this(source, line, detail, null);
    }

    public DataFormatException(String source, int line, String detail, Throwable cause) {
        super(source + ":" + line + ": " + detail, cause);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    /** The file name or display name of the input. */
    public String source() {
        return source;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** The message without the location prefix. */
    public String detail() {
        return detail;
    }
}
