package dev.tessera.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A request JAX-RS refused before any resource ran (no such path, method, content type or
 * acceptable answer, a body that does not bind) as an {@code application/problem+json} answer that
 * says what is wrong: one mapper for every service.
 */
public class JaxRsRefusals {

    private static final String MEDIA_TYPE = "application/problem+json";

    /** An RFC 9457 problem body, with the fields of the services' own. */
    public record Problem(String title, int status, String detail) {}

    @ServerExceptionMapper
    public Response refused(WebApplicationException e, HttpHeaders headers, UriInfo uri) {
        int status = e.getResponse().getStatus();
        return withHeaders(
                        e,
                        Response.status(status)
                                .type(MEDIA_TYPE)
                                .entity(new Problem(title(e), status, detail(e, headers, uri))))
                .build();
    }

    /** The reason phrase of the refusal's status, the problem's title. */
    private static String title(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return status.getReasonPhrase();
    }

    private static String detail(WebApplicationException e, HttpHeaders headers, UriInfo uri) {
        String path = uri.getRequestUri().getRawPath();
        if (e instanceof NotFoundException) {
            return "nothing is served at " + path;
        }
        if (e instanceof NotAllowedException) {
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return "this method is not allowed on "
                    + path
                    + (allow == null ? "" : "; allowed: " + allow);
        }
        if (e instanceof NotSupportedException) {
            return "Content-Type "
                    + headers.getHeaderString(HttpHeaders.CONTENT_TYPE)
                    + " is not accepted on "
                    + path;
        }
        if (e instanceof NotAcceptableException) {
            return "no answer of an acceptable type (Accept: "
                    + headers.getHeaderString(HttpHeaders.ACCEPT)
                    + ") is served at "
                    + path;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MismatchedInputException mismatch) {
                return bindingDetail(mismatch);
            }
            if (cause instanceof JsonProcessingException json) {
                return "the body is not valid JSON: " + json.getOriginalMessage();
            }
        }
        return e.getMessage();
    }

    /** The refusal's own headers (Allow...) on the problem answer. */
    private static Response.ResponseBuilder withHeaders(
            WebApplicationException e, Response.ResponseBuilder problem) {
        e.getResponse()
                .getStringHeaders()
                .forEach(
                        (name, values) -> {
                            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                                values.forEach(value -> problem.header(name, value));
                            }
                        });
        return problem;
    }

    /**
     * Where a JSON body does not fit its type, and how: {@code ids[1]: expected a JSON string,
     * found a number}.
     */
    public static String bindingDetail(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        String where = path.isEmpty() ? "the body" : path.toString();
        String expected = e.getTargetType() == null ? "another type" : typeName(e.getTargetType());
        return where
                + ": expected "
                + expected
                + " ("
                + firstSentence(e.getOriginalMessage())
                + ")";
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a JSON string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a JSON number";
        }
        return "a JSON object";
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "";
        }
        int cut = message.indexOf(" (");
        return cut > 0 ? message.substring(0, cut) : message;
    }
}
