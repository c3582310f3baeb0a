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
    private final int offset;
    private final int size;
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
        this.offset = 0;
        this.size = (int) n;
    }

    private Parameter(String name, Parameter backing, int offset, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (offset < 0 || offset + n > backing.size) {
            throw new IllegalArgumentException("view " + name + " " + Arrays.toString(shape) + " at " + offset
                    + " runs outside " + backing);
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = backing.values;
        this.gradient = backing.gradient;
        this.offset = backing.offset + offset;
        this.size = (int) n;
    }

    /**
     * A parameter that is the block of {@code backing}'s elements [offset, offset + size) seen in the
     * given shape, sharing its arrays: for example the SCRN's {@code ho}, {@code so} and {@code b},
     * stacked as one (nh + ns + 1) × nout weight so that the output projection of [h ‖ s ‖ 1] is one
     * product.
     */
    static Parameter view(String name, Parameter backing, int offset, int... shape) {
        return new Parameter(name, backing, offset, shape);
    }

    /** The parameter's name, e.g. {@code "wx"}. */
    public String name() {
        return name;
    }

    /** The shape (a copy), e.g. {@code [de·cs, nh]}; the arrays are row-major in this shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The last dimension (the row width of a matrix), without copying the shape. */
    int cols() {
        return shape[shape.length - 1];
    }

    /** The number of elements (product of the shape). */
    public int size() {
        return size;
    }

    /**
     * Where this parameter's elements start in {@link #values()} and {@link #gradient()}: 0, except for
     * a parameter stacked with others into one array (the SCRN's {@code so}), which holds
     * [offset, offset + size()) of it.
     */
    public int offset() {
        return offset;
    }

    /**
     * The live values array: this parameter's {@link #size()} elements from {@link #offset()} (for every
     * parameter with offset 0 the array is exactly size() long).
     */
    public float[] values() {
        return values;
    }

    /** The live gradient array (∂L/∂θ after the model's last gradient computation), laid out like {@link #values()}. */
    public float[] gradient() {
        return gradient;
    }

    /**
     * Copies {@code v} into the values.
     *
     * @throws IllegalArgumentException when {@code v} is null or not {@link #size()} long
     */
    public void set(float[] v) {
        if (v == null || v.length != size) {
            throw new IllegalArgumentException("parameter " + name + " " + Arrays.toString(shape) + " has " + size
                    + " values, got " + (v == null ? "null" : v.length));
        }
        System.arraycopy(v, 0, values, offset, size);
        version++;
    }

    /** A copy of the values. */
    public float[] get() {
        return Arrays.copyOfRange(values, offset, offset + size);
    }

    /** A copy of the gradient. */
    public float[] getGradient() {
        return Arrays.copyOfRange(gradient, offset, offset + size);
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
