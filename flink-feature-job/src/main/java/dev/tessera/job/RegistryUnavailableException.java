package dev.tessera.job;

import java.io.IOException;

/**
 * The schema registry could not answer (unreachable, timed out, failing): not the record's fault,
 * so the job fails and restarts from its last checkpoint rather than skip it.
 */
final class RegistryUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    RegistryUnavailableException(String message) {
        super(message);
    }

    RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
