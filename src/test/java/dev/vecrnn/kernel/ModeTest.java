package dev.vecrnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        } else {
            assertTrue(Vectorization.simdActive(), Vectorization.disabledReason());
            if (bits != null) {
                assertTrue(Vectorization.describe().contains("S_" + bits + "_BIT"), Vectorization.describe());
            }
        }
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
