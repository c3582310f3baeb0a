/** Small utilities shared by every layer: the seeded generator. */
package dev.vecrnn.util;
