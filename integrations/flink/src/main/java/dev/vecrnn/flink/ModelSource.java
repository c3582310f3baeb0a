package dev.vecrnn.flink;

import dev.vecrnn.io.ModelFile;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an operator reads its vecrnn model file (see {@link ModelFile}) when its task opens: a path
 * every task manager can read (a shared file system mounted at the same place, or a file baked into
 * the image), or a file registered in Flink's distributed cache with
 * {@code env.registerCachedFile(path, name)}, which Flink copies to each task manager. Each parallel
 * task loads the file once; all keys of the task then share its weights read-only.
 */
public final class ModelSource implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String cacheName;

    private ModelSource(String path, String cacheName) {
        this.path = path;
        this.cacheName = cacheName;
    }

    /** A model file at this local path on every task manager. */
    public static ModelSource path(String path) {
        return new ModelSource(Objects.requireNonNull(path, "path"), null);
    }

    /** A model file registered in the distributed cache under this name. */
    public static ModelSource distributedCache(String name) {
        return new ModelSource(null, Objects.requireNonNull(name, "name"));
    }

    /**
     * Reads and checks the model file.
     *
     * @throws IOException naming the file when it is missing or not a valid model file
     */
    public ModelFile.Loaded load(RuntimeContext context) throws IOException {
        Path file = cacheName == null ? Path.of(path) : context.getDistributedCache().getFile(cacheName).toPath();
        return ModelFile.load(file);
    }

    @Override
    public String toString() {
        return cacheName == null ? "model file " + path : "model file '" + cacheName + "' of the distributed cache";
    }
}
