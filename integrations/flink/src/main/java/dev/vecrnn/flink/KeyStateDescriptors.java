package dev.vecrnn.flink;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.time.Duration;

/**
 * The per-key state descriptors of the operators: a named value with explicit type information (so no
 * state ever falls back to Kryo) and, when a time to live is set, Flink's state TTL: a key's state
 * is dropped once it has not been written for that long (processing time), and an expired state is
 * never read back, so the key's next event starts a fresh stream.
 */
final class KeyStateDescriptors {
    private KeyStateDescriptors() {
    }

    static <T> ValueStateDescriptor<T> descriptor(String name, TypeInformation<T> type, Duration ttl) {
        ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, type);
        if (ttl != null) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    static Duration checkTtl(Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("a state time to live must be positive, got " + ttl);
        }
        return ttl;
    }
}
