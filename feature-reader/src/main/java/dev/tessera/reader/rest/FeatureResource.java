package dev.tessera.reader.rest;

import dev.tessera.auth.Grants;
import dev.tessera.reader.service.EntityFeatures;
import dev.tessera.reader.service.FeatureReadService;
import dev.tessera.reader.service.ReadMetrics;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Feature values for models: one entity id by GET, many by POST; for callers whose bearer token
 * grants {@code read:<entity>} or {@code read:*}.
 */
@Path("/v1/features")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class FeatureResource {

    public static final String READ = "read";

    private static final Pattern SPACES_AROUND = Pattern.compile("^ +| +$");

    private final FeatureReadService features;
    private final ReadMetrics metrics;

    public FeatureResource(FeatureReadService features, ReadMetrics metrics) {
        this.features = features;
        this.metrics = metrics;
    }

    /** The body of a batch request; no names means all of the entity's features. */
    public record BatchRequest(List<String> ids, List<String> names) {}

    public record BatchAnswer(String entity, List<EntityFeatures> results) {}

    @GET
    @Path("/{entity}/{id}")
    public Uni<EntityFeatures> one(
            @PathParam("entity") String entity,
            @PathParam("id") String id,
            @QueryParam("names") String names,
            @Context SecurityContext caller) {
        Grants.require(caller, READ, entity);
        return timed(
                "get_one",
                () -> features.read(entity, List.of(id), split(names)).map(all -> all.get(0)));
    }

    @POST
    @Path("/{entity}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<BatchAnswer> many(
            @PathParam("entity") String entity,
            @Context SecurityContext caller,
            BatchRequest request) {
        Grants.require(caller, READ, entity);
        List<String> ids = request == null || request.ids() == null ? List.of() : request.ids();
        List<String> names =
                request == null || request.names() == null ? List.of() : request.names();
        return timed(
                "post_batch",
                () ->
                        features.read(entity, ids, names)
                                .map(results -> new BatchAnswer(entity, results)));
    }

    /**
     * Records the latency of a request to {@code endpoint} when its answer (or failure, a bad
     * request included) is ready.
     */
    private <T> Uni<T> timed(String endpoint, Supplier<Uni<T>> answer) {
        long started = System.nanoTime();
        Uni<T> uni;
        try {
            uni = answer.get();
        } catch (RuntimeException e) {
            metrics.request(endpoint, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        return uni.onTermination()
                .invoke(
                        () ->
                                metrics.request(
                                        endpoint, Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * No {@code names} (or an empty one) means all features; every name given is kept, blank ones
     * too, for the service to refuse. Only spaces around names are dropped: {@code trim} and {@code
     * strip} would also drop control characters.
     */
    private static List<String> split(String names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(names.split(",", -1))
                .map(n -> SPACES_AROUND.matcher(n).replaceAll(""))
                .toList();
    }
}
