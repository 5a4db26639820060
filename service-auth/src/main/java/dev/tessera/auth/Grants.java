package dev.tessera.auth;

import jakarta.ws.rs.core.SecurityContext;

/**
 * What a bearer token allows: its {@code scope} claim (space-separated, as OAuth2 authorization
 * servers issue it; mapped to roles by {@code smallrye.jwt.path.groups}) holds grants {@code
 * <action>:<name>}, or {@code <action>:*} for every name, such as {@code produce:transactions} or
 * {@code read:*}.
 */
public final class Grants {

    /** Every name of an action. */
    public static final String ANY = "*";

    private Grants() {}

    /**
     * @throws NotGrantedException unless the caller holds {@code action:name} or {@code action:*}
     */
    public static void require(SecurityContext caller, String action, String name) {
        if (!caller.isUserInRole(action + ":" + name) && !caller.isUserInRole(action + ":" + ANY)) {
            throw new NotGrantedException(action, name);
        }
    }
}
