/**
 * Stateless float kernels: GEMM, exp/sigmoid/tanh, softmax (+cross-entropy), gating, reductions.
 * The only package that touches {@code jdk.incubator.vector}, and only in its {@code Simd*} classes,
 * which {@link dev.vecrnn.kernel.Vectorization} loads when the module is present.
 */
package dev.vecrnn.kernel;
