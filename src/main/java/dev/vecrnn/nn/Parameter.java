package dev.vecrnn.nn;

import java.util.Arrays;

/**
 * A named, shaped trainable tensor and its gradient. Both are live row-major {@code float[]} arrays
 * of {@link #size()} elements: {@link #values()} and {@link #gradient()} return the arrays the model
 * computes with, not copies ({@link #get()} and {@link #set(float[])} copy).
 *
 * <p>A model notices changes made through {@link #set(float[])}, an SGD update or
 * {@link ParameterSet#copyValuesFrom(ParameterSet)} (caches such as a streaming tagger's
 * precomputed projections are refreshed); after writing into {@link #values()} directly, refresh
 * those caches yourself (for example {@link StreamingTagger#refresh()}).
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] values;
    private final float[] gradient;
    /** Bumped on every change the library makes or sees (set, update, copy). */
    private long version;

    Parameter(String name, int... shape) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter " + name + ": dimension " + d + " in shape "
                        + Arrays.toString(shape) + " must be > 0");
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + Arrays.toString(shape) + " is too large");
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = new float[(int) n];
        this.gradient = new float[(int) n];
    }

    /** The parameter's name, e.g. {@code "wx"}. */
    public String name() {
        return name;
    }

    /** The shape (a copy), e.g. {@code [de·cs, nh]}; the arrays are row-major in this shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of elements (product of the shape). */
    public int size() {
        return values.length;
    }

    /** The live values array. */
    public float[] values() {
        return values;
    }

    /** The live gradient array (∂L/∂θ after the model's last gradient computation). */
    public float[] gradient() {
        return gradient;
    }

    /**
     * Copies {@code v} into the values.
     *
     * @throws IllegalArgumentException when {@code v} is null or not {@link #size()} long
     */
    public void set(float[] v) {
        if (v == null || v.length != values.length) {
            throw new IllegalArgumentException("parameter " + name + " " + Arrays.toString(shape) + " has " + values.length
                    + " values, got " + (v == null ? "null" : v.length));
        }
        System.arraycopy(v, 0, values, 0, values.length);
        version++;
    }

    /** A copy of the values. */
    public float[] get() {
        return values.clone();
    }

    long version() {
        return version;
    }

    void markModified() {
        version++;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
