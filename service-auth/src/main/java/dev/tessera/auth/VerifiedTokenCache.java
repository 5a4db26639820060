package dev.tessera.auth;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies a bearer token once rather than on every request (see {@link VerifiedTokens}): a caller
 * sends the same token with each request, and checking its RS256 signature took a tenth of the
 * reader's CPU.
 */
@Decorator
@Priority(10)
public abstract class VerifiedTokenCache implements JWTParser {

    private final JWTParser parser;
    private final VerifiedTokens verified = new VerifiedTokens(System::currentTimeMillis);

    @Inject
    VerifiedTokenCache(@Delegate JWTParser parser) {
        this.parser = parser;
    }

    @Override
    public JsonWebToken parse(String bearerToken) throws ParseException {
        return verified.get(bearerToken, parser::parse);
    }
}
