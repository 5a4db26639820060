package dev.tessera.job;

import dev.tessera.spec.agg.Accumulator;

/**
 * The partial aggregate of some features over some events of one entity id: a pane of a tumbling or
 * sliding window, a session, or a tile of rolling features. Mutable; kept in Flink state and
 * serialized by {@link PartialSerializer} through each accumulator's own {@link
 * Accumulator#encode() encoding}.
 */
final class Partial {

    /** One per feature of {@link #layout}, in its order. */
    Accumulator[] accumulators;

    /**
     * The features the accumulators are of: the operator's, unless the partial was restored from
     * state written for other features (see {@link FeatureSet#conform}).
     */
    FeatureSet layout;

    /** Events folded in, whether or not a feature's {@code where} let them through: the version. */
    long events;

    /** The newest event time folded in, {@link Long#MIN_VALUE} before the first event. */
    long newestEventTime = Long.MIN_VALUE;

    /** A tile changed since it was last emitted (unused by windows). */
    boolean dirty;

    Partial(Accumulator[] accumulators, FeatureSet layout) {
        this.accumulators = accumulators;
        this.layout = layout;
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
