package dev.vecrnn.flink;

import java.util.Arrays;
import java.util.Objects;

/**
 * An output of the {@link DenseStepperFunction} for one {@link FeatureEvent}. For an accepted event,
 * {@code position} is its index among the key's accepted events (from 0), {@code argmax} the index of
 * the largest output, and {@code outputs} the model's outputs g(pre) (the probabilities for a softmax
 * model), or empty when the operator emits the argmax only. A rejected event (features missing, of the
 * wrong length, or not all finite) has {@code position} −1, {@code argmax} −1 and empty
 * {@code outputs}; the key's state is left as it was. A Flink POJO.
 */
public class DenseOutput {
    public String key;
    public long position;
    public float[] outputs;
    public int argmax;

    /** For Flink's POJO serializer. */
    public DenseOutput() {
    }

    public DenseOutput(String key, long position, float[] outputs, int argmax) {
        this.key = key;
        this.position = position;
        this.outputs = outputs;
        this.argmax = argmax;
    }

    /** Whether the event was rejected (see the class comment). */
    public boolean rejected() {
        return position < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseOutput d && position == d.position && argmax == d.argmax
                && Objects.equals(key, d.key) && Arrays.equals(outputs, d.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, argmax) * 31 + Arrays.hashCode(outputs);
    }

    @Override
    public String toString() {
        return key + "\t" + position + "\t" + argmax + "\t" + Arrays.toString(outputs);
    }
}
