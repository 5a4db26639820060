package dev.tessera.writer.store;

/**
 * A feature update that can never be written as it is, whatever the state of the connection: its
 * values cannot be encoded, or Redis refused the data itself. Retrying it would stall its partition
 * for good.
 */
public class UnwritableUpdateException extends RuntimeException {

    /** The update's values cannot be encoded for Redis. */
    public static final String CODEC = "codec";

    /** A key of the update holds another Redis type than the layout's (WRONGTYPE). */
    public static final String WRONG_TYPE = "wrong-type";

    /** The write script failed on the update's data. */
    public static final String SCRIPT_ERROR = "script-error";

    private final String reason;

    public UnwritableUpdateException(String reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), cause);
        this.reason = reason;
    }

    /** A short, bounded token: {@link #CODEC}, {@link #WRONG_TYPE} or {@link #SCRIPT_ERROR}. */
    public String reason() {
        return reason;
    }
}
