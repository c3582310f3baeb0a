/**
 * Stateless float kernels: GEMM, exp/sigmoid/tanh, softmax (+cross-entropy), gating, reductions;
 * and {@link dev.vecrnn.kernel.Parallel}, the one thread pool they and the networks run parts on.
 * The only package that touches {@code jdk.incubator.vector}, and only in its {@code Simd*} classes,
 * which {@link dev.vecrnn.kernel.Vectorization} loads when the module is present: one decision, one
 * vector width and one fallback reason for every kernel family, GEMM included.
 */
package dev.vecrnn.kernel;
