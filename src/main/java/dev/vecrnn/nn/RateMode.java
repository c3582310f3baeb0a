package dev.vecrnn.nn;

/**
 * How the SCRN's context units mix new input with their past (SPEC §2): s_t = r ⊙ (x_t·xs) + (1 − r) ⊙ s_{t−1},
 * each of the ns rates in (0, 1).
 */
public enum RateMode {
    /** r = σ(r̂), r̂ a learned parameter {@code r} (ns), initialised N(0, 1). The default. */
    VECTOR,
    /** r = 1 − α for every unit (the paper's α = 0.95); not learned. */
    FIXED,
    /** r ~ U(1e−4, 1 − 1e−4) per unit, drawn once from the seed; not learned. */
    UNIFORM,
    /** r = exp(U(−6, −1e−4)) per unit, drawn once from the seed; not learned. */
    LOG,
    /** r_t = σ(x_t·xr + br) per step, learned parameters {@code xr} (nin × ns) and {@code br} (ns). */
    MATRIX;

    /** Whether the rates are learned (have parameters). */
    public boolean learned() {
        return this == VECTOR || this == MATRIX;
    }

    /** The mode called {@code name} (case-insensitive), e.g. {@code "vector"}. */
    public static RateMode parse(String name) {
        for (RateMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown rate mode '" + name + "'; use vector, fixed, uniform, log or matrix");
    }
}
