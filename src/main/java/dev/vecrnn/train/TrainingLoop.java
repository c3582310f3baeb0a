package dev.vecrnn.train;

import dev.vecrnn.kernel.Blas;
import dev.vecrnn.nn.Parameter;
import dev.vecrnn.nn.ParameterSet;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one training loop every network shares (the tagger's {@link ElmanTrainer}, the language models'
 * {@link LanguageModelTrainer}); the network supplies an epoch of updates and the evaluation after it
 * ({@link Epochs}), a {@link Schedule} judges the evaluation's metric:
 *
 * <pre>
 *   for epoch = 0 .. maxEpochs−1, while the schedule is not finished:
 *       θ₀ ← θ                                        (the epoch's starting parameters)
 *       repeat:
 *           measured ← epochs.run(epoch, lr)         (updates, e.g. over shuffled data, then evaluation)
 *           every parameter finite?  done
 *         on a divergence (a TrainingDivergedException from run, or a non-finite parameter):
 *           θ ← θ₀; the 5th in a row: stop (throw); else lr ← lr/2 (schedule), tell onDivergence, repeat
 *       switch schedule.update(epoch, epochs.metric(measured)):
 *           NEW_BEST          → keep a copy of θ (and of measured)
 *           HALVE_AND_RESTORE → θ ← the kept copy (lr was halved by the schedule)
 *           CONTINUE          → nothing
 *       listener(the epoch)
 *   θ ← the kept copy
 * </pre>
 *
 * The copy is a true copy ({@link ParameterSet#copy()} once, then {@link ParameterSet#copyValuesFrom});
 * a HALVE_AND_RESTORE before any epoch was kept restores nothing. The loop itself draws no random
 * numbers, so a run is as reproducible as the network's epochs are.
 *
 * <p><b>Divergence.</b> The "last good parameters" are the epoch's starting parameters θ₀: the loop
 * copies them once per epoch (one pass over the parameters, like the keep copy above, against the
 * epoch's many passes; memory: one more copy of the parameters). When an epoch diverges — its
 * {@link Epochs#run} throws a {@link TrainingDivergedException} (the trainers throw it for a NaN or
 * infinite training loss or gradient norm, before that step's update, and for a non-finite validation
 * loss), or a parameter is NaN or infinite after it (checked once per epoch: a sum of squares in double,
 * which is finite exactly when every value is) — the loop puts θ₀ back, halves the learning rate
 * ({@link Schedule#halveLearningRate()}), reports a {@link Divergence} and runs the whole epoch again
 * at the new rate. The {@value #MAX_DIVERGENCES}th divergence of the same epoch in a row (no completed
 * epoch between) ends training with a {@link TrainingDivergedException} naming the epoch and step; the
 * parameters are θ₀ then. Nothing is kept, handed to {@code checkpoints} or reported as an epoch for a
 * diverged attempt, so a checkpoint never holds parameters from one, and a run in which nothing
 * diverges is the same bit for bit as without these checks (they only read the parameters). The
 * halved rate is the schedule's state, so a checkpoint after a recovered epoch resumes with it.
 */
public final class TrainingLoop {
    /** The divergences of one epoch in a row (no completed epoch between) after which training stops. */
    public static final int MAX_DIVERGENCES = 5;

    private TrainingLoop() {}

    /**
     * An epoch diverged and is run again: handed to the {@code onDivergence} listener of
     * {@link #run(ParameterSet, Schedule, int, Epochs, Consumer, Resume, Checkpoints, Consumer)} on the
     * training thread, once per event.
     *
     * @param epoch        0-based epoch
     * @param unit         what a step is called ("segment", "batch")
     * @param step         0-based step at which it diverged, or −1 after the epoch's updates (evaluation,
     *                     the parameters check)
     * @param what         what was not finite ("the training loss", "the gradient norm", …)
     * @param value        its value (NaN or ±∞)
     * @param learningRate the halved learning rate the epoch now runs again at
     * @param inARow       how many times this epoch has diverged so far (1 .. MAX_DIVERGENCES − 1)
     */
    public record Divergence(int epoch, String unit, int step, String what, double value, double learningRate,
                             int inARow) {
        /**
         * One line without the epoch: "segment 12: the training loss is NaN; the epoch restarts from its
         * starting parameters at lr 5.0 (divergence 1 in a row; the 5th stops training)".
         */
        public String describe() {
            return (step >= 0 ? unit + " " + step : "after the updates") + ": " + what + " is " + value
                    + "; the epoch restarts from its starting parameters at lr " + learningRate + " (divergence "
                    + inARow + " in a row; the " + MAX_DIVERGENCES + "th stops training)";
        }
    }

    /**
     * A network's side of the loop.
     *
     * @param <M> what an epoch measures (training loss, evaluations)
     */
    public interface Epochs<M> {
        /** Runs epoch {@code epoch}'s updates at {@code learningRate}, then evaluates; returns the figures. */
        M run(int epoch, double learningRate);

        /** The figure the schedule judges (dev F1, validation perplexity, …). */
        double metric(M measured);
    }

    /**
     * One epoch as the loop saw it, handed to the listener.
     *
     * @param epoch        0-based epoch number
     * @param measured     what {@link Epochs#run} returned
     * @param learningRate the learning rate the epoch's updates used
     * @param action       the schedule's decision after the epoch (already carried out)
     * @param seconds      wall time of the epoch: updates, evaluation and the keep/restore copy
     */
    public record Epoch<M>(int epoch, M measured, double learningRate, Schedule.Action action, double seconds) {
        /** Whether the epoch's parameters were kept as the new best. */
        public boolean newBest() {
            return action == Schedule.Action.NEW_BEST;
        }

        /** Whether the learning rate was halved and the kept parameters restored after the epoch. */
        public boolean halved() {
            return action == Schedule.Action.HALVE_AND_RESTORE;
        }
    }

    /**
     * The end of a run.
     *
     * @param epochsRun    epochs run
     * @param bestEpoch    the epoch whose parameters the model holds (−1 when none was kept)
     * @param best         that epoch's measurements (null when none was kept)
     * @param learningRate the schedule's learning rate when training stopped
     */
    public record Outcome<M>(int epochsRun, int bestEpoch, M best, double learningRate) {}

    /**
     * Where an interrupted run stands, read back from a checkpoint: how many epochs it completed, the
     * kept parameters (null when no epoch was kept yet) and their epoch, the schedule's
     * {@link Schedule#state()}, and the last epoch's action.
     */
    public record Resume(int epochsDone, ParameterSet kept, int bestEpoch, double[] scheduleState,
                         Schedule.Action lastAction) {
        public Resume {
            if (epochsDone < 1 || bestEpoch < -1 || bestEpoch >= epochsDone || scheduleState == null
                    || lastAction == null || (kept == null) != (bestEpoch < 0)) {
                throw new IllegalArgumentException("inconsistent training state: " + epochsDone + " epochs done, best "
                        + bestEpoch + (kept == null ? ", nothing kept" : ", parameters kept"));
            }
        }
    }

    /**
     * Receives the whole training state after every epoch (the live parameters, the kept copy, the
     * schedule), for example to write a checkpoint from which {@link #run} can {@link Resume}.
     */
    @FunctionalInterface
    public interface Checkpoints {
        /** Called on the training thread after the listener; the parameter sets are live: copy, do not keep. */
        void save(ParameterSet live, Resume state);
    }

    /**
     * Runs the loop above on the live {@code parameters} and leaves them holding the kept copy (the
     * last NEW_BEST epoch's values); reports each epoch to {@code listener} on the calling thread.
     */
    public static <M> Outcome<M> run(ParameterSet parameters, Schedule schedule, int maxEpochs, Epochs<M> epochs,
                                     Consumer<? super Epoch<M>> listener) {
        return run(parameters, schedule, maxEpochs, epochs, listener, null, null);
    }

    /**
     * {@link #run(ParameterSet, Schedule, int, Epochs, Consumer)} continuing from {@code resume} (when
     * not null: the live parameters must already hold the checkpoint's; the schedule is restored and
     * the loop starts at epoch {@code resume.epochsDone()}), and handing the state to
     * {@code checkpoints} (when not null) after every epoch. Given the same epochs (the network's
     * updates depend only on the epoch number and the parameters), a resumed run ends with the same
     * parameters, bit for bit, as an uninterrupted one; the outcome's {@code best} is null when the
     * kept epoch ran before the resume.
     */
    public static <M> Outcome<M> run(ParameterSet parameters, Schedule schedule, int maxEpochs, Epochs<M> epochs,
                                     Consumer<? super Epoch<M>> listener, Resume resume, Checkpoints checkpoints) {
        return run(parameters, schedule, maxEpochs, epochs, listener, resume, checkpoints, d -> { });
    }

    /**
     * {@link #run(ParameterSet, Schedule, int, Epochs, Consumer, Resume, Checkpoints)} telling
     * {@code onDivergence} of every epoch that diverged and is run again (see the class comment).
     *
     * @throws TrainingDivergedException on the {@value #MAX_DIVERGENCES}th divergence of an epoch in a
     *                                   row; the parameters are then those the epoch started from
     */
    public static <M> Outcome<M> run(ParameterSet parameters, Schedule schedule, int maxEpochs, Epochs<M> epochs,
                                     Consumer<? super Epoch<M>> listener, Resume resume, Checkpoints checkpoints,
                                     Consumer<? super Divergence> onDivergence) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(onDivergence, "onDivergence");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(epochs, "epochs");
        Objects.requireNonNull(listener, "listener");
        if (maxEpochs < 0) {
            throw new IllegalArgumentException("maxEpochs must be >= 0, got " + maxEpochs);
        }
        ParameterSet kept = null;
        M best = null;
        int bestEpoch = -1;
        int epoch = 0;
        if (resume != null) {
            schedule.restore(resume.scheduleState());
            if (resume.kept() != null) {
                kept = resume.kept().copy();
            }
            bestEpoch = resume.bestEpoch();
            epoch = resume.epochsDone();
        }
        ParameterSet start = null;
        for (; epoch < maxEpochs && !schedule.finished(); epoch++) {
            long t0 = System.nanoTime();
            double lr = schedule.learningRate();
            if (start == null) {
                start = parameters.copy();
            } else {
                start.copyValuesFrom(parameters);
            }
            M measured;
            for (int diverged = 0; ; ) {
                try {
                    measured = epochs.run(epoch, lr);
                    requireFinite(parameters, epoch);
                    break;
                } catch (TrainingDivergedException e) {
                    diverged++;
                    parameters.copyValuesFrom(start);
                    if (diverged >= MAX_DIVERGENCES) {
                        throw new TrainingDivergedException(e, diverged, lr);
                    }
                    schedule.halveLearningRate();
                    lr = schedule.learningRate();
                    onDivergence.accept(new Divergence(epoch, e.unit(), e.step(), e.what(), e.value(), lr, diverged));
                }
            }
            Schedule.Action action = schedule.update(epoch, epochs.metric(measured));
            switch (action) {
                case NEW_BEST -> {
                    if (kept == null) {
                        kept = parameters.copy();
                    } else {
                        kept.copyValuesFrom(parameters);
                    }
                    best = measured;
                    bestEpoch = epoch;
                }
                case HALVE_AND_RESTORE -> {
                    if (kept != null) {
                        parameters.copyValuesFrom(kept);
                    }
                }
                case CONTINUE -> { }
            }
            listener.accept(new Epoch<>(epoch, measured, lr, action, (System.nanoTime() - t0) * 1e-9));
            if (checkpoints != null) {
                checkpoints.save(parameters, new Resume(epoch + 1, kept, bestEpoch, schedule.state(), action));
            }
        }
        if (kept != null) {
            parameters.copyValuesFrom(kept);
        }
        return new Outcome<>(epoch, bestEpoch, best, schedule.learningRate());
    }

    /** Throws a divergence when a parameter is NaN or infinite: Σ v² in double is finite exactly when every v is. */
    private static void requireFinite(ParameterSet parameters, int epoch) {
        double sum = 0;
        for (Parameter p : parameters) {
            sum += Blas.sumOfSquares(p.values(), p.offset(), p.size());
        }
        if (!Double.isFinite(sum)) {
            throw new TrainingDivergedException("the parameters' norm", epoch, "step", -1, Math.sqrt(sum));
        }
    }
}
