package dev.vecrnn.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** An ordered set of named {@link Parameter}s (a model's trainable tensors), iterated in order. */
public final class ParameterSet implements Iterable<Parameter> {
    private final Parameter[] params;
    private final List<String> names;

    ParameterSet(Parameter... params) {
        this.params = params.clone();
        List<String> n = new ArrayList<>();
        for (Parameter p : params) {
            if (n.contains(p.name())) {
                throw new IllegalArgumentException("duplicate parameter name " + p.name());
            }
            n.add(p.name());
        }
        this.names = Collections.unmodifiableList(n);
    }

    /**
     * The parameter called {@code name}.
     *
     * @throws IllegalArgumentException naming the known parameters when there is none by that name
     */
    public Parameter get(String name) {
        for (Parameter p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name + "; the parameters are " + names);
    }

    /** The names, in order (unmodifiable). */
    public List<String> names() {
        return names;
    }

    /** The number of parameters. */
    public int count() {
        return params.length;
    }

    /** The total number of trainable values. */
    public long totalSize() {
        long n = 0;
        for (Parameter p : params) {
            n += p.size();
        }
        return n;
    }

    @Override
    public Iterator<Parameter> iterator() {
        return Collections.unmodifiableList(Arrays.asList(params)).iterator();
    }

    /** A deep copy of the names, shapes and values (gradients start at zero), e.g. a best-on-dev snapshot. */
    public ParameterSet copy() {
        Parameter[] c = new Parameter[params.length];
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            c[i] = new Parameter(p.name(), p.shape());
            System.arraycopy(p.values(), p.offset(), c[i].values(), 0, p.size());
        }
        return new ParameterSet(c);
    }

    /**
     * Copies every value of {@code other} into this set (gradients are left alone).
     *
     * @throws IllegalArgumentException when the names or shapes differ; nothing is copied then
     */
    public void copyValuesFrom(ParameterSet other) {
        if (other == null) {
            throw new IllegalArgumentException("other is null");
        }
        if (!names.equals(other.names)) {
            throw new IllegalArgumentException("parameter names differ: " + names + " vs " + other.names);
        }
        for (int i = 0; i < params.length; i++) {
            if (!Arrays.equals(params[i].shape(), other.params[i].shape())) {
                throw new IllegalArgumentException("parameter " + params[i].name() + ": shape "
                        + Arrays.toString(params[i].shape()) + " vs " + Arrays.toString(other.params[i].shape()));
            }
        }
        for (int i = 0; i < params.length; i++) {
            Parameter from = other.params[i];
            System.arraycopy(from.values(), from.offset(), params[i].values(), params[i].offset(), params[i].size());
            params[i].markModified();
        }
    }

    /** Sets every gradient to zero. */
    public void zeroGradients() {
        for (Parameter p : params) {
            Arrays.fill(p.gradient(), p.offset(), p.offset() + p.size(), 0f);
        }
    }

    /** Sum of the parameters' versions: changes whenever any of them is changed by the library or set(). */
    long version() {
        long v = 0;
        for (Parameter p : params) {
            v += p.version();
        }
        return v;
    }

    @Override
    public String toString() {
        return Arrays.toString(params);
    }
}
