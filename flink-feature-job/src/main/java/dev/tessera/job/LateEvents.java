package dev.tessera.job;

import dev.tessera.spec.model.Durations;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * The side output every operator sends its {@link LateEvent}s to, and the names of the late-event
 * metrics each operator counts (per subtask).
 */
public final class LateEvents {

    /** Where an operator's late events go. */
    public static final OutputTag<LateEvent> OUTPUT =
            new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    /** Events too late to count anywhere in the operator: sent to {@link #OUTPUT}. */
    public static final String DROPPED_METRIC = "lateEventsDropped";

    /**
     * Events that arrived after the watermark had closed (one of) their window(s) or tile, and
     * still counted thanks to allowed lateness (or tile retention): each caused a corrected update.
     */
    public static final String CORRECTED_METRIC = "lateEventsCorrected";

    private LateEvents() {}

    /** E.g. {@code 1m} for a duration of milliseconds, as {@code features.yaml} writes it. */
    static String duration(long millis) {
        return millis == 0 ? "0s" : Durations.format(Duration.ofMillis(millis));
    }
}
