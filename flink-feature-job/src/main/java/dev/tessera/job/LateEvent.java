package dev.tessera.job;

/**
 * An event that changed no value: too late to count in a feature group's window or tile, or stamped
 * further ahead of the job's clock than its stream's {@code max_future}. The job produces it to its
 * stream's late topic ({@code <topic>.late}, see {@link LateEventSerializationSchema}).
 *
 * @param stream the stream the event belongs to
 * @param group the feature group that dropped it, or null for a future event (dropped before any
 *     group); an event can be late for several groups (or several windows of one group), each
 *     reports it
 * @param cause late or future
 * @param reason why, for people: the window or tile, the watermark and the allowed lateness, or how
 *     far ahead of the clock
 */
public record LateEvent(
        String stream, String group, Cause cause, String reason, StreamEvent event) {

    /** Why an event counted nowhere. */
    public enum Cause {
        /** Behind the watermark by more than the allowed lateness. */
        LATE,
        /** Ahead of the job's clock by more than the stream's {@code max_future}. */
        FUTURE
    }

    /** An event too late for a group's window or tile. */
    public LateEvent(String stream, String group, String reason, StreamEvent event) {
        this(stream, group, Cause.LATE, reason, event);
    }
}
