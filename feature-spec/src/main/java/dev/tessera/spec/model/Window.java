package dev.tessera.spec.model;

import java.time.Duration;

/** The event-time window a feature aggregates over. */
public sealed interface Window {

    /** How much event time one value covers (for a session: its gap). */
    Duration size();

    /** Fixed, non-overlapping windows aligned to the epoch; the last closed one is served. */
    record Tumbling(Duration size) implements Window {
        @Override
        public String toString() {
            return "tumbling(" + Durations.format(size) + ")";
        }
    }

    /**
     * Windows of {@code size} starting every {@code slide} (hopping), aligned to the epoch; the
     * last closed one is served. {@code size} is a multiple of {@code slide}.
     */
    record Sliding(Duration size, Duration slide) implements Window {
        @Override
        public String toString() {
            return "sliding(" + Durations.format(size) + ", " + Durations.format(slide) + ")";
        }
    }

    /**
     * Per entity, events less than {@code gap} apart form one session; the last closed session (no
     * event for {@code gap}) is served.
     */
    record Session(Duration gap) implements Window {
        @Override
        public Duration size() {
            return gap;
        }

        @Override
        public String toString() {
            return "session(" + Durations.format(gap) + ")";
        }
    }

    /**
     * The {@code size} of event time ending at the moment of the request, served by merging stored
     * tiles: exact to one tile (see {@link FeatureGroup#tile()}).
     */
    record Rolling(Duration size) implements Window {
        @Override
        public String toString() {
            return "rolling(" + Durations.format(size) + ")";
        }
    }

    /**
     * Every event of the entity, for as long as the entity stays active (its state expires with the
     * group's ttl after the last event): stateful features such as the last 10 actions or the time
     * since the last transaction. The newest value is served.
     */
    record Lifetime() implements Window {
        @Override
        public Duration size() {
            return Duration.ZERO;
        }

        @Override
        public String toString() {
            return "lifetime";
        }
    }

    /**
     * The entity's events since its latest event of another stream (in event time), such as the
     * clicks since the last purchase: that stream's event resets the value. The newest value is
     * served.
     */
    record Since(Stream reset) implements Window {
        @Override
        public Duration size() {
            return Duration.ZERO;
        }

        @Override
        public String toString() {
            return "since(" + reset.name() + ")";
        }
    }
}
