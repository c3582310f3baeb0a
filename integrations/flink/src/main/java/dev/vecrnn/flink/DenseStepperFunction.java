package dev.vecrnn.flink;

import dev.vecrnn.io.ModelFile;
import dev.vecrnn.nn.ScrnNetwork;
import dev.vecrnn.nn.ScrnStepper;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Objects;

/**
 * Steps each key's stream of feature vectors through a one-step SCRN cell ({@link ScrnStepper}, dense
 * input, workload R2): per event, s = r ⊙ (x·xs) + (1 − r) ⊙ s, h = σ(x·xh + s·sh + h·hh), and out =
 * g([h ‖ s]·[ho ; so] + b), emitted with its argmax (for a softmax model, the class probabilities and
 * the most likely class). The model file is an {@code scrn} model file (saved with
 * {@code ModelFile.saveLanguageModel}, with or without a vocabulary); each key starts from the zero
 * state.
 *
 * <p>Use it on a stream keyed by {@link FeatureEvent#keyOrEmpty()} ({@link VecrnnStreams#step}). The
 * model is loaded from the {@link ModelSource} once per parallel task; per key it keeps one value of
 * explicit type: the state [h ‖ s] (nh + ns floats) and the key's position.
 *
 * <p><b>Bad events never fail the job.</b> A feature vector that is null, not of the model's input
 * size, or holds a NaN or an infinity is rejected: the key's state is left as it was and one
 * {@link DenseOutput} with position −1, argmax −1 and no outputs is emitted (counted in
 * {@code vecrnnRejectedEvents}). A key without state (new, or dropped by the state TTL) starts from the
 * zero state at position 0; a saved state of another shape is counted in {@code vecrnnStateResets} and
 * starts afresh (keeping its position).
 */
public class DenseStepperFunction extends KeyedProcessFunction<String, FeatureEvent, DenseOutput> {
    private static final long serialVersionUID = 1L;

    /** The per-key state: ([h ‖ s], position). */
    static final TypeInformation<Tuple2<float[], Long>> STATE_TYPE = Types.TUPLE(Types.PRIMITIVE_ARRAY(Types.FLOAT),
            Types.LONG);
    private static final float[] NO_OUTPUTS = new float[0];

    private final ModelSource modelSource;
    private Duration stateTtl;
    private boolean argmaxOnly;

    private transient ScrnStepper stepper;
    private transient int inputSize, outputSize;
    private transient float[] out;
    private transient ValueState<Tuple2<float[], Long>> state;
    private transient Counter rejectedEvents, stateResets;

    public DenseStepperFunction(ModelSource modelSource) {
        this.modelSource = Objects.requireNonNull(modelSource, "modelSource");
    }

    /** Drops a key's state when it has not been written for {@code ttl}; its next event starts afresh. */
    public DenseStepperFunction withStateTtl(Duration ttl) {
        this.stateTtl = KeyStateDescriptors.checkTtl(ttl);
        return this;
    }

    /** Emits the argmax only (empty {@link DenseOutput#outputs}), for less output traffic. */
    public DenseStepperFunction argmaxOnly() {
        this.argmaxOnly = true;
        return this;
    }

    /**
     * Loads the model and makes the task's one stepper.
     *
     * @throws IllegalArgumentException when the file holds no SCRN
     */
    @Override
    public void open(OpenContext openContext) throws Exception {
        ModelFile.Loaded loaded = modelSource.load(getRuntimeContext());
        if (loaded.kind() != ModelFile.Kind.SCRN) {
            throw new IllegalArgumentException(modelSource + " holds a " + loaded.kind().id() + " model, not an SCRN");
        }
        ScrnNetwork net = (ScrnNetwork) loaded.languageModel();
        stepper = net.newStepper();
        inputSize = net.config().inputSize();
        outputSize = net.config().outputSize();
        out = new float[outputSize];
        state = getRuntimeContext().getState(KeyStateDescriptors.descriptor("vecrnn-dense", STATE_TYPE, stateTtl));
        rejectedEvents = getRuntimeContext().getMetricGroup().counter("vecrnnRejectedEvents");
        stateResets = getRuntimeContext().getMetricGroup().counter("vecrnnStateResets");
    }

    @Override
    public void processElement(FeatureEvent event, Context ctx, Collector<DenseOutput> collector) throws Exception {
        String key = ctx.getCurrentKey();
        if (!acceptable(event.features)) {
            rejectedEvents.inc();
            collector.collect(new DenseOutput(key, -1, NO_OUTPUTS, -1));
            return;
        }
        Tuple2<float[], Long> s = state.value();
        if (s == null || !restore(s)) {
            long position = s != null && s.f1 != null && s.f1 >= 0 ? s.f1 : 0L;
            s = Tuple2.of(new float[stepper.stateSize()], position);
            stepper.reset();
        }
        stepper.step(event.features, 0, out, 0);
        stepper.saveState(s.f0, 0);
        long position = s.f1;
        s.f1 = position + 1;
        state.update(s);
        collector.collect(new DenseOutput(key, position, argmaxOnly ? NO_OUTPUTS : out.clone(), argmax(out)));
    }

    private boolean acceptable(float[] x) {
        if (x == null || x.length != inputSize) {
            return false;
        }
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The index of the largest output (the first on ties; −1 when every output is NaN). */
    static int argmax(float[] v) {
        int best = -1;
        for (int j = 0; j < v.length; j++) {
            if (!Float.isNaN(v[j]) && (best < 0 || v[j] > v[best])) {
                best = j;
            }
        }
        return best;
    }

    private boolean restore(Tuple2<float[], Long> s) {
        try {
            if (s.f1 == null || s.f1 < 0 || s.f0 == null || s.f0.length != stepper.stateSize()) {
                throw new IllegalArgumentException("saved state of another shape");
            }
            stepper.restoreState(s.f0, 0);
            return true;
        } catch (IllegalArgumentException e) {
            stateResets.inc();
            return false;
        }
    }
}
