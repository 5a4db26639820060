package dev.tessera.auth;

/** The caller's token is valid but grants neither {@code action:name} nor {@code action:*}: 403. */
public class NotGrantedException extends RuntimeException {

    public NotGrantedException(String action, String name) {
        super(
                "the token grants neither "
                        + action
                        + ":"
                        + name
                        + " nor "
                        + action
                        + ":"
                        + Grants.ANY);
    }
}
