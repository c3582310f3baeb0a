package dev.vecrnn.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block sizes derived from the cache geometry of the two hosts of this machine kind, and of others. */
class GemmBlockingTest {
    /** Zen 4: L1d 32 KiB 8-way, L2 1 MiB 8-way, L3 32 MiB. */
    static final HostCpu ZEN4 = new HostCpu("AMD EPYC", 25, 32 << 10, 8, 1 << 20, 8, 32 << 20, 64, "test");
    /** Zen 5: L1d 48 KiB 12-way, L2 1 MiB 16-way, L3 32 MiB. */
    static final HostCpu ZEN5 = new HostCpu("AMD EPYC", 26, 48 << 10, 12, 1 << 20, 16, 32 << 20, 64, "test");

    @Test
    void zen5At512BitsKeepsTheMeasuredBlocks() {
        GemmBlocking b = GemmBlocking.simd(ZEN5, 8, 32);
        assertEquals(256, b.kc(), b.why());
        assertEquals(256, b.mc(), b.why());
        assertEquals(4096, b.nc(), b.why());
    }

    @Test
    void zen4At512BitsHalvesKcSoTheBPanelLeavesRoomInItsSmallerL1() {
        GemmBlocking b = GemmBlocking.simd(ZEN4, 8, 32);
        assertEquals(128, b.kc(), b.why());
        assertEquals(512, b.mc(), b.why());
        assertEquals(8192, b.nc(), b.why());
    }

    @Test
    void bothHostsRunUpToK1024AsOneBlockWithTheABlockAndBBlockKeptAsLarge() {
        for (HostCpu h : new HostCpu[] {ZEN5, ZEN4}) {
            GemmBlocking b = GemmBlocking.simd(h, 8, 32);
            assertEquals(1024, b.onePass(), b.why()); // a 1024 x 32 B panel = 1/8 of a 1 MiB L2
            assertEquals(1024, b.kcFor(1024));
            assertEquals(b.kc(), b.kcFor(1025));
            assertEquals(64, b.mcFor(1024), b.why());
            assertEquals(1024, b.ncFor(1024), b.why());
            assertEquals(b.mc(), b.mcFor(b.kc()));
            assertEquals(b.nc(), b.ncFor(b.kc()));
        }
        assertEquals(384, GemmBlocking.simd(ZEN5, 8, 32).withOverrides(256, 0, 0).kcFor(384));
        assertEquals(1536, GemmBlocking.simd(ZEN5, 8, 32).withOverrides(1024, 0, 0).onePass());
    }

    @Test
    void at256BitsTheNarrowerBPanelAllowsADeeperK() {
        assertEquals(384, GemmBlocking.simd(ZEN5, 8, 16).kc());
        assertEquals(256, GemmBlocking.simd(ZEN4, 8, 16).kc());
    }

    /** On any geometry: A and B micro-panels fit in L1 with a way to spare, the A block in L2, the sizes are whole units. */
    @Test
    void derivedBlocksFitTheirCachesOnManyGeometries() {
        int[] l1 = {16 << 10, 32 << 10, 48 << 10, 64 << 10};
        int[] l1Ways = {4, 8, 12, 16};
        int[] l2 = {256 << 10, 512 << 10, 1 << 20, 2 << 20};
        for (int i = 0; i < l1.length; i++) {
            for (int l2Size : l2) {
                for (int nr : new int[] {8, 16, 32}) {
                    HostCpu h = new HostCpu("x", -1, l1[i], l1Ways[i], l2Size, 8, 16 << 20, 64, "test");
                    GemmBlocking b = GemmBlocking.simd(h, 8, nr);
                    String at = h.describe() + " nr " + nr + ": " + b.why();
                    long panels = (long) b.kc() * (8 + nr) * 4;
                    assertTrue(panels <= l1[i] - l1[i] / l1Ways[i], at);
                    assertTrue((long) b.mc() * b.kc() * 4 <= l2Size / 4 || b.mc() == 8, at);
                    assertEquals(0, b.kc() % 8, at);
                    assertEquals(0, b.mc() % 8, at);
                    assertEquals(0, b.nc() % nr, at);
                    assertTrue(b.kc() >= 32 && b.nc() >= nr, at);
                    int one = b.onePass();
                    assertTrue(one >= b.kc() + b.kc() / 2 && one % 8 == 0, at);
                    assertTrue((long) one * nr * 4 <= l2Size / 8 || one == b.kc() + b.kc() / 2, at);
                    assertTrue((long) b.mcFor(one) * one <= (long) b.mc() * b.kc() || b.mcFor(one) == 8, at);
                    assertTrue((long) b.ncFor(one) * one <= (long) b.nc() * b.kc() || b.ncFor(one) == nr, at);
                    assertEquals(0, b.mcFor(one) % 8, at);
                    assertEquals(0, b.ncFor(one) % nr, at);
                }
            }
        }
    }

    @Test
    void plainBlocksFollowL1AndL2() {
        GemmBlocking z5 = GemmBlocking.plain(ZEN5, 2, 4);
        assertEquals(512, z5.nr(), z5.why());
        assertEquals(128, z5.kc(), z5.why());
        GemmBlocking z4 = GemmBlocking.plain(ZEN4, 2, 4);
        assertEquals(640, Math.min(640, 32768 / 2 / 24 / 64 * 64));
        assertEquals(512, z4.nr(), z4.why()); // capped: 1024-wide rows were slower
        assertEquals(128, z4.kc(), z4.why());
        GemmBlocking small = GemmBlocking.plain(new HostCpu("x", -1, 16 << 10, 4, 256 << 10, 8, 1 << 20, 64, "t"), 2, 4);
        assertEquals(320, small.nr(), small.why());
        assertEquals(0, small.kc() % 4, small.why());
    }

    @Test
    void overridesReplaceOnlyTheGivenSizesRoundedToWholeKernels() {
        GemmBlocking b = GemmBlocking.simd(ZEN5, 8, 32).withOverrides(100, 0, 33);
        assertEquals(100, b.kc());
        assertEquals(256, b.mc());
        assertEquals(64, b.nc());
        assertTrue(b.why().contains("overridden"), b.why());
        assertEquals(GemmBlocking.simd(ZEN5, 8, 32), GemmBlocking.simd(ZEN5, 8, 32).withOverrides(0, 0, 0));
    }

    @Test
    void sysfsSizesParseAndNonsenseIsRefused() {
        assertEquals(48 << 10, HostCpu.parseSize("48K\n"));
        assertEquals(32 << 20, HostCpu.parseSize("32768K"));
        assertEquals(1 << 20, HostCpu.parseSize("1M"));
        assertEquals(-1, HostCpu.parseSize("12Q"));
        assertEquals(-1, HostCpu.parseSize("0K"));
        assertThrows(IllegalArgumentException.class, () -> new HostCpu("x", -1, 48 << 10, 7, 1 << 20, 16, 1 << 25, 64, "t"));
        HostCpu here = HostCpu.THIS;
        assertTrue(here.l1dBytes() >= 4096 && here.l2Bytes() >= here.l1dBytes(), here.describe());
    }
}
