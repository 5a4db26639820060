package dev.tessera.reader.service;

public class UnknownEntityException extends RuntimeException {

    public UnknownEntityException(String entity, java.util.Collection<String> known) {
        super("entity '" + entity + "' is not declared in features.yaml (known: " + known + ")");
    }
}
