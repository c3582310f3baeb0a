/**
 * The networks: Elman and SCRN layers with their named parameters, fused batched forward and
 * backward passes (BPTT) over time-major workspaces, and allocation-free streaming steppers.
 */
package dev.vecrnn.nn;
