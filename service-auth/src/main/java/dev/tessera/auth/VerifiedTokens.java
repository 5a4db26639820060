package dev.tessera.auth;

import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer tokens verified lately. A token is served from memory only as the exact string that was
 * verified, and only until it expires or {@link #REVERIFY_AFTER} after it was verified, whichever
 * comes first (so a rotated key takes effect within that). A refused token is never kept: it is
 * checked, and refused, every time.
 */
final class VerifiedTokens {

    /** Past this many tokens the memory starts over: only verified tokens get in. */
    static final int MAX_TOKENS = 10_000;

    static final Duration REVERIFY_AFTER = Duration.ofMinutes(1);

    /** How a token is verified: its signature, issuer, audience and times. */
    interface Verifier {
        JsonWebToken verify(String bearerToken) throws ParseException;
    }

    private record Verified(JsonWebToken token, long untilMillis) {}

    private final LongSupplier clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    VerifiedTokens(LongSupplier clock) {
        this.clock = clock;
    }

    /** The token, verified by {@code verifier} unless it was lately. */
    JsonWebToken get(String bearerToken, Verifier verifier) throws ParseException {
        long now = clock.getAsLong();
        Verified cached = verified.get(bearerToken);
        if (cached != null && now < cached.untilMillis()) {
            return cached.token();
        }
        JsonWebToken token = verifier.verify(bearerToken);
        long expires = token.getExpirationTime() * 1000;
        if (verified.size() >= MAX_TOKENS) {
            verified.clear();
        }
        verified.put(
                bearerToken,
                new Verified(token, Math.min(expires, now + REVERIFY_AFTER.toMillis())));
        return token;
    }
}
