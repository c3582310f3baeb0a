package dev.vecrnn.flink;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * An input event of the {@link DenseStepperFunction}: the next feature vector of the stream
 * {@code key}. A Flink POJO (public fields, public no-argument constructor; the array is serialised
 * as a primitive float array, not by Kryo).
 */
public class FeatureEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The stream the vector belongs to; the operator is keyed by it. */
    public String key;
    /** The features: as many as the model's input size, all finite, or the event is rejected. */
    public float[] features;

    /** For Flink's POJO serializer. */
    public FeatureEvent() {
    }

    public FeatureEvent(String key, float[] features) {
        this.key = key;
        this.features = features;
    }

    /** The key, with null read as the empty key (Flink cannot route a null key). */
    public String keyOrEmpty() {
        return key == null ? "" : key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureEvent e && Objects.equals(key, e.key) && Arrays.equals(features, e.features);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(key) + Arrays.hashCode(features);
    }

    @Override
    public String toString() {
        return key + " " + Arrays.toString(features);
    }
}
