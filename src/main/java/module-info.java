/**
 * vecrnn: Elman and SCRN recurrent networks on hand-vectorised float kernels.
 *
 * <p>The Vector API is optional at run time ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} every kernel runs its plain-Java path.
 */
module dev.vecrnn {
    requires static jdk.incubator.vector;
    requires static jdk.management;

    exports dev.vecrnn.kernel;
    exports dev.vecrnn.nn;
    exports dev.vecrnn.data;
    exports dev.vecrnn.train;
    exports dev.vecrnn.io;
    exports dev.vecrnn.cli;
    exports dev.vecrnn.util;
}
