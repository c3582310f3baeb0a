/** Vocabularies, CoNLL and plain-text readers, and batching of sentences into time-major batches. */
package dev.vecrnn.data;
