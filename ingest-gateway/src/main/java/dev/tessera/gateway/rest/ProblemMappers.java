package dev.tessera.gateway.rest;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.service.InvalidEventsException;
import dev.tessera.gateway.service.KafkaUnavailableException;
import dev.tessera.gateway.service.PayloadTooLargeException;
import dev.tessera.gateway.service.UnknownStreamException;
import dev.tessera.gateway.service.Violation;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal as {@code application/problem+json}, saying what is wrong. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final GatewayConfig config;

    public ProblemMappers(GatewayConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper
    public Response invalid(InvalidEventsException e) {
        return problem(400, "Invalid events", e.getMessage(), e.violations()).build();
    }

    @ServerExceptionMapper
    public Response unknownStream(UnknownStreamException e) {
        return problem(404, "Unknown stream", e.getMessage(), null).build();
    }

    @ServerExceptionMapper
    public Response tooLarge(PayloadTooLargeException e) {
        return problem(413, "Request too large", e.getMessage(), null).build();
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(KafkaUnavailableException e) {
        LOG.warnf(e.getCause(), "answering 503: %s", e.getMessage());
        return problem(
                        503,
                        "Kafka unavailable",
                        e.getMessage() + "; nothing is lost by retrying the whole request",
                        null)
                .header("Retry-After", config.gateway().retryAfter().toSeconds())
                .build();
    }

    private static Response.ResponseBuilder problem(
            int status, String title, String detail, List<Violation> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(title, status, detail, errors));
    }
}
