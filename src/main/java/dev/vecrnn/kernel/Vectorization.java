package dev.vecrnn.kernel;

/**
 * Chooses, once per JVM, between the SIMD kernels (JDK Vector API) and the plain-Java kernels.
 *
 * <p>The SIMD classes are loaded only when the module {@code jdk.incubator.vector} is in the boot
 * layer (the JVM was started with {@code --add-modules jdk.incubator.vector}), so no class that
 * touches a {@code FloatVector} is ever initialised without it.
 *
 * <p>System properties, read once at start-up:
 * <ul>
 *   <li>{@value #SIMD_PROPERTY}{@code =false} forces the plain path;</li>
 *   <li>{@value #BITS_PROPERTY}{@code =256|512} forces the vector width of every kernel family
 *       (default: the width measured fastest on Zen 4 for each family, capped at the preferred
 *       width of the machine).</li>
 * </ul>
 */
public final class Vectorization {
    /** {@code -Dvecrnn.simd=false} forces the plain-Java kernels. */
    public static final String SIMD_PROPERTY = "vecrnn.simd";
    /** {@code -Dvecrnn.vectorBits=256} or {@code 512} forces the vector width. */
    public static final String BITS_PROPERTY = "vecrnn.vectorBits";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Why SIMD is off, or null when it is on. */
    private static final String DISABLED_REASON;
    static final KernelProvider PROVIDER;

    static {
        String reason = null;
        KernelProvider provider = null;
        if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY, "true"))) {
            reason = "forced off by -D" + SIMD_PROPERTY + "=false";
        } else if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            reason = "module " + VECTOR_MODULE + " is not in the boot layer; run java with --add-modules "
                    + VECTOR_MODULE + " (the ./vecrnn launcher does)";
        } else {
            try {
                requestedBits(512); // a bad -Dvecrnn.vectorBits is reported as such, not as a load failure
                provider = (KernelProvider) Class.forName("dev.vecrnn.kernel.SimdKernelProvider")
                        .getDeclaredConstructor().newInstance();
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            } catch (ReflectiveOperationException | LinkageError e) {
                reason = "the Vector API could not be loaded: " + e;
            }
        }
        DISABLED_REASON = reason;
        PROVIDER = provider != null ? provider : new PlainKernelProvider();
    }

    private Vectorization() {}

    /** True when the kernels run on the Vector API. */
    public static boolean simdActive() {
        return DISABLED_REASON == null;
    }

    /** Why the plain path is in use, or null when SIMD is active. */
    public static String disabledReason() {
        return DISABLED_REASON;
    }

    /**
     * One line describing the kernels in use, e.g.
     * {@code "SIMD: elementwise S_512_BIT (16 lanes), gemm S_512_BIT (16 lanes)"}.
     */
    public static String describe() {
        return PROVIDER.describe();
    }

    /** The elementwise kernels' vector species, e.g. {@code S_512_BIT}, or {@code none} on the plain path. */
    public static String speciesName() {
        return PROVIDER.speciesName();
    }

    /** The vector width requested by {@value #BITS_PROPERTY}, or {@code defaultBits} when unset. */
    static int requestedBits(int defaultBits) {
        String v = System.getProperty(BITS_PROPERTY);
        if (v == null || v.isBlank()) {
            return defaultBits;
        }
        try {
            int bits = Integer.parseInt(v.trim());
            if (bits == 128 || bits == 256 || bits == 512) {
                return bits;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 128, 256 or 512, not '" + v + "'");
    }
}
