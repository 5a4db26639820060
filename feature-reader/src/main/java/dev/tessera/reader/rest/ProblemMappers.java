package dev.tessera.reader.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.tessera.health.JaxRsRefusals;
import dev.tessera.reader.service.BadFeatureRequestException;
import dev.tessera.reader.service.UnknownEntityException;
import dev.tessera.reader.store.StoreUnavailableException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal as {@code application/problem+json}, saying what is wrong. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response badRequest(BadFeatureRequestException e) {
        return problem(400, "Bad feature request", e.getMessage()).build();
    }

    @ServerExceptionMapper
    public Response unknownEntity(UnknownEntityException e) {
        return problem(404, "Unknown entity", e.getMessage()).build();
    }

    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailableException e) {
        LOG.warn(e.getMessage());
        return problem(503, "Feature store unavailable", e.getMessage())
                .header("Retry-After", 1)
                .build();
    }

    /** JSON of the wrong shape: an id that is not a string, a list that is an object... */
    @ServerExceptionMapper
    public Response unbindableJson(MismatchedInputException e) {
        return problem(400, "Bad feature request", JaxRsRefusals.bindingDetail(e)).build();
    }

    private static Response.ResponseBuilder problem(int status, String title, String detail) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(title, status, detail));
    }
}
