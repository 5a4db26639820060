package dev.tessera.health;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The refusals the HTTP layer makes before any resource runs (a body, URI or header block too
 * large), as {@code application/problem+json} like every other refusal.
 *
 * <p>Quarkus answers a too-large Content-Length with a bare 413, and the HTTP codec a too-long
 * request line or header block with a bare 414 or 431, out of reach of any handler. So this route
 * checks first, at the same body limit and at {@link #MAX_URI_LENGTH} and {@link
 * #MAX_HEADERS_LENGTH}; each service sets the codec's own limits higher ({@code
 * quarkus.http.limits.max-initial-line-length}, {@code max-header-size}), leaving the bare answers
 * only to requests beyond those.
 */
@ApplicationScoped
public class HttpLayerProblems {

    private static final String MEDIA_TYPE = "application/problem+json";

    /** Quarkus' default request-line limit, as a URI limit (method and version aside). */
    static final int MAX_URI_LENGTH = 4096;

    /** Quarkus' default header-block limit. */
    static final int MAX_HEADERS_LENGTH = 20 * 1024;

    /** The key Quarkus' HTTP metrics take the uri tag from. */
    private static final String URL_PATH_TEMPLATE = "UrlPathTemplate";

    private final long maxBodySize;
    private final BodyHandler chunkedBodies;

    public HttpLayerProblems(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodySize = maxBodySize.asLongValue();
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(this.maxBodySize);
    }

    void install(@Observes Router router) {
        // Before Quarkus' own body-size check (ROUTE_ORDER_UPLOAD_LIMIT), which answers a bare 413.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
        // The 413 of a chunked body that grows past the limit.
        router.route()
                .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .failureHandler(this::failed);
    }

    private void check(RoutingContext context) {
        var request = context.request();
        if (request.uri().length() > MAX_URI_LENGTH) {
            refuse(
                    context,
                    414,
                    "URI too long",
                    "the request URI has "
                            + request.uri().length()
                            + " characters, more than the "
                            + MAX_URI_LENGTH
                            + " accepted");
            return;
        }
        int headersLength = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headersLength += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headersLength > MAX_HEADERS_LENGTH) {
            refuse(
                    context,
                    431,
                    "Request headers too large",
                    "the request headers take "
                            + headersLength
                            + " bytes, more than the "
                            + MAX_HEADERS_LENGTH
                            + " accepted");
            return;
        }
        String contentLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (contentLength != null && parse(contentLength) > maxBodySize) {
            // Refused on its headers: the body is never read.
            refuse(context, 413, "Request too large", tooLarge(contentLength + " bytes"));
            return;
        }
        if (contentLength == null && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A chunked body of unknown size: read up to the limit here, where going over fails the
            // route (a 413 problem, below); REST would answer a bare 413.
            chunkedBodies.handle(context);
            return;
        }
        context.next();
    }

    private void failed(RoutingContext context) {
        if (context.statusCode() != 413 || context.response().headWritten()) {
            context.next();
            return;
        }
        refuse(context, 413, "Request too large", tooLarge("the body"));
    }

    private String tooLarge(String what) {
        return what + " exceeds the limit of " + maxBodySize + " bytes per request";
    }

    private static long parse(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec refuses a malformed Content-Length itself
        }
    }

    private static void refuse(RoutingContext context, int status, String title, String detail) {
        // The HTTP metrics' uri tag, a local of the request's Vert.x context: without a template
        // it is the raw path, thousands of characters and a new series for each hostile request.
        Context requestContext = Vertx.currentContext();
        if (requestContext != null) {
            requestContext.putLocal(URL_PATH_TEMPLATE, "REFUSED");
        }
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
                // The unread body (or the rest of an oversized request) makes the connection
                // unusable for another request.
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(
                        new JsonObject()
                                .put("title", title)
                                .put("status", status)
                                .put("detail", detail)
                                .encode());
    }
}
