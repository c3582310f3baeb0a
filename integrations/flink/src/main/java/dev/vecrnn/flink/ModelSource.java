package dev.vecrnn.flink;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.kernel.Vectorization;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(ModelSource.class);

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
     * Reads and checks the model file, and logs which file and which kernels the task uses (a warning
     * when the Vector API module is missing and the kernels run their plain-Java path).
     *
     * @throws IOException naming the file when it is missing or not a valid model file
     */
    public ModelFile.Loaded load(RuntimeContext context) throws IOException {
        Path file = cacheName == null ? Path.of(path) : context.getDistributedCache().getFile(cacheName).toPath();
        ModelFile.Loaded loaded = ModelFile.load(file);
        String task = context.getTaskInfo().getTaskNameWithSubtasks();
        if (Vectorization.simdActive()) {
            LOG.info("{}: loaded {} ({} model); vecrnn kernels: {}", task, this, loaded.kind().id(),
                    Vectorization.describe());
        } else {
            LOG.warn("{}: loaded {} ({} model); vecrnn kernels run plain Java ({}): start the task managers with"
                    + " --add-modules jdk.incubator.vector (env.java.opts.all) for SIMD", task, this,
                    loaded.kind().id(), Vectorization.disabledReason());
        }
        return loaded;
    }

    @Override
    public String toString() {
        return cacheName == null ? "model file " + path : "model file '" + cacheName + "' of the distributed cache";
    }
}
