package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The suite runs three times (512-bit, 256-bit, plain): check each run really is in its mode. */
class ModeTest {
    @Test
    void theRequestedModeIsTheActiveOne() {
        boolean plain = "false".equals(System.getProperty(Vectorization.SIMD_PROPERTY));
        String bits = System.getProperty(Vectorization.BITS_PROPERTY);
        if (plain) {
            assertFalse(Vectorization.simdActive());
            assertNotNull(Vectorization.disabledReason());
            assertTrue(Vectorization.describe().startsWith("plain"), Vectorization.describe());
            assertTrue(Gemm.describe().startsWith("plain"), Gemm.describe());
        } else {
            assertTrue(Vectorization.simdActive(), Vectorization.disabledReason());
            if (bits != null) {
                assertTrue(Vectorization.describe().contains("S_" + bits + "_BIT"), Vectorization.describe());
            }
            // one width for every family: the GEMM engine runs the elementwise kernels' species
            assertTrue(Gemm.describe().contains(Vectorization.speciesName()), Gemm.describe());
        }
    }

    @Test
    void badGemmTuningIsRejectedWithTheNameTheRangeAndTheValue() {
        String[][] cases = {
            {Vectorization.GEMM_KC_PROPERTY, "[1, 4096]", "0", "4097", "-3", "abc", "1.5"},
            {Vectorization.GEMM_MC_PROPERTY, "[1, 4096]", "0", "99999"},
            {Vectorization.GEMM_NC_PROPERTY, "[1, 16384]", "0", "16385", "4k"},
            {Vectorization.GEMM_DIRECT_PROPERTY, "[0, 4096]", "-1", "4097", "x"},
        };
        for (String[] c : cases) {
            String name = c[0];
            String old = System.getProperty(name);
            try {
                for (int i = 2; i < c.length; i++) {
                    System.setProperty(name, c[i]);
                    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                            IllegalArgumentException.class, Vectorization.Settings::read, name + "=" + c[i]);
                    assertTrue(e.getMessage().contains("-D" + name + " ") && e.getMessage().contains(c[1])
                            && e.getMessage().contains("'" + c[i] + "'"), e.getMessage());
                }
                System.setProperty(name, " 32 ");
                Vectorization.Settings s = Vectorization.Settings.read();
                assertEquals(32, switch (name) {
                    case Vectorization.GEMM_KC_PROPERTY -> s.kc();
                    case Vectorization.GEMM_MC_PROPERTY -> s.mc();
                    case Vectorization.GEMM_NC_PROPERTY -> s.nc();
                    default -> s.directMaxM();
                });
            } finally {
                if (old == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, old);
                }
            }
        }
    }

    /** A bad thread count at start-up is reported once and the pool runs on one thread; a good one is used. */
    @Test
    void badThreadCountAtStartUpIsReportedAndOneThreadIsUsed() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String[] c : new String[][] {{"abc", "threads 1"}, {"0", "threads 1"}, {"100000", "threads 1"}, {"2", "threads 2"}}) {
            Process p = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-Dvecrnn.threads=" + c[0], "-cp",
                    System.getProperty("java.class.path"), "dev.vecrnn.cli.Main", "info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains(c[1]), out);
            boolean bad = !c[0].equals("2");
            assertEquals(bad, out.contains("-Dvecrnn.threads must be an integer in [1, 256], not '" + c[0] + "'; using 1"), out);
        }
    }

    /** At start-up a bad tuning value switches SIMD off with that message as the one reason (as a bad width does). */
    @Test
    void badGemmTuningAtStartUpIsTheReasonSimdIsOff() throws Exception {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return; // this run has no Vector API to switch off
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1", "-Dvecrnn.gemm.kc=0", "-cp", System.getProperty("java.class.path"),
                "dev.vecrnn.cli.Main", "info").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("simd        off: -Dvecrnn.gemm.kc must be an integer in [1, 4096], not '0'"), out);
        assertTrue(out.contains("gemm        plain"), out);
    }

    @Test
    void badWidthIsRejectedWithTheValue() {
        // Initialise the kernels first: their species is read from this property once, at start-up.
        Vectorization.describe();
        String old = System.getProperty(Vectorization.BITS_PROPERTY);
        try {
            System.setProperty(Vectorization.BITS_PROPERTY, "300");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> Vectorization.requestedBits(512));
            assertTrue(e.getMessage().contains("300"));
            System.setProperty(Vectorization.BITS_PROPERTY, "256");
            assertEquals(256, Vectorization.requestedBits(512));
        } finally {
            if (old == null) {
                System.clearProperty(Vectorization.BITS_PROPERTY);
            } else {
                System.setProperty(Vectorization.BITS_PROPERTY, old);
            }
        }
    }
}
