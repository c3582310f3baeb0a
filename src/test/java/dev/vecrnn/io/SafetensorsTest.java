package dev.vecrnn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vecrnn.io.Safetensors.Contents;
import dev.vecrnn.io.Safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    // ---- building files by hand -----------------------------------------------------------------

    /** The 8-byte little-endian header length, the header bytes as given, then the data. */
    private static byte[] file(long headerLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(header).put(data).array();
    }

    /** A file whose header is {@code json}, padded with spaces to a multiple of 8 as Python pads it. */
    private static byte[] file(String json, byte[] data) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        byte[] header = Arrays.copyOf(raw, raw.length + (8 - raw.length % 8) % 8);
        Arrays.fill(header, raw.length, header.length, (byte) ' ');
        return file(header.length, header, data);
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private Path save(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Reads {@code bytes} as a file and returns the message of the ModelFormatException it must raise. */
    private String refusal(byte[] bytes) throws IOException {
        Path p = save("bad.safetensors", bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Safetensors.read(p));
        assertEquals(p, e.file());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        return e.getMessage().substring(p.toString().length() + 2);
    }

    private void assertRefused(String json, byte[] data, String expectedPart) throws IOException {
        String message = refusal(file(json, data));
        assertTrue(message.contains(expectedPart), "message: " + message + "\nexpected to contain: " + expectedPart);
    }

    private static final String A = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    // ---- round trips ----------------------------------------------------------------------------

    @Test
    void roundTripOfScalarEmptyViewAndMatrixWithMetadata() throws IOException {
        float[] stacked = new float[20];
        for (int i = 0; i < stacked.length; i++) {
            stacked[i] = i * 0.5f - 3;
        }
        float[] matrix = {1, -2, 3.25f, Float.MAX_VALUE, Float.MIN_VALUE, -0.0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234), 0, 1e-30f, 7};
        List<Tensor> tensors = List.of(
                new Tensor("layer.0.weight", new int[] {3, 4}, matrix),
                new Tensor("scalar", new int[] {}, new float[] {42.5f}),
                new Tensor("empty", new int[] {0, 5}, new float[0]),
                new Tensor("block of stacked", new int[] {2, 3}, stacked, 7),
                new Tensor("名前 \"quoted\" \\ \n\u0001", new int[] {1}, stacked, 19));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("ünïcødé 日本語 🎉", "quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul \u0000 end");
        metadata.put("", "");
        Path p = dir.resolve("sub/model.safetensors");
        Safetensors.write(p, tensors, metadata);

        byte[] bytes = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLength + 4 * (12 + 1 + 0 + 6 + 1), bytes.length);

        Contents c = Safetensors.read(p);
        assertEquals(metadata, c.metadata());
        assertEquals(List.copyOf(metadata.keySet()), List.copyOf(c.metadata().keySet()));
        assertEquals(List.of("layer.0.weight", "scalar", "empty", "block of stacked", "名前 \"quoted\" \\ \n\u0001"),
                List.copyOf(c.tensors().keySet()));
        for (Tensor t : tensors) {
            Tensor r = c.tensors().get(t.name());
            assertEquals(t.name(), r.name());
            assertArrayEquals(t.shape(), r.shape());
            assertEquals(t.size(), r.size());
            assertEquals(0, r.offset());
            assertEquals(r.size(), r.data().length);
            float[] expected = t.toArray();
            for (int i = 0; i < expected.length; i++) {
                // bit for bit: -0.0, infinities and a NaN payload survive
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(r.data()[i]), t.name() + "[" + i + "]");
            }
        }
        assertEquals(1, c.tensors().get("scalar").size());
        assertEquals(0, c.tensors().get("empty").size());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, c.tensors().get("block of stacked").data());
    }

    @Test
    void writesExactlyTheBytesOfTheFormat() throws IOException {
        Path p = dir.resolve("exact.safetensors");
        Safetensors.write(p, List.of(new Tensor("a", new int[] {2}, new float[] {9, 1, 2, 9}, 1),
                new Tensor("b", new int[] {}, new float[] {3})), Map.of("k", "v"));
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        assertArrayEquals(file(json, floats(1, 2, 3)), Files.readAllBytes(p));
    }

    @Test
    void writesAndReadsAFileWithoutTensors() throws IOException {
        Path p = dir.resolve("none.safetensors");
        Safetensors.write(p, List.of(), Map.of());
        assertArrayEquals(file("{}", new byte[0]), Files.readAllBytes(p));
        Contents c = Safetensors.read(p);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void overwritesAnExistingFile() throws IOException {
        Path p = save("old.safetensors", "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
        Safetensors.write(p, List.of(new Tensor("x", new int[] {1}, new float[] {5})), Map.of());
        assertEquals(5f, Safetensors.read(p).tensors().get("x").data()[0]);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void readsAFileAsPythonsSafetensorsWritesIt() throws IOException {
        // safetensors' serialize(): "__metadata__" first, then the tensors sorted by name with their data
        // in that order, compact JSON, non-ASCII as raw UTF-8, padded with spaces to 8 bytes
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"été\"},"
                + "\"decoder.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"decoder.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]},"
                + "\"step\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[32,36]}}";
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length % 8 != 0, "the test must exercise the padding");
        byte[] bytes = file(json, floats(0.5f, -0.5f, 1, 2, 3, 4, 5, 6, 100));
        Contents c = Safetensors.read(save("python.safetensors", bytes));
        assertEquals(Map.of("format", "pt", "note", "été"), c.metadata());
        assertEquals(List.of("decoder.bias", "decoder.weight", "step"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {0.5f, -0.5f}, c.tensors().get("decoder.bias").data());
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("decoder.weight").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c.tensors().get("decoder.weight").data());
        assertArrayEquals(new int[] {}, c.tensors().get("step").shape());
        assertArrayEquals(new float[] {100}, c.tensors().get("step").data());
    }

    @Test
    void readsPrettyPrintedJsonEscapesAndTensorsInAnyHeaderOrder() throws IOException {
        String json = "\n{ \"b\" : { \"data_offsets\" : [ 8 , 12 ] ,\t\"shape\" : [ ] , \"dtype\" : \"F32\" } ,\r\n"
                + "  \"\\u00e9\\ud83c\\udf89\\/\\\"\\\\\\b\\f\\n\\r\\t\" : {\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},\n"
                + "  \"z\" : {\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]},\n"
                + "  \"__metadata__\" : { \"k\\u0041\" : \"\\u65e5\" }\n}\n";
        Contents c = Safetensors.read(save("pretty.safetensors", file(json, floats(1, 2, 3))));
        String odd = "é🎉/\"\\\b\f\n\r\t";
        // in the order of the data, not of the header
        assertEquals(List.of(odd, "b", "z"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {1, 2}, c.tensors().get(odd).data());
        assertArrayEquals(new float[] {3}, c.tensors().get("b").data());
        assertEquals(Map.of("kA", "日"), c.metadata());
    }

    // ---- the writer's and the record's refusals ---------------------------------------------------

    @Test
    void writeRefusesDuplicateReservedAndMalformedNames() {
        Path p = dir.resolve("w.safetensors");
        Tensor a = new Tensor("a", new int[] {1}, new float[1]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p, List.of(a, a), Map.of()))
                .getMessage().contains("two tensors are named 'a'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p,
                List.of(new Tensor("__metadata__", new int[] {1}, new float[1])), Map.of()))
                .getMessage().contains("reserved"));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p,
                List.of(new Tensor("bad\ud800", new int[] {1}, new float[1])), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p, List.of(a), Map.of("k", "\udc00")));
        assertTrue(Files.notExists(p));
    }

    @Test
    void tensorRecordChecksItsView() {
        float[] data = new float[10];
        assertThrows(IllegalArgumentException.class, () -> new Tensor("", new int[] {1}, data));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {-1}, data));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {11}, data));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {2, 3}, data, 5));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {1}, data, -1));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {1}, data, 11));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("t", new int[] {65536, 65536}, data));
        assertThrows(NullPointerException.class, () -> new Tensor("t", null, data));
        assertEquals(0, new Tensor("t", new int[] {0}, data, 10).size());
        int[] shape = {2, 5};
        Tensor t = new Tensor("t", shape, data);
        shape[0] = 1;
        t.shape()[1] = 1;
        assertArrayEquals(new int[] {2, 5}, t.shape(), "the shape is copied in and out");
        assertTrue(t.data() == data, "the data is a view, not a copy");
    }

    // ---- the reader's refusals --------------------------------------------------------------------

    private static byte[] smallValidFile() {
        return file("{\"__metadata__\":{\"format\":\"pt\"},\"a\":" + A
                + ",\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}", floats(1, 2, 3));
    }

    @Test
    void everyTruncationIsRefusedCleanly() throws IOException {
        byte[] full = smallValidFile();
        long headerEnd = 8 + ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (int n = 0; n < full.length; n++) {
            String message = refusal(Arrays.copyOf(full, n));
            String expected = n < 8 ? "fewer than the 8" : n < headerEnd ? "past the end of the file"
                    : "past the end of the data section";
            assertTrue(message.contains(expected), n + " bytes: " + message);
        }
        Contents c = Safetensors.read(save("full.safetensors", full));
        assertEquals(List.of("a", "s"), List.copyOf(c.tensors().keySet()));
    }

    @Test
    void refusesHeaderLengthsPastTheFileOrTheCap() throws IOException {
        byte[] header = "{}      ".getBytes(StandardCharsets.US_ASCII);
        assertEquals("the header length 9 is past the end of the file, which has 8 bytes after it",
                refusal(file(9, header, new byte[0])));
        assertEquals("the header length 1152921504606846976 is more than the 100000000 bytes allowed",
                refusal(file(1L << 60, header, new byte[0])));
        assertEquals("the header length 18446744073709551615 is more than the 100000000 bytes allowed",
                refusal(file(-1L, header, new byte[0])));
        assertEquals("the header length 100000001 is more than the 100000000 bytes allowed",
                refusal(file(100_000_001L, header, new byte[0])));
        assertEquals("the header holds no JSON object (it is empty or all spaces)",
                refusal(file(0, new byte[0], new byte[0])));
        assertEquals("the file has 5 bytes, fewer than the 8 of a safetensors header length",
                refusal(new byte[5]));
    }

    @Test
    void refusesInvalidJson() throws IOException {
        byte[] d = floats(1, 2);
        assertRefused("{\"a\":" + A, d, "the header's JSON ends where ',' or '}' after the value of 'a' was expected");
        assertRefused("{\"a\":" + A + ",}", d, "expected a tensor name (a string) but found '}'");
        assertRefused("{'a':" + A + "}", d, "at byte 9: expected a tensor name (a string) but found '''");
        assertRefused("{\"a\" " + A + "}", d, "expected ':' after the key 'a', but found '{'");
        assertRefused("{\"a\":" + A + "} x", d, "unexpected 'x' after the header's JSON object");
        assertRefused("{\"a\":" + A + "}\0\0\0", d, "unexpected byte 0x00 after the header's JSON object");
        assertRefused("true", d, "the header must be a JSON object, but found 't'");
        assertRefused("{\"a\":null}", d, "the value of tensor 'a' must be an object, but found 'n'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", d,
                "the shape of tensor 'a' holds a number that is not an integer");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2e0],\"data_offsets\":[0,8]}}", d, "not an integer");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", d,
                "the shape of tensor 'a' holds a negative number");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}", d, "leading zero");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}", d,
                "holds a number larger than 9223372036854775807");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", d,
                "the data_offsets of tensor 'a' holds more than 2 numbers");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", d,
                "the data_offsets of tensor 'a' are [0], not the two numbers [begin, end]");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", d,
                "tensor 'a' has an unknown field 'x' (expected dtype, shape and data_offsets)");
        assertRefused("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", d, "tensor 'a' has no 'dtype'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", d, "tensor 'a' has no 'shape'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", d, "tensor 'a' has no 'data_offsets'");
        assertRefused("{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", d, "the dtype of tensor 'a' is not a string");
        assertRefused("{\"__metadata__\":{\"k\":1},\"a\":" + A + "}", d,
                "the metadata value of 'k' is not a string (metadata maps strings to strings)");
        assertRefused("{\"__metadata__\":{\"k\":null}}", new byte[0], "the metadata value of 'k' is not a string");
        assertRefused("{\"__metadata__\":[],\"a\":" + A + "}", d, "the value of '__metadata__' must be an object of strings");
        assertRefused("{\"\":" + A + "}", d, "a tensor has an empty name");
        assertRefused("{\"a\\x\":" + A + "}", d, "a string holds the invalid escape \\x");
        assertRefused("{\"a\\u12\":" + A + "}", d, "a \\u escape needs four hexadecimal digits");
        assertRefused("{\"a\\ud800\":" + A + "}", d, "the escape \\uD800 is an unpaired high surrogate");
        assertRefused("{\"a\\ud800\\u0041\":" + A + "}", d, "is followed by \\u0041, not by a low surrogate");
        assertRefused("{\"a\\udc00\":" + A + "}", d, "the escape \\uDC00 is an unpaired low surrogate");
        assertRefused("{\"a\tb\":" + A + "}", d, "a string holds the control character byte 0x09");
        assertRefused("{\"a", d, "the string that begins here is not closed before the header ends");
        String shape65 = "[" + "1,".repeat(64) + "1]";
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":" + shape65 + ",\"data_offsets\":[0,4]}}", floats(1),
                "the shape of tensor 'a' holds more than 64 numbers");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,3000000000],\"data_offsets\":[0,0]}}", new byte[0],
                "whose dimension 3000000000 is too large for an int");
    }

    @Test
    void refusesInvalidUtf8() throws IOException {
        byte[][] bad = {
            {(byte) 0xc0, (byte) 0x80}, // overlong NUL
            {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, // overlong
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xff}, {(byte) 0x80}, {(byte) 0xc3}, {(byte) 0xe6, (byte) 0x97}};
        for (byte[] seq : bad) {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            json.writeBytes("{\"__metadata__\":{\"k\":\"".getBytes(StandardCharsets.US_ASCII));
            json.writeBytes(seq);
            json.writeBytes("\"}}".getBytes(StandardCharsets.US_ASCII));
            byte[] header = json.toByteArray();
            String message = refusal(file(header.length, header, new byte[0]));
            assertTrue(message.contains("the header is not valid UTF-8"), Arrays.toString(seq) + ": " + message);
        }
        // and the longest valid forms are read
        String ok = "{\"__metadata__\":{\"k\":\"\u0080\u07ff\u0800\uffff\ud800\udc00\udbff\udfff\"}}";
        assertEquals(Map.of("k", "\u0080\u07ff\u0800\uffff\ud800\udc00\udbff\udfff"),
                Safetensors.read(save("utf8.safetensors", file(ok, new byte[0]))).metadata());
    }

    @Test
    void refusesDtypesOtherThanF32() throws IOException {
        for (String dtype : List.of("F16", "BF16", "F64", "I32", "U8", "BOOL", "f32", "")) {
            String json = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,8]}}";
            assertEquals("tensor 'w' has dtype " + dtype + "; only F32 is supported", refusal(file(json, floats(1, 2))));
        }
    }

    @Test
    void refusesShapesThatDisagreeWithTheirBytes() throws IOException {
        assertEquals("tensor 'w' has shape [2, 3] (6 floats, 24 bytes) but its data_offsets [0, 20] span 20 bytes",
                refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20])));
        assertEquals("tensor 'w' has shape [] (1 float, 4 bytes) but its data_offsets [0, 0] span 0 bytes",
                refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,0]}}", new byte[0])));
        assertEquals("tensor 'w' has shape [4294967296, 4294967296] (more than 2^61 floats) but its data_offsets"
                + " [0, 4] span 4 bytes", refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", new byte[4])));
        // 2^62 floats would be 2^64 bytes: the product times four must not wrap around to the span
        assertTrue(refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}",
                new byte[0])).contains("more than 2^61 floats"));
        assertEquals("tensor 'w' has data_offsets [8, 4], whose end is before its begin",
                refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8])));
        assertTrue(refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[600000000],\"data_offsets\":[0,2400000000]}}",
                new byte[0])).contains("past the end of the data section"));
    }

    @Test
    void refusesOverlapsHolesAndBytesPastTheEnd() throws IOException {
        String b = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}";
        assertEquals("tensors 'a' and 'b' overlap: the first ends at byte 8 of the data section and the second"
                + " begins at byte 4", refusal(file("{\"a\":" + A + ",\"b\":" + b + "}", new byte[12])));
        String c = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}";
        assertEquals("bytes [8, 12) of the data section belong to no tensor (a hole before tensor 'c')",
                refusal(file("{\"a\":" + A + ",\"c\":" + c + "}", new byte[20])));
        assertEquals("bytes [0, 12) of the data section belong to no tensor (a hole before tensor 'c')",
                refusal(file("{\"c\":" + c + "}", new byte[20])));
        assertEquals("tensor 'c' has data_offsets [12, 20], past the end of the data section, which has 16 bytes",
                refusal(file("{\"a\":" + A + ",\"c\":" + c + "}", new byte[16])));
        assertEquals("bytes [8, 9) of the data section, after the last tensor, belong to no tensor",
                refusal(file("{\"a\":" + A + "}", new byte[9])));
        assertEquals("bytes [0, 4) of the data section, after the last tensor, belong to no tensor",
                refusal(file("{}", new byte[4])));
        // two tensors on the same bytes, and an empty tensor inside another one
        assertTrue(refusal(file("{\"a\":" + A + ",\"b\":" + A + "}", new byte[8])).contains("overlap"));
        String inside = "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}";
        assertTrue(refusal(file("{\"a\":" + A + ",\"e\":" + inside + "}", new byte[8])).contains("overlap"));
        // empty tensors at the edges of others are fine
        String atEnd = "{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[8,8]}";
        String atStart = "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}";
        Contents ok = Safetensors.read(save("edges.safetensors",
                file("{\"e\":" + atEnd + ",\"a\":" + A + ",\"s\":" + atStart + "}", floats(1, 2))));
        assertEquals(List.of("s", "a", "e"), List.copyOf(ok.tensors().keySet()));
    }

    @Test
    void refusesDuplicateKeys() throws IOException {
        byte[] d = floats(1, 2);
        assertRefused("{\"a\":" + A + ",\"a\":" + A + "}", d, "the tensor name 'a' appears twice");
        assertRefused("{\"__metadata__\":{},\"__metadata__\":{},\"a\":" + A + "}", d, "the key '__metadata__' appears twice");
        assertRefused("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"},\"a\":" + A + "}", d, "the metadata key 'k' appears twice");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", d,
                "tensor 'a' has the field 'dtype' twice");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"shape\":[2],\"data_offsets\":[0,8]}}", d,
                "tensor 'a' has the field 'shape' twice");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"data_offsets\":[0,8]}}", d,
                "tensor 'a' has the field 'data_offsets' twice");
        // the same name spelled with an escape is the same key
        assertRefused("{\"a\":" + A + ",\"\\u0061\":" + A + "}", d, "the tensor name 'a' appears twice");
    }

    @Test
    void refusesNestingBombsWithoutRecursion() throws IOException {
        int depth = 1_000_000;
        String open = "[".repeat(depth);
        String objects = "{".repeat(depth);
        assertRefused(open + "]".repeat(depth), new byte[0], "the header must be a JSON object, but found '['");
        assertRefused("{\"a\":" + open, new byte[0], "the value of tensor 'a' must be an object, but found '['");
        assertRefused(objects, new byte[0], "expected a tensor name (a string) but found '{'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":" + open, new byte[0],
                "expected a non-negative integer in the shape of tensor 'a' but found '['");
        assertRefused("{\"__metadata__\":{\"k\":" + open, new byte[0], "the metadata value of 'k' is not a string");
        assertRefused("{\"__metadata__\":" + objects, new byte[0], "expected a metadata key (a string) but found '{'");
        assertRefused("{\"a\":".repeat(depth), new byte[0], "tensor 'a' has an unknown field 'a'");
    }

    @Test
    void randomByteFlipsGiveAFormatErrorOrAValidResult() throws IOException {
        byte[] valid = file("{\"__metadata__\":{\"format\":\"pt\",\"k\":\"\\u00e9\"},\"a\":" + A
                + ",\"bb\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]}}", floats(1, 2, 3));
        int headerEnd = (int) (8 + ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        Path p = dir.resolve("flipped.safetensors");
        int read = 0;
        for (int seed = 0; seed < 2000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                // mostly the header's JSON, sometimes the length or the data
                int at = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : 8 + random.nextInt(headerEnd - 8);
                String json = "{}[]\",:\\u0123456789 -.eE";
                bytes[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) json.charAt(random.nextInt(json.length()));
            }
            Files.write(p, bytes);
            try {
                Contents c = Safetensors.read(p);
                read++;
                long total = 0;
                for (Tensor t : c.tensors().values()) {
                    assertEquals(t.size(), t.data().length);
                    total += 4L * t.size();
                }
                long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                assertEquals(bytes.length - 8 - headerLength, total, "seed " + seed);
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
                assertTrue(e.getMessage().length() < 600, e.getMessage());
            } catch (Throwable t) {
                fail("seed " + seed + ": " + t, t);
            }
        }
        assertTrue(read > 0, "some flips (in the data or the metadata) leave a valid file");
    }
}
