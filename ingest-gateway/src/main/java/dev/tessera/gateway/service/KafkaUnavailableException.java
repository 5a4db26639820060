package dev.tessera.gateway.service;

/** Kafka did not acknowledge every event in time; the request may be retried as a whole. */
public class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
