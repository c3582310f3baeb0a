/**
 * Training: one loop for every network ({@link dev.vecrnn.train.TrainingLoop}) with a pluggable
 * {@link dev.vecrnn.train.Schedule} and metric — dev F1 for the tagger ({@link dev.vecrnn.train.ElmanTrainer},
 * {@link dev.vecrnn.train.DevF1Schedule}), validation perplexity for the language models
 * ({@link dev.vecrnn.train.LanguageModelTrainer}, {@link dev.vecrnn.train.PerplexitySchedule}); SGD with
 * clipping; evaluation (conlleval F1, perplexity); and sampling text from a language model
 * ({@link dev.vecrnn.train.TextSampler}).
 */
package dev.vecrnn.train;
