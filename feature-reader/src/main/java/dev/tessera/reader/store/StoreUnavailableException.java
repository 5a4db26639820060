package dev.tessera.reader.store;

public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(Throwable cause) {
        super("the feature store (Redis) is unavailable: " + cause.getMessage(), cause);
    }
}
