package dev.vecrnn.kernel;

/**
 * The SCRN context gate: out = r ⊙ a + (1 − r) ⊙ b, with the rate r a row vector broadcast over
 * the rows of a and b (all row-major, rows × cols, each with its own leading dimension).
 */
public final class Gating {
    private static final KernelProvider K = Vectorization.PROVIDER;

    private Gating() {}

    /** out[i, j] = r[j] · a[i, j] + (1 − r[j]) · b[i, j]; out may alias a or b. */
    public static void gate(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float[] out, int oOff, int ldo) {
        Checks.vector("r", r, rOff, cols);
        Checks.matrix("a", a, aOff, rows, cols, lda);
        Checks.matrix("b", b, bOff, rows, cols, ldb);
        Checks.matrix("out", out, oOff, rows, cols, ldo);
        K.gate(rows, cols, r, rOff, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
    }

    /**
     * Backward of {@link #gate} with incoming gradient g: da = g ⊙ r, db = g ⊙ (1 − r) (both
     * overwritten; either may alias g), and dr[j] += Σ_i g[i, j] · (a[i, j] − b[i, j]).
     */
    public static void gateBackward(int rows, int cols, float[] r, int rOff, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float[] g, int gOff, int ldg,
                                    float[] da, int daOff, int ldda, float[] db, int dbOff, int lddb,
                                    float[] dr, int drOff) {
        Checks.vector("r", r, rOff, cols);
        Checks.matrix("a", a, aOff, rows, cols, lda);
        Checks.matrix("b", b, bOff, rows, cols, ldb);
        Checks.matrix("g", g, gOff, rows, cols, ldg);
        Checks.matrix("da", da, daOff, rows, cols, ldda);
        Checks.matrix("db", db, dbOff, rows, cols, lddb);
        Checks.vector("dr", dr, drOff, cols);
        K.gateBackward(rows, cols, r, rOff, a, aOff, lda, b, bOff, ldb, g, gOff, ldg,
                da, daOff, ldda, db, dbOff, lddb, dr, drOff);
    }
}
