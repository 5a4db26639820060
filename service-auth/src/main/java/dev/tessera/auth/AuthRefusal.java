package dev.tessera.auth;

import io.quarkus.security.AuthenticationFailedException;
import java.util.Locale;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/** Why a request was refused: the {@code reason} tag of {@code tessera_auth_refusals_total}. */
public enum AuthRefusal {
    /** No bearer token: 401. */
    MISSING_TOKEN("no bearer token; send Authorization: Bearer <JWT>"),
    /** Not a signed JWT at all: 401. */
    MALFORMED_TOKEN("the bearer token is not a well-formed signed JWT"),
    EXPIRED_TOKEN("the bearer token has expired"),
    WRONG_ISSUER("the bearer token was not issued by the configured issuer"),
    WRONG_AUDIENCE("the bearer token is not meant for this service (audience)"),
    BAD_SIGNATURE("the bearer token's signature does not verify with the configured key"),
    /** Any other reason the token did not verify: 401. */
    INVALID_TOKEN("the bearer token does not verify"),
    /** A valid token without the grant the request needs: 403. */
    NOT_GRANTED("the bearer token does not grant this");

    private final String detail;

    AuthRefusal(String detail) {
        this.detail = detail;
    }

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What to tell the caller (never the token itself). */
    public String detail() {
        return detail;
    }

    /** Why the JWT mechanism refused a token, from the verifier's (jose4j's) error codes. */
    static AuthRefusal of(AuthenticationFailedException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid) {
                return of(invalid);
            }
        }
        return INVALID_TOKEN;
    }

    private static AuthRefusal of(InvalidJwtException invalid) {
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return BAD_SIGNATURE;
        }
        if (invalid.hasExpired()) {
            return EXPIRED_TOKEN;
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
                || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return WRONG_ISSUER;
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return WRONG_AUDIENCE;
        }
        if (invalid.hasErrorCode(ErrorCodes.MISCELLANEOUS)
                || invalid.hasErrorCode(ErrorCodes.JSON_INVALID)) {
            return MALFORMED_TOKEN;
        }
        return INVALID_TOKEN;
    }
}
