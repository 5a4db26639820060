package dev.tessera.gateway.service;

public class UnknownStreamException extends RuntimeException {

    public UnknownStreamException(String stream, java.util.Collection<String> known) {
        super("stream '" + stream + "' is not declared in features.yaml (known: " + known + ")");
    }
}
