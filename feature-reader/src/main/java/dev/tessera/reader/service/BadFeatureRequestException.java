package dev.tessera.reader.service;

/** The request names features that do not exist, or asks for too much. */
public class BadFeatureRequestException extends RuntimeException {

    public BadFeatureRequestException(String message) {
        super(message);
    }
}
