package dev.tessera.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 401 and 403 as {@code application/problem+json}, each counted by reason in {@code
 * tessera_auth_refusals_total}. Needs {@code quarkus.http.auth.proactive=false}: only then do
 * authentication failures reach exception mappers.
 */
public class AuthProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";

    /** An RFC 9457 problem body; the services' own problems have the same fields. */
    public record AuthProblem(String title, int status, String detail) {}

    private final AuthMetrics metrics;

    public AuthProblemMappers(AuthMetrics metrics) {
        this.metrics = metrics;
    }

    /** No token on an {@code @Authenticated} endpoint. */
    @ServerExceptionMapper
    public Response missing(UnauthorizedException e) {
        return unauthorized(AuthRefusal.MISSING_TOKEN, "Bearer");
    }

    /** A token that does not verify (RFC 6750: {@code error="invalid_token"}). */
    @ServerExceptionMapper
    public Response invalid(AuthenticationFailedException e) {
        AuthRefusal refusal = AuthRefusal.of(e);
        return unauthorized(
                refusal,
                "Bearer error=\"invalid_token\", error_description=\"" + refusal.detail() + "\"");
    }

    @ServerExceptionMapper
    public Response notGranted(NotGrantedException e) {
        count(AuthRefusal.NOT_GRANTED);
        return Response.status(403)
                .type(PROBLEM_JSON)
                .entity(new AuthProblem("Forbidden", 403, e.getMessage()))
                .build();
    }

    private Response unauthorized(AuthRefusal refusal, String challenge) {
        count(refusal);
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type(PROBLEM_JSON)
                .entity(new AuthProblem("Unauthorized", 401, refusal.detail()))
                .build();
    }

    private void count(AuthRefusal refusal) {
        metrics.refused(refusal);
    }
}
