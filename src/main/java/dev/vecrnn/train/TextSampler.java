package dev.vecrnn.train;

import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.RecurrentState;
import dev.vecrnn.util.SeededRandom;
import java.util.Objects;

/**
 * Generates words from a {@link LanguageModel}: reads the seed words one {@link LanguageModel#step} at a
 * time from a zero state, then repeatedly draws the next word w with probability
 *
 * <pre>
 *   p(w) = exp(z_w / τ) / Σ_v exp(z_v / τ)        (z the logits, τ the temperature &gt; 0)
 * </pre>
 *
 * and feeds it back. τ = 1 samples the model's distribution, τ → 0 approaches the argmax, τ &gt; 1 flattens
 * it. The draws come from a {@link SeededRandom} (53-bit uniforms), so the same seed, model and calls
 * give the same words; each {@link #generate} starts from a zero state but continues the random stream. After construction nothing is allocated per word. Not thread-safe.
 */
public final class TextSampler {
    private final LanguageModel model;
    private final SeededRandom random;
    private final RecurrentState state;
    private final float[] logits;
    private final double[] weights;

    /** A sampler for {@code model} whose draws are fixed by {@code seed}. */
    public TextSampler(LanguageModel model, long seed) {
        this.model = Objects.requireNonNull(model, "model");
        this.random = new SeededRandom(seed);
        this.state = model.newState(1);
        int v = model.vocabularySize();
        this.logits = new float[v];
        this.weights = new double[v];
    }

    /**
     * Starts from a zero state, reads {@code seedWords}, then samples up to {@code count} words into
     * {@code out[0 .. )}, stopping after writing {@code stopWord} when it is ≥ 0 (e.g. the {@code <eos>}
     * id; −1 never stops early).
     *
     * @return the number of words written
     * @throws IllegalArgumentException when seedWords is empty (to start a sentence, seed with
     *                                  {@code <eos>}), an id is outside [0, V), temperature is not a
     *                                  finite number &gt; 0, count &lt; 0, or out is shorter than count
     */
    public int generate(int[] seedWords, int count, double temperature, int stopWord, int[] out) {
        checkTemperature(temperature);
        int v = model.vocabularySize();
        if (seedWords == null || seedWords.length == 0) {
            throw new IllegalArgumentException("need at least one seed word (to start a sentence, seed with <eos>)");
        }
        for (int i = 0; i < seedWords.length; i++) {
            if (seedWords[i] < 0 || seedWords[i] >= v) {
                throw new IllegalArgumentException("seed word " + i + " has id " + seedWords[i] + " outside [0, " + v + ")");
            }
        }
        if (count < 0 || out == null || out.length < count) {
            throw new IllegalArgumentException("need count >= 0 and an output of at least count ids; got count "
                    + count + ", output " + (out == null ? "null" : out.length));
        }
        if (stopWord >= v) {
            throw new IllegalArgumentException("stop word " + stopWord + " outside [0, " + v + ")");
        }
        state.reset();
        for (int w : seedWords) {
            model.step(state, w, logits);
        }
        for (int k = 0; k < count; k++) {
            int w = sample(logits, temperature);
            out[k] = w;
            if (w == stopWord) {
                return k + 1;
            }
            if (k + 1 < count) {
                model.step(state, w, logits);
            }
        }
        return count;
    }

    /**
     * Draws one id from softmax(logits / temperature) over the first V entries of {@code logits}, with
     * this sampler's generator. Ties at the maximum share its probability.
     *
     * @throws IllegalArgumentException when temperature is not a finite number &gt; 0, logits has fewer
     *                                  than V entries, or a logit is NaN or +∞
     */
    public int sample(float[] logits, double temperature) {
        checkTemperature(temperature);
        int v = weights.length;
        if (logits.length < v) {
            throw new IllegalArgumentException("need " + v + " logits, got " + logits.length);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            float z = logits[i];
            if (Float.isNaN(z) || z == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit " + i + " is " + z);
            }
            max = Math.max(max, z);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("every logit is -Infinity");
        }
        // shifted by the maximum so the largest weight is exp(0) = 1: no overflow, and a small τ drives
        // every other weight to 0, which makes τ → 0 the argmax
        double sum = 0;
        for (int i = 0; i < v; i++) {
            double w = Math.exp(((double) logits[i] - max) / temperature);
            weights[i] = w;
            sum += w;
        }
        double u = ((random.nextLong() >>> 11) * 0x1.0p-53) * sum;
        int last = 0;
        for (int i = 0; i < v; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last; // u within rounding of sum: the last word with weight
    }

    private static void checkTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
        }
    }
}
