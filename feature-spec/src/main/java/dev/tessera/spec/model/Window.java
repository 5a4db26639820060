package dev.tessera.spec.model;

import java.time.Duration;

/** The event-time window a feature aggregates over. */
public sealed interface Window {

    /** The span of event time one value covers. */
    Duration size();

    /**
     * Fixed, non-overlapping windows aligned to the epoch; the value of the last closed one is
     * served.
     */
    record Tumbling(Duration size) implements Window {
        @Override
        public String toString() {
            return "tumbling(" + Durations.format(size) + ")";
        }
    }
}
