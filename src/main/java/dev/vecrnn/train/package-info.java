/** Training loops, SGD schedules, embedding normalisation, and evaluation metrics (conlleval F1). */
package dev.vecrnn.train;
