package dev.tessera.gateway.rest;

import dev.tessera.auth.Grants;
import dev.tessera.gateway.service.EventIngestService;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code POST /v1/events/{stream}}: raw events in, 202 once Kafka has them all; for callers whose
 * bearer token grants {@code produce:<stream>} or {@code produce:*}.
 */
@Path("/v1/events")
@Authenticated
public class EventResource {

    public static final String NDJSON = "application/x-ndjson";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String PRODUCE = "produce";

    private final EventIngestService ingest;

    public EventResource(EventIngestService ingest) {
        this.ingest = ingest;
    }

    /** The answer to an accepted request. */
    public record Accepted(int accepted) {}

    /**
     * On a worker thread: parsing, validating and serializing a request's events is CPU work, and
     * the Kafka producer may block while its buffer is full. A request holds events of one stream
     * only (its path), so one grant covers all of them, and it is checked before anything else.
     */
    @POST
    @Blocking
    @Path("/{stream}")
    @Consumes({MediaType.APPLICATION_JSON, NDJSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> post(
            @PathParam("stream") String stream,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @Context SecurityContext caller,
            byte[] body) {
        Grants.require(caller, PRODUCE, stream);
        boolean ndjson = contentType != null && contentType.startsWith(NDJSON);
        return ingest.ingest(stream, body, ndjson, idempotencyKey)
                .map(n -> Response.accepted(new Accepted(n)).build());
    }
}
