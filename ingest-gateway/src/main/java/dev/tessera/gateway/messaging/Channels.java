package dev.tessera.gateway.messaging;

/** Reactive Messaging channel names, shared by the code and its tests. */
public final class Channels {

    /** Validated events, as Avro, to their stream's topic. */
    public static final String EVENTS = "events";

    private Channels() {}
}
