package dev.tessera.job;

/**
 * An event that came too late to count in a feature group's window or tile: it changed no value.
 * The job produces it to its stream's late topic ({@code <topic>.late}, see {@link
 * LateEventSerializationSchema}).
 *
 * @param stream the stream the event belongs to
 * @param group the feature group that dropped it; an event can be late for several groups (or
 *     several windows of one group), each reports it
 * @param reason why it is late, for people: the window or tile, the watermark and the allowed
 *     lateness
 */
public record LateEvent(String stream, String group, String reason, StreamEvent event) {}
