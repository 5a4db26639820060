package dev.tessera.gateway.service;

import java.util.List;

/** Some events of a request are invalid, so none of it is produced. */
public class InvalidEventsException extends RuntimeException {

    private final List<Violation> violations;

    public InvalidEventsException(String message, List<Violation> violations) {
        super(message);
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
