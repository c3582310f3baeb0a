package dev.vecrnn.kernel;

/**
 * Argument checks shared by the kernel facades: every view is checked against its array before
 * anything is written, and a bad one raises {@link IllegalArgumentException} naming the numbers.
 */
final class Checks {
    private Checks() {}

    static void size(String what, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + n);
        }
    }

    /** Like {@link #size(String, int)} for "role of name"; the message is built only on failure. */
    private static void size(String role, String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(role + " of " + name + " must be >= 0, got " + n);
        }
    }

    /** x[off .. off+n) lies inside x. */
    static void vector(String name, float[] x, int off, int n) {
        size("length", name, n);
        if (x == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (off < 0 || (long) off + n > x.length) {
            throw new IllegalArgumentException(name + ": view [" + off + ", " + ((long) off + n)
                    + ") runs outside its array of length " + x.length);
        }
    }

    /** The rows × cols row-major view at off with leading dimension ld lies inside m. */
    static void matrix(String name, float[] m, int off, int rows, int cols, int ld) {
        size("rows", name, rows);
        size("cols", name, cols);
        if (m == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " is smaller than its row length " + cols);
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + ": negative offset " + off);
        }
        if (rows > 0 && cols > 0) {
            long end = off + (long) (rows - 1) * ld + cols;
            if (end > m.length) {
                throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " view at offset " + off
                        + " with leading dimension " + ld + " ends at " + end + ", past its array of length " + m.length);
            }
        }
    }
}
