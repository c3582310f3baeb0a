package dev.vecrnn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes float tensors in the safetensors format, the one Hugging Face's {@code safetensors}
 * library and PyTorch use:
 *
 * <pre>
 * [8 bytes]  N, the header length, a little-endian unsigned 64-bit integer
 * [N bytes]  a UTF-8 JSON object: {"__metadata__": {"key": "value", ...},               (optional)
 *                                  "name": {"dtype": "F32", "shape": [d0, d1, ...],
 *                                           "data_offsets": [begin, end]}, ...}
 *            padded with trailing spaces (the writer pads to a multiple of 8 bytes)
 * [rest]     the data section: each tensor's elements, row-major, little-endian, in bytes
 *            [begin, end) counted from the first byte after the header
 * </pre>
 *
 * Only {@code F32} tensors are supported. {@link #read} trusts nothing in the file: it checks the
 * whole header (its JSON, every dtype, shape and offset, and that the tensors tile the data section
 * exactly, with no overlap, hole or trailing byte) before it allocates a single tensor array, and any
 * defect is a {@link ModelFormatException} naming the file and what is wrong.
 */
public final class Safetensors {
    /** The largest header accepted, as in the reference implementation: 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The most dimensions a tensor may have (NumPy's limit); more is refused as malformed. */
    public static final int MAX_DIMENSIONS = 64;

    private static final String METADATA_KEY = "__metadata__";
    private static final String F32 = "F32";
    private static final int BUFFER_BYTES = 1 << 16;
    /** The largest array length every JVM allocates. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private Safetensors() {}

    /**
     * One F32 tensor: the {@code size()} = product-of-{@code shape} floats of {@code data} from
     * {@code offset}, row-major. {@code data} is not copied, so a tensor can be a view of a block of a
     * larger array (a model's parameter inside a stacked array); {@code shape} is copied in and out.
     * An empty shape is a scalar (one float); a zero dimension makes an empty tensor.
     * Equality is a record's, so two tensors are equal only when they share the same arrays.
     */
    public record Tensor(String name, int[] shape, float[] data, int offset) {
        /**
         * @throws IllegalArgumentException if the name is empty, a dimension is negative, the element
         *     count does not fit in an int, or {@code [offset, offset + size)} is not inside {@code data}
         * @throws NullPointerException if any argument is null
         */
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a tensor name must not be empty");
            }
            shape = shape.clone();
            long size = elementCount(shape, name);
            if (offset < 0 || offset > data.length || size > data.length - offset) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                        + " (" + size + " floats) does not fit in an array of " + data.length
                        + " floats from offset " + offset);
            }
        }

        /** A tensor over {@code data} from its first element. */
        public Tensor(String name, int[] shape, float[] data) {
            this(name, shape, data, 0);
        }

        /** A copy of the shape. */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The number of elements: the product of the shape (1 for a scalar). */
        public int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /** The tensor's elements, copied into a new array of {@link #size()} floats. */
        public float[] toArray() {
            return Arrays.copyOfRange(data, offset, offset + size());
        }

        private static long elementCount(int[] shape, String name) {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: "
                            + Arrays.toString(shape));
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                            + " has more elements than an int counts");
                }
            }
            return n;
        }
    }

    /**
     * What a file holds: its {@code __metadata__} (empty when absent) and its tensors by name, in the
     * order of their data offsets. Both maps keep their order and cannot be modified.
     */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
        public Contents {
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes {@code tensors} as F32 in the given order, their data contiguous in that order, and
     * {@code metadata} as {@code __metadata__} (left out when empty). The header is padded with spaces
     * to a multiple of 8 bytes, as the Python library writes it, so the data section is 8-byte aligned.
     * The file is replaced atomically ({@link AtomicFiles#write}).
     *
     * @throws IllegalArgumentException if two tensors share a name, a name is {@code __metadata__}, or
     *     a name, key or value is not well-formed Unicode (an unpaired surrogate)
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        byte[] json = headerJson(tensors, metadata);
        int padding = (8 - json.length % 8) % 8;
        long headerLength = json.length + padding;
        AtomicFiles.write(file, out -> {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(headerLength);
            out.write(buf.array(), 0, 8);
            out.write(json);
            for (int i = 0; i < padding; i++) {
                out.write(' ');
            }
            for (Tensor t : tensors) {
                writeFloats(out, buf, t.data(), t.offset(), t.size());
            }
        });
    }

    private static byte[] headerJson(List<Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder(64 + 80 * tensors.size());
        json.append('{');
        if (!metadata.isEmpty()) {
            appendString(json.append('"'), METADATA_KEY).append("\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                String key = requireText(e.getKey(), "a metadata key");
                String value = requireText(e.getValue(), "the metadata value of '" + key + "'");
                if (!first) {
                    json.append(',');
                }
                first = false;
                appendString(json.append('"'), key).append("\":\"");
                appendString(json, value).append('"');
            }
            json.append('}');
        }
        Set<String> names = new HashSet<>();
        long begin = 0;
        for (Tensor t : tensors) {
            Objects.requireNonNull(t, "a tensor in the list is null");
            String name = requireText(t.name(), "a tensor name");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("two tensors are named '" + name + "'");
            }
            long end = begin + 4L * t.size();
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json.append('"'), name).append("\":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape;
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(begin).append(',').append(end).append("]}");
            begin = end;
        }
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Refuses text that UTF-8 cannot carry unchanged (an unpaired surrogate would become '?'). */
    private static String requireText(String s, String what) {
        Objects.requireNonNull(s, what + " is null");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds an unpaired surrogate at index " + i);
            }
        }
        return s;
    }

    /** Appends {@code s} escaped for a JSON string (without the quotes); non-ASCII stays as is. */
    static StringBuilder appendString(StringBuilder json, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json;
    }

    private static void writeFloats(OutputStream out, ByteBuffer buf, float[] data, int offset, int count)
            throws IOException {
        int perBuffer = buf.capacity() / Float.BYTES;
        for (int done = 0; done < count; ) {
            int k = Math.min(count - done, perBuffer);
            buf.clear();
            buf.asFloatBuffer().put(data, offset + done, k);
            out.write(buf.array(), 0, k * Float.BYTES);
            done += k;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads every tensor and the metadata of a safetensors file. The whole header is checked first:
     * its length (at most {@link #MAX_HEADER_BYTES} and inside the file), its JSON (the subset above,
     * strictly: no duplicate key, unknown field, number other than a non-negative integer, or
     * malformed UTF-8), every dtype ({@code F32} only), every shape against its byte range, and that
     * the tensors cover the data section exactly. Only then are the tensor arrays allocated and read.
     *
     * @throws ModelFormatException if the file is not such a file, with the reason
     * @throws IOException if the file cannot be read
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new ModelFormatException(file, "the file has " + fileSize
                        + " bytes, fewer than the 8 of a safetensors header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, ch, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            // unsigned: a length of 2^63 or more reads as negative and is as much too large
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new ModelFormatException(file, "the header length " + Long.toUnsignedString(headerLength)
                        + " is more than the " + MAX_HEADER_BYTES + " bytes allowed");
            }
            if (headerLength > fileSize - 8) {
                throw new ModelFormatException(file, "the header length " + headerLength
                        + " is past the end of the file, which has " + (fileSize - 8) + " bytes after it");
            }
            byte[] header = new byte[(int) headerLength];
            readFully(file, ch, ByteBuffer.wrap(header), 8);
            long dataStart = 8 + headerLength;
            long dataLength = fileSize - dataStart;

            HeaderParser parsed = new HeaderParser(file, header);
            parsed.parse();
            List<Entry> layout = checkLayout(file, parsed.entries, dataLength);
            long maxHeap = Runtime.getRuntime().maxMemory();
            if (dataLength > maxHeap) {
                throw new ModelFormatException(file, "its tensors take " + dataLength
                        + " bytes, more than this JVM's maximum heap of " + maxHeap + " bytes");
            }

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : layout) {
                float[] data = new float[(int) e.count];
                long position = dataStart + e.begin;
                int perBuffer = BUFFER_BYTES / Float.BYTES;
                for (int done = 0; done < data.length; ) {
                    int k = Math.min(data.length - done, perBuffer);
                    buf.clear().limit(k * Float.BYTES);
                    readFully(file, ch, buf, position);
                    buf.flip();
                    buf.asFloatBuffer().get(data, done, k);
                    position += (long) k * Float.BYTES;
                    done += k;
                }
                tensors.put(e.name, new Tensor(e.name, e.shape, data, 0));
            }
            return new Contents(parsed.metadata, tensors);
        }
    }

    /** One tensor as the header describes it, checked on its own (dtype, shape against byte range). */
    private record Entry(String name, int[] shape, long count, long begin, long end) {}

    /**
     * Checks that the tensors, sorted by offset, tile {@code [0, dataLength)}: each begins where the
     * previous one ended. Returns them in that order.
     */
    private static List<Entry> checkLayout(Path file, List<Entry> entries, long dataLength)
            throws ModelFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        // end as the second key puts an empty tensor before a non-empty one at the same begin
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long cursor = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end > dataLength) {
                throw new ModelFormatException(file, "tensor " + quote(e.name) + " has data_offsets ["
                        + e.begin + ", " + e.end + "], past the end of the data section, which has "
                        + dataLength + " bytes");
            }
            if (e.begin < cursor) {
                throw new ModelFormatException(file, "tensors " + quote(previous.name) + " and " + quote(e.name)
                        + " overlap: the first ends at byte " + cursor + " of the data section and the second"
                        + " begins at byte " + e.begin);
            }
            if (e.begin > cursor) {
                throw new ModelFormatException(file, "bytes [" + cursor + ", " + e.begin
                        + ") of the data section belong to no tensor (a hole before tensor " + quote(e.name) + ")");
            }
            cursor = e.end;
            previous = e;
        }
        if (cursor != dataLength) {
            throw new ModelFormatException(file, "bytes [" + cursor + ", " + dataLength
                    + ") of the data section, after the last tensor, belong to no tensor");
        }
        return sorted;
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new ModelFormatException(file, "the file ended at byte " + at
                        + " while it was being read (it was truncated meanwhile)");
            }
            at += n;
        }
    }

    /** A name for a message: quoted, control characters escaped, cut short when long. */
    private static String quote(String name) {
        return "'" + unquoted(name) + "'";
    }

    /** Text from the file made fit for a one-line message: control characters escaped, cut when long. */
    private static String unquoted(String text) {
        String s = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /**
     * A strict parser of the header's JSON, led by the shape the header must have. Its lexical part is
     * standard JSON (whitespace, strings with every escape incl. {@code \\uXXXX} surrogate pairs,
     * strict UTF-8), restricted to non-negative integers for numbers; {@code true}, {@code false},
     * {@code null}, signs, fractions and exponents are refused. Because it only descends where the
     * shape allows (the top object, a tensor's object, its two arrays; the metadata object), nesting
     * is at most three levels deep by construction: a "[[[[..." bomb is refused at its first bracket,
     * without recursion. It allocates per tensor, never per byte of input beyond the strings it keeps.
     */
    private static final class HeaderParser {
        private final Path file;
        private final byte[] b;
        private int pos;
        final Map<String, String> metadata = new LinkedHashMap<>();
        final List<Entry> entries = new ArrayList<>();

        HeaderParser(Path file, byte[] header) {
            this.file = file;
            this.b = header;
        }

        void parse() throws ModelFormatException {
            skipWhitespace();
            if (pos == b.length) {
                throw new ModelFormatException(file, "the header holds no JSON object (it is empty or all spaces)");
            }
            expect('{', "the header must be a JSON object");
            Set<String> names = new HashSet<>();
            boolean seenMetadata = false;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    int keyAt = pos;
                    String key = string("a tensor name");
                    skipWhitespace();
                    expect(':', "expected ':' after the key " + quote(key));
                    skipWhitespace();
                    if (key.equals(METADATA_KEY)) {
                        if (seenMetadata) {
                            throw error(keyAt, "the key '" + METADATA_KEY + "' appears twice");
                        }
                        seenMetadata = true;
                        parseMetadata();
                    } else {
                        if (key.isEmpty()) {
                            throw error(keyAt, "a tensor has an empty name");
                        }
                        if (!names.add(key)) {
                            throw error(keyAt, "the tensor name " + quote(key) + " appears twice");
                        }
                        entries.add(parseTensor(key));
                    }
                    skipWhitespace();
                    int c = next("',' or '}' after the value of " + quote(key));
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw unexpected(pos - 1, "',' or '}' after the value of " + quote(key));
                    }
                }
            }
            skipWhitespace();
            if (pos != b.length) {
                throw error(pos, "unexpected " + describe(b[pos]) + " after the header's JSON object"
                        + " (only spaces may follow it)");
            }
        }

        private void parseMetadata() throws ModelFormatException {
            expect('{', "the value of '" + METADATA_KEY + "' must be an object of strings");
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return;
            }
            while (true) {
                skipWhitespace();
                int keyAt = pos;
                String key = string("a metadata key");
                if (metadata.containsKey(key)) {
                    throw error(keyAt, "the metadata key " + quote(key) + " appears twice");
                }
                skipWhitespace();
                expect(':', "expected ':' after the metadata key " + quote(key));
                skipWhitespace();
                if (peek() != '"') {
                    throw error(pos, "the metadata value of " + quote(key) + " is not a string"
                            + " (metadata maps strings to strings)");
                }
                metadata.put(key, string("a metadata value"));
                skipWhitespace();
                int c = next("',' or '}' in '" + METADATA_KEY + "'");
                if (c == '}') {
                    return;
                }
                if (c != ',') {
                    throw unexpected(pos - 1, "',' or '}' in '" + METADATA_KEY + "'");
                }
            }
        }

        private Entry parseTensor(String name) throws ModelFormatException {
            int objectAt = pos;
            expect('{', "the value of tensor " + quote(name) + " must be an object");
            String dtype = null;
            long[] shape = null;
            long[] offsets = null;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    int keyAt = pos;
                    String field = string("a field name of tensor " + quote(name));
                    skipWhitespace();
                    expect(':', "expected ':' after the field " + quote(field) + " of tensor " + quote(name));
                    skipWhitespace();
                    switch (field) {
                        case "dtype" -> {
                            if (dtype != null) {
                                throw error(keyAt, "tensor " + quote(name) + " has the field 'dtype' twice");
                            }
                            if (peek() != '"') {
                                throw error(pos, "the dtype of tensor " + quote(name) + " is not a string");
                            }
                            dtype = string("the dtype of tensor " + quote(name));
                        }
                        case "shape" -> {
                            if (shape != null) {
                                throw error(keyAt, "tensor " + quote(name) + " has the field 'shape' twice");
                            }
                            shape = integers("the shape of tensor " + quote(name), MAX_DIMENSIONS);
                        }
                        case "data_offsets" -> {
                            if (offsets != null) {
                                throw error(keyAt, "tensor " + quote(name) + " has the field 'data_offsets' twice");
                            }
                            int at = pos;
                            offsets = integers("the data_offsets of tensor " + quote(name), 2);
                            if (offsets.length != 2) {
                                throw error(at, "the data_offsets of tensor " + quote(name) + " are "
                                        + Arrays.toString(offsets) + ", not the two numbers [begin, end]");
                            }
                        }
                        default -> throw error(keyAt, "tensor " + quote(name) + " has an unknown field "
                                + quote(field) + " (expected dtype, shape and data_offsets)");
                    }
                    skipWhitespace();
                    int c = next("',' or '}' in tensor " + quote(name));
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw unexpected(pos - 1, "',' or '}' in tensor " + quote(name));
                    }
                }
            }
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : offsets == null ? "data_offsets" : null;
            if (missing != null) {
                throw error(objectAt, "tensor " + quote(name) + " has no '" + missing + "'");
            }
            return checkEntry(name, dtype, shape, offsets[0], offsets[1]);
        }

        /** The checks one tensor's description must pass on its own. */
        private Entry checkEntry(String name, String dtype, long[] dims, long begin, long end)
                throws ModelFormatException {
            if (!dtype.equals(F32)) {
                throw new ModelFormatException(file, "tensor " + quote(name) + " has dtype " + unquoted(dtype)
                        + "; only F32 is supported");
            }
            if (end < begin) {
                throw new ModelFormatException(file, "tensor " + quote(name) + " has data_offsets [" + begin + ", "
                        + end + "], whose end is before its begin");
            }
            // the product of the dimensions, without overflow: any zero makes it zero, and otherwise
            // it only has to be compared with the byte range, itself less than 2^63
            long bytes = end - begin;
            boolean empty = false;
            for (long d : dims) {
                empty |= d == 0;
            }
            long count = empty ? 0 : 1;
            boolean tooMany = false;
            for (int i = 0; !empty && !tooMany && i < dims.length; i++) {
                tooMany = count > Long.MAX_VALUE / Float.BYTES / dims[i];
                count *= dims[i];
            }
            if (tooMany || count * Float.BYTES != bytes) {
                String size = tooMany ? "more than 2^61 floats" : count + (count == 1 ? " float, " : " floats, ") + count * Float.BYTES + " bytes";
                throw new ModelFormatException(file, "tensor " + quote(name) + " has shape " + Arrays.toString(dims)
                        + " (" + size + ") but its data_offsets [" + begin + ", " + end + "] span " + bytes + " bytes");
            }
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                // only an empty tensor can get here with a dimension past an int
                if (dims[i] > MAX_ARRAY_LENGTH) {
                    throw new ModelFormatException(file, "tensor " + quote(name) + " has shape "
                            + Arrays.toString(dims) + ", whose dimension " + dims[i] + " is too large for an int");
                }
                shape[i] = (int) dims[i];
            }
            if (count > MAX_ARRAY_LENGTH) {
                throw new ModelFormatException(file, "tensor " + quote(name) + " has " + count
                        + " floats, more than a Java array holds (" + MAX_ARRAY_LENGTH + ")");
            }
            return new Entry(name, shape, count, begin, end);
        }

        /** A JSON array of at most {@code max} non-negative integers. */
        private long[] integers(String what, int max) throws ModelFormatException {
            expect('[', what + " must be an array of non-negative integers");
            long[] values = new long[max];
            int n = 0;
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return new long[0];
            }
            while (true) {
                skipWhitespace();
                if (n == max) {
                    throw error(pos, what + " holds more than " + max + " numbers");
                }
                values[n++] = integer(what);
                skipWhitespace();
                int c = next("',' or ']' in " + what);
                if (c == ']') {
                    return Arrays.copyOf(values, n);
                }
                if (c != ',') {
                    throw unexpected(pos - 1, "',' or ']' in " + what);
                }
            }
        }

        private long integer(String what) throws ModelFormatException {
            int start = pos;
            int c = peek();
            if (c < '0' || c > '9') {
                if (c == '-') {
                    throw error(start, what + " holds a negative number");
                }
                throw unexpected(start, "a non-negative integer in " + what);
            }
            long v = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                int digit = b[pos] - '0';
                if (v > (Long.MAX_VALUE - digit) / 10) {
                    throw error(start, what + " holds a number larger than " + Long.MAX_VALUE);
                }
                v = v * 10 + digit;
                pos++;
            }
            if (b[start] == '0' && pos - start > 1) {
                throw error(start, what + " holds a number with a leading zero, which JSON does not allow");
            }
            if (pos < b.length && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E')) {
                throw error(start, what + " holds a number that is not an integer");
            }
            return v;
        }

        /** A JSON string, its escapes resolved and its UTF-8 checked strictly. */
        private String string(String what) throws ModelFormatException {
            int start = pos;
            if (pos >= b.length) {
                throw endsEarly(what);
            }
            if (b[pos] != '"') {
                throw unexpected(pos, what + " (a string)");
            }
            pos++;
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos >= b.length) {
                    throw error(start, "the string that begins here is not closed before the header ends");
                }
                int c = b[pos] & 0xff;
                if (c == '"') {
                    pos++;
                    return s.toString();
                } else if (c == '\\') {
                    escape(s);
                } else if (c < 0x20) {
                    throw error(pos, "a string holds the control character " + describe(b[pos])
                            + ", which JSON requires to be escaped");
                } else if (c < 0x80) {
                    s.append((char) c);
                    pos++;
                } else {
                    s.appendCodePoint(utf8());
                }
            }
        }

        private void escape(StringBuilder s) throws ModelFormatException {
            int at = pos;
            if (pos + 1 >= b.length) {
                throw error(at, "the header ends inside an escape sequence");
            }
            int c = b[pos + 1];
            pos += 2;
            switch (c) {
                case '"' -> s.append('"');
                case '\\' -> s.append('\\');
                case '/' -> s.append('/');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    char unit = hex4(at);
                    if (Character.isHighSurrogate(unit)) {
                        if (pos + 1 < b.length && b[pos] == '\\' && b[pos + 1] == 'u') {
                            int lowAt = pos;
                            pos += 2;
                            char low = hex4(lowAt);
                            if (!Character.isLowSurrogate(low)) {
                                throw error(at, "the escape \\u" + hex(unit) + " (a high surrogate) is followed by \\u"
                                        + hex(low) + ", not by a low surrogate");
                            }
                            s.append(unit).append(low);
                        } else {
                            throw error(at, "the escape \\u" + hex(unit) + " is an unpaired high surrogate");
                        }
                    } else if (Character.isLowSurrogate(unit)) {
                        throw error(at, "the escape \\u" + hex(unit) + " is an unpaired low surrogate");
                    } else {
                        s.append(unit);
                    }
                }
                default -> throw error(at, "a string holds the invalid escape \\" + printable(c));
            }
        }

        private char hex4(int escapeAt) throws ModelFormatException {
            if (pos + 4 > b.length) {
                throw error(escapeAt, "the header ends inside a \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(b[pos + i] & 0xff, 16);
                if (d < 0 || (b[pos + i] & 0x80) != 0) {
                    throw error(escapeAt, "a \\u escape needs four hexadecimal digits");
                }
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        /**
         * One UTF-8 encoded code point at {@code pos} (its lead byte is 0x80 or more): the shortest
         * form only, no encoded surrogates, nothing past U+10FFFF (RFC 3629's table).
         */
        private int utf8() throws ModelFormatException {
            int at = pos;
            int lead = b[pos] & 0xff;
            int length;
            int cp;
            int lo = 0x80;
            int hi = 0xbf;
            if (lead >= 0xc2 && lead <= 0xdf) {
                length = 2;
                cp = lead & 0x1f;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                length = 3;
                cp = lead & 0x0f;
                if (lead == 0xe0) {
                    lo = 0xa0;
                } else if (lead == 0xed) {
                    hi = 0x9f;
                }
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                length = 4;
                cp = lead & 0x07;
                if (lead == 0xf0) {
                    lo = 0x90;
                } else if (lead == 0xf4) {
                    hi = 0x8f;
                }
            } else {
                throw error(at, "the header is not valid UTF-8 (byte 0x" + Integer.toHexString(lead) + ")");
            }
            for (int i = 1; i < length; i++) {
                int c = at + i < b.length ? b[at + i] & 0xff : -1;
                if (c < lo || c > hi) {
                    throw error(at, "the header is not valid UTF-8 (a malformed sequence from byte 0x"
                            + Integer.toHexString(lead) + ")");
                }
                cp = (cp << 6) | (c & 0x3f);
                lo = 0x80;
                hi = 0xbf;
            }
            pos += length;
            return cp;
        }

        private void skipWhitespace() {
            while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
                pos++;
            }
        }

        /** The byte at {@code pos}, or -1 at the end. */
        private int peek() {
            return pos < b.length ? b[pos] & 0xff : -1;
        }

        private int next(String expected) throws ModelFormatException {
            if (pos >= b.length) {
                throw endsEarly(expected);
            }
            return b[pos++] & 0xff;
        }

        private void expect(char c, String message) throws ModelFormatException {
            if (pos >= b.length) {
                throw endsEarly("'" + c + "'");
            }
            if (b[pos] != c) {
                throw error(pos, message + ", but found " + describe(b[pos]));
            }
            pos++;
        }

        private ModelFormatException endsEarly(String expected) {
            return error(b.length, "the header's JSON ends where " + expected + " was expected");
        }

        private ModelFormatException unexpected(int at, String expected) {
            if (at >= b.length) {
                return endsEarly(expected);
            }
            return error(at, "expected " + expected + " but found " + describe(b[at]));
        }

        /** The message of a defect at byte {@code at} of the header, counted in the file. */
        private ModelFormatException error(int at, String what) {
            return new ModelFormatException(file, "invalid safetensors header at byte " + (8L + at) + ": " + what);
        }

        private static String describe(byte c) {
            int u = c & 0xff;
            if (u >= 0x21 && u < 0x7f) {
                return "'" + (char) u + "'";
            }
            return "byte 0x" + String.format("%02x", u);
        }

        private static String printable(int c) {
            return c >= 0x21 && c < 0x7f ? String.valueOf((char) c) : String.format("(byte 0x%02x)", c & 0xff);
        }

        private static String hex(char c) {
            return String.format("%04X", (int) c);
        }
    }
}
