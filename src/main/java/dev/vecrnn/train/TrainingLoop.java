package dev.vecrnn.train;

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
 *       measured ← epochs.run(epoch, lr)             (updates, e.g. over shuffled data, then evaluation)
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
 */
public final class TrainingLoop {
    private TrainingLoop() {}

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
        Objects.requireNonNull(parameters, "parameters");
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
        for (; epoch < maxEpochs && !schedule.finished(); epoch++) {
            long t0 = System.nanoTime();
            double lr = schedule.learningRate();
            M measured = epochs.run(epoch, lr);
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
}
