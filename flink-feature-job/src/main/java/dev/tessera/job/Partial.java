package dev.tessera.job;

import dev.tessera.spec.agg.Accumulator;

/**
 * The partial aggregate of some features over some events of one entity id: a pane of a tumbling or
 * sliding window, a session, or a tile of rolling features. Mutable; kept in Flink state and
 * serialized by {@link PartialSerializer} through each accumulator's own {@link
 * Accumulator#encode() encoding}.
 */
final class Partial {

    /** One per feature of the operator's {@link FeatureSet}, in its order. */
    final Accumulator[] accumulators;

    /** Events folded in, whether or not a feature's {@code where} let them through: the version. */
    long events;

    /** The newest event time folded in, {@link Long#MIN_VALUE} before the first event. */
    long newestEventTime = Long.MIN_VALUE;

    /** A tile changed since it was last emitted (unused by windows). */
    boolean dirty;

    Partial(Accumulator[] accumulators) {
        this.accumulators = accumulators;
    }

    @Override
    public String toString() {
        return "Partial{events="
                + events
                + ", newest="
                + newestEventTime
                + ", dirty="
                + dirty
                + "}";
    }
}
