package dev.tessera.job;

/**
 * A record that can never become a {@link StreamEvent} (its framing, its schema, its body or its
 * values): the job sends it to the stream's dead-letter topic and goes on.
 */
final class UndecodableEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UndecodableEventException(String message) {
        super(message);
    }

    UndecodableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
