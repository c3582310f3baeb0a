/**
 * Vocabularies, CoNLL and plain-text readers, batching of sentences into time-major batches, and the
 * language models' parallel streams and truncated-BPTT segments ({@link dev.vecrnn.data.StreamBatches}).
 */
package dev.vecrnn.data;
