package dev.tessera.dev;

/** The address every dev service binds to: never a routable interface. */
final class Loopback {

    /** IPv4 literal rather than "localhost", which may resolve to ::1 first. */
    static final String HOST = "127.0.0.1";

    private Loopback() {}
}
