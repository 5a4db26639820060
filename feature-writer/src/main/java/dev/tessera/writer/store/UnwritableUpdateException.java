package dev.tessera.writer.store;

import java.util.List;

/**
 * A feature update that can never be written as it is, whatever the state of the connection: its
 * values cannot be encoded, or Redis refused the data itself. Retrying it would stall its partition
 * for good.
 */
public class UnwritableUpdateException extends RuntimeException {

    /** A record the Avro deserializer cannot decode (not Avro, unknown schema id...). */
    public static final String UNDECODABLE = "undecodable";

    /** A decoded record that is not a valid feature update, or values that cannot be encoded. */
    public static final String CODEC = "codec";

    /** A key of the update holds another Redis type than the layout's (WRONGTYPE). */
    public static final String WRONG_TYPE = "wrong-type";

    /** The write script failed on the update's data. */
    public static final String SCRIPT_ERROR = "script-error";

    /** Every reason an update goes to the dead-letter topic: the tags of its counter. */
    public static final List<String> REASONS =
            List.of(UNDECODABLE, CODEC, WRONG_TYPE, SCRIPT_ERROR);

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
