package dev.vecrnn.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the kernels know of the CPU they run on: its model name and family (for the records of
 * {@code vecrnn bench}, so figures from different hosts are never compared blind) and the data cache
 * sizes of one core, from which {@link GemmBlocking} derives the GEMM's block sizes.
 *
 * <p>On Linux the sizes come from {@code /sys/devices/system/cpu/cpu0/cache/index*} and the model
 * from {@code /proc/cpuinfo}; elsewhere, or when a file is missing or odd, from conservative
 * defaults (L1d 32 KiB 8-way, L2 512 KiB 8-way, L3 8 MiB: no larger than those of current x86 and Arm server cores, so
 * the derived blocks fit) and {@link #cacheSource()} says so.
 *
 * @param model       the CPU's model name, e.g. {@code AMD EPYC}, or {@code unknown}
 * @param family      the x86 {@code cpu family} (25 = Zen 3/4, 26 = Zen 5), or −1 when not known
 * @param l1dBytes    level-1 data cache of one core
 * @param l1dWays     its associativity
 * @param l2Bytes     level-2 cache of one core
 * @param l2Ways      its associativity
 * @param l3Bytes     level-3 cache (shared by the cores of a complex)
 * @param lineBytes   the cache line size
 * @param cacheSource where the sizes came from: {@code sysfs} or {@code defaults}
 */
public record HostCpu(String model, int family, int l1dBytes, int l1dWays, int l2Bytes, int l2Ways, int l3Bytes,
                      int lineBytes, String cacheSource) {
    /** The fallback geometry, used level by level where the machine does not say. */
    public static final int DEFAULT_L1D = 32 << 10;
    public static final int DEFAULT_L1D_WAYS = 8;
    public static final int DEFAULT_L2 = 512 << 10;
    public static final int DEFAULT_L2_WAYS = 8;
    public static final int DEFAULT_L3 = 8 << 20;
    public static final int DEFAULT_LINE = 64;

    /**
     * A host with the given geometry (for deriving the block sizes another host would get).
     *
     * @throws IllegalArgumentException when a size is not positive or the ways do not divide a
     *                                  level into whole sets of lines
     */
    public HostCpu {
        if (l1dBytes <= 0 || l2Bytes <= 0 || l3Bytes <= 0 || l1dWays <= 0 || l2Ways <= 0 || lineBytes <= 0
                || l1dBytes % (l1dWays * lineBytes) != 0 || l2Bytes % (l2Ways * lineBytes) != 0) {
            throw new IllegalArgumentException("inconsistent cache geometry: L1d " + l1dBytes + " B / " + l1dWays
                    + " ways, L2 " + l2Bytes + " B / " + l2Ways + " ways, L3 " + l3Bytes + " B, line " + lineBytes + " B");
        }
    }

    /** The host this JVM runs on, read once. */
    public static final HostCpu THIS = read();

    /** Reads the model and cache sizes of this machine (see the class comment). */
    static HostCpu read() {
        int[] l1 = cache(1);
        int[] l2 = cache(2);
        int[] l3 = cache(3);
        String model = "unknown";
        int family = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("unknown")) {
                    model = value;
                } else if (key.equals("cpu family") && family < 0) {
                    family = Integer.parseInt(value);
                } else if (line.isBlank()) {
                    break;
                }
                if (!model.equals("unknown") && family >= 0) {
                    break;
                }
            }
        } catch (Exception | Error e) {
            // Not Linux, no procfs, an odd format: the model stays unknown.
        }
        if (model.equals("unknown")) {
            model = System.getProperty("os.arch", "unknown");
        }
        if (l1 == null || l2 == null || l1[2] != l2[2]) {
            return new HostCpu(model, family, DEFAULT_L1D, DEFAULT_L1D_WAYS, DEFAULT_L2, DEFAULT_L2_WAYS,
                    l3 != null ? l3[0] : DEFAULT_L3, DEFAULT_LINE, "defaults");
        }
        try {
            return new HostCpu(model, family, l1[0], l1[1], l2[0], l2[1], l3 != null ? l3[0] : DEFAULT_L3, l1[2], "sysfs");
        } catch (IllegalArgumentException e) {
            return new HostCpu(model, family, DEFAULT_L1D, DEFAULT_L1D_WAYS, DEFAULT_L2, DEFAULT_L2_WAYS, DEFAULT_L3,
                    DEFAULT_LINE, "defaults (sysfs: " + e.getMessage() + ")");
        }
    }

    /**
     * {size in bytes, ways, line bytes} of the level-{@code level} data or unified cache of CPU 0,
     * from Linux's sysfs, or null when it cannot be read or a value is out of range.
     */
    static int[] cache(int level) {
        try {
            for (int i = 0; i < 8; i++) {
                Path d = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
                if (!Files.isDirectory(d)) {
                    break;
                }
                String type = Files.readString(d.resolve("type")).trim();
                if (Integer.parseInt(Files.readString(d.resolve("level")).trim()) != level || type.equals("Instruction")) {
                    continue;
                }
                int size = parseSize(Files.readString(d.resolve("size")));
                int ways = Integer.parseInt(Files.readString(d.resolve("ways_of_associativity")).trim());
                int line = Integer.parseInt(Files.readString(d.resolve("coherency_line_size")).trim());
                boolean sane = size > 0 && ways >= 1 && ways <= 64 && line >= 16 && line <= 512;
                return sane ? new int[] {size, ways, line} : null;
            }
        } catch (Exception | Error e) {
            // Not Linux, no sysfs, a security manager, an odd format: the caller uses its default.
        }
        return null;
    }

    /** A sysfs cache size such as {@code 48K} or {@code 32768K} or {@code 1M} in bytes, or −1. */
    static int parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        int mul = s.endsWith("K") ? 1 << 10 : s.endsWith("M") ? 1 << 20 : 1;
        try {
            long v = Long.parseLong(mul == 1 ? s : s.substring(0, s.length() - 1)) * mul;
            return v >= 4096 && v <= (1L << 30) ? (int) v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** E.g. {@code AMD EPYC (family 26), L1d 48 KiB 12-way, L2 1024 KiB 16-way, L3 32768 KiB, 64 B lines (sysfs)}. */
    public String describe() {
        return model + (family >= 0 ? " (family " + family + ")" : "") + ", L1d " + (l1dBytes >> 10) + " KiB "
                + l1dWays + "-way, L2 " + (l2Bytes >> 10) + " KiB " + l2Ways + "-way, L3 " + (l3Bytes >> 10)
                + " KiB, " + lineBytes + " B lines (" + cacheSource + ")";
    }
}
