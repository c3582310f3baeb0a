package dev.vecrnn.nn;

/** The SCRN's output activation g, out_t = g(pre_t) (SPEC §2). */
public enum OutputActivation {
    /** g(z) = z. */
    LINEAR,
    /** g(z)_j = e^{z_j} / Σ_k e^{z_k} over the row: a language model's; with integer targets the loss is the NLL. */
    SOFTMAX,
    /** g(z) = tanh(z). */
    TANH,
    /** g(z) = σ(z). */
    SIGMOID,
    /** g(z) = max(z, 0). */
    RELU;

    /** The activation called {@code name} (case-insensitive). */
    public static OutputActivation parse(String name) {
        for (OutputActivation a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; use linear, softmax, tanh, sigmoid or relu");
    }
}
