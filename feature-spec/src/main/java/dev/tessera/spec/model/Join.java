package dev.tessera.spec.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stream derived from two declared streams by the job: each event of {@code left} that the join
 * emits carries its own fields and, named {@code <alias>_<field>}, fields of the {@code right}
 * event it matched. Feature groups read the {@link #output()} stream as they read any stream (its
 * entity is the left stream's). Events are matched on equal values of the {@link #on()} fields.
 */
public sealed interface Join {

    String name();

    /** The stream whose events the join emits, enriched. */
    Stream left();

    /** The stream that enriches them. */
    Stream right();

    /** The fields both streams have whose values must be equal. */
    List<String> on();

    /** The prefix of the right stream's fields in the output. */
    String alias();

    /** The joined events, as a stream feature groups can read. */
    Stream output();

    /** The output name of a field of the right stream. */
    default String rightField(String field) {
        return alias() + "_" + field;
    }

    /**
     * Each left event with, among the right events whose time is within {@code [left time + lower,
     * left time + upper]}, the one nearest in time (of two as near, the later); left events without
     * such a right event are not emitted (an inner join). A left event is emitted once the
     * watermark passes its time plus {@code upper}. The output has the field {@link #gapField()}:
     * seconds from the right event to the left one.
     */
    record Interval(
            String name,
            Stream left,
            Stream right,
            List<String> on,
            Duration lower,
            Duration upper,
            String alias,
            Stream output)
            implements Join {

        /** E.g. {@code seconds_since_click}. */
        public String gapField() {
            return "seconds_since_" + alias;
        }
    }

    /**
     * Each left event with the right event (a version of a slowly changing dimension, valid from
     * its time on) that was valid at the left event's time: of the right events with equal {@code
     * on} values, the newest whose time is not after the left event's. A left event is emitted once
     * the watermark passes its time; without any valid version its right fields take {@code
     * defaults} (by right field name), or are absent.
     */
    record AsOf(
            String name,
            Stream left,
            Stream right,
            List<String> on,
            String alias,
            Map<String, Object> defaults,
            Stream output)
            implements Join {}
}
