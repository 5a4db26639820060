package dev.tessera.gateway.rest;

import dev.tessera.gateway.service.EventIngestService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /v1/events/{stream}}: raw events in, 202 once Kafka has them all. */
@Path("/v1/events")
public class EventResource {

    public static final String NDJSON = "application/x-ndjson";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final EventIngestService ingest;

    public EventResource(EventIngestService ingest) {
        this.ingest = ingest;
    }

    /** The answer to an accepted request. */
    public record Accepted(int accepted) {}

    /**
     * On a worker thread: parsing, validating and serializing a request's events is CPU work, and
     * the Kafka producer may block while its buffer is full.
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
            byte[] body) {
        boolean ndjson = contentType != null && contentType.startsWith(NDJSON);
        return ingest.ingest(stream, body, ndjson, idempotencyKey)
                .map(n -> Response.accepted(new Accepted(n)).build());
    }
}
