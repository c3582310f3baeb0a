package dev.vecrnn.kernel;

/**
 * Chooses, once per JVM, between the SIMD kernels (JDK Vector API) and the plain-Java kernels, for
 * every kernel family at once: it hands out the elementwise {@link KernelProvider} and the
 * {@link GemmEngine} (and, on request, the benchmark baselines), all SIMD or all plain, and records
 * the one reason when it fell back.
 *
 * <p>The SIMD classes are loaded reflectively, and only when the module {@code jdk.incubator.vector}
 * is in the boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}), so no
 * class that touches a {@code FloatVector} is ever initialised without it.
 *
 * <p>System properties, read once at start-up; a malformed or out-of-range value turns SIMD off with
 * a reason naming the property and the values it accepts (shown by {@link #disabledReason()} and
 * {@code vecrnn info}). The others are read only when SIMD is wanted.
 * <ul>
 *   <li>{@value #SIMD_PROPERTY}{@code =false} forces the plain path;</li>
 *   <li>{@value #BITS_PROPERTY}{@code =128|256|512} sets the vector width of every kernel family
 *       (default {@value #DEFAULT_BITS}), capped at the widest the machine offers;</li>
 *   <li>{@value #GEMM_KC_PROPERTY}, {@value #GEMM_MC_PROPERTY}, {@value #GEMM_NC_PROPERTY},
 *       {@value #GEMM_DIRECT_PROPERTY}: the SIMD GEMM's block sizes (see {@link Settings}), for
 *       measuring other blockings without a rebuild.</li>
 * </ul>
 */
public final class Vectorization {
    /** {@code -Dvecrnn.simd=false} forces the plain-Java kernels. */
    public static final String SIMD_PROPERTY = "vecrnn.simd";
    /** {@code -Dvecrnn.vectorBits=256} or {@code 512} (or {@code 128}) forces the vector width. */
    public static final String BITS_PROPERTY = "vecrnn.vectorBits";
    /** {@code -Dvecrnn.gemm.kc=N}: depth of the SIMD GEMM's K blocks, N in [1, 4096]. */
    public static final String GEMM_KC_PROPERTY = "vecrnn.gemm.kc";
    /** {@code -Dvecrnn.gemm.mc=N}: rows of A the SIMD GEMM packs at a time, N in [1, 4096]. */
    public static final String GEMM_MC_PROPERTY = "vecrnn.gemm.mc";
    /** {@code -Dvecrnn.gemm.nc=N}: columns of B the SIMD GEMM packs at a time, N in [1, 16384]. */
    public static final String GEMM_NC_PROPERTY = "vecrnn.gemm.nc";
    /** {@code -Dvecrnn.gemm.direct=N}: products of at most N rows read A and B in place, N in [0, 4096]. */
    public static final String GEMM_DIRECT_PROPERTY = "vecrnn.gemm.direct";

    /**
     * The vector width of every kernel family unless {@value #BITS_PROPERTY} says otherwise. Measured
     * on the development machine (AMD EPYC, CPU family 26 = Zen 5, full-width 512-bit FMA units,
     * JDK 25): GEMM 1.5–2.4× faster at 512 bits than at 256 (JMH {@code GemmBench.sgemm}, one
     * thread, median GFLOPS 512 / 256: 512³ 178.6 / 87.4, 1024³ 186.6 / 95.0, 32×256×256
     * 147.7 / 62.1, 64×512×512 112.1 / 59.1, 700×100×10000 151.1 / 92.7; only the GEMV 1×256×256 is
     * even, 38.7 / 41.9); elementwise never clearly behind ({@code vecrnn bench}, elements/ns
     * 512 / 256: exp 4.0 / 4.3, sigmoid 3.5 / 3.5, tanh 3.3 / 1.6, softmax-xent 2.0 / 1.4). One
     * width for all families also keeps one species in the JIT's profiles.
     */
    public static final int DEFAULT_BITS = 512;

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /**
     * The SIMD kernels' settings, read from the system properties and checked before any SIMD class
     * is loaded; the SIMD classes take their constants from here.
     *
     * @param bits       requested vector width, 128, 256 or 512 (the machine's widest caps it)
     * @param kc         depth of a GEMM K block, or 0 to derive it from the caches ({@link GemmBlocking})
     * @param mc         rows of A packed at a time (rounded up to the micro-kernel's rows), or 0 to derive it
     * @param nc         columns of B packed at a time (rounded up to the micro-kernel's columns), or 0 to derive it
     * @param directMaxM products with at most this many rows read a row-major A and B in place
     */
    record Settings(int bits, int kc, int mc, int nc, int directMaxM) {
        /**
         * Reads every SIMD property.
         *
         * @throws IllegalArgumentException naming the first bad property and the values it accepts
         */
        static Settings read() {
            return new Settings(requestedBits(DEFAULT_BITS),
                    intProperty(GEMM_KC_PROPERTY, 0, 1, 4096),
                    intProperty(GEMM_MC_PROPERTY, 0, 1, 4096),
                    intProperty(GEMM_NC_PROPERTY, 0, 1, 16384),
                    intProperty(GEMM_DIRECT_PROPERTY, 64, 0, 4096));
        }
    }

    /** Why SIMD is off, or null when it is on. */
    private static final String DISABLED_REASON;
    /** The settings the SIMD classes are built with; null when SIMD is not wanted or a property is bad. */
    static final Settings SETTINGS;
    static final KernelProvider PROVIDER;
    static final GemmEngine GEMM;

    static {
        String reason = null;
        Settings settings = null;
        if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY, "true"))) {
            reason = "forced off by -D" + SIMD_PROPERTY + "=false";
        } else if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            reason = "module " + VECTOR_MODULE + " is not in the boot layer; run java with --add-modules "
                    + VECTOR_MODULE + " (the ./vecrnn launcher does)";
        } else {
            try {
                settings = Settings.read();
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
        }
        // Assigned before the SIMD classes load: their static initialisers read it (this class is
        // then being initialised by the same thread, so they see the value, not a second init).
        SETTINGS = settings;
        KernelProvider provider = null;
        GemmEngine gemm = null;
        if (reason == null) {
            try {
                provider = newSimd("SimdKernelProvider", KernelProvider.class);
                gemm = newSimd("SimdGemm", GemmEngine.class);
            } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                reason = "the Vector API could not be loaded: " + e;
                provider = null;
                gemm = null;
            }
        }
        DISABLED_REASON = reason;
        PROVIDER = provider != null ? provider : new PlainKernelProvider();
        GEMM = gemm != null ? gemm : new PlainGemm();
    }

    private Vectorization() {}

    /** A new instance of the SIMD class {@code dev.vecrnn.kernel.<simpleName>}, loaded by name. */
    private static <T> T newSimd(String simpleName, Class<T> type) throws ReflectiveOperationException {
        return type.cast(Class.forName("dev.vecrnn.kernel." + simpleName).getDeclaredConstructor().newInstance());
    }

    /**
     * A new instance of another SIMD class (the benchmark baselines), loaded the same way as the
     * kernels; only when {@link #simdActive()}.
     *
     * @throws IllegalStateException when SIMD is off or the class cannot be loaded
     */
    static <T> T simdInstance(String simpleName, Class<T> type) {
        if (!simdActive()) {
            throw new IllegalStateException("SIMD is off: " + DISABLED_REASON);
        }
        try {
            return newSimd(simpleName, type);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("could not load " + simpleName + ": " + e, e);
        }
    }

    /** True when the kernels run on the Vector API. */
    public static boolean simdActive() {
        return DISABLED_REASON == null;
    }

    /** Why the plain path is in use, or null when SIMD is active. */
    public static String disabledReason() {
        return DISABLED_REASON;
    }

    /**
     * One line describing the elementwise kernels in use, e.g.
     * {@code "SIMD Species[float, 16, S_512_BIT] (16 float lanes)"} or {@code "plain Java (no SIMD)"};
     * the GEMM engine, at the same width, is described by {@link Gemm#describe()}.
     */
    public static String describe() {
        return PROVIDER.describe();
    }

    /** The vector species' shape, e.g. {@code S_512_BIT}, or {@code none} on the plain path. */
    public static String speciesName() {
        return PROVIDER.speciesName();
    }

    /** The kernels' vector width in bits (e.g. 512), or 0 on the plain path. */
    public static int vectorBits() {
        String s = speciesName();
        return s.startsWith("S_") && s.endsWith("_BIT") ? Integer.parseInt(s.substring(2, s.length() - 4)) : 0;
    }

    /**
     * The vector width requested by {@value #BITS_PROPERTY}, or {@code defaultBits} when unset.
     *
     * @throws IllegalArgumentException naming the property and the accepted values
     */
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

    /**
     * The integer system property {@code name}, or {@code defaultValue} when unset or blank.
     *
     * @throws IllegalArgumentException naming the property and the range when the value is not an
     *                                  integer in [min, max]
     */
    static int intProperty(String name, int defaultValue, int min, int max) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            int x = Integer.parseInt(v.trim());
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-D" + name + " must be an integer in [" + min + ", " + max
                + "], not '" + v + "'");
    }
}
