package dev.tessera.spec.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.spec.model.Compatibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The few calls of Apicurio Registry's v3 REST API that registering the streams' schemas needs, in
 * the group the Apicurio serde uses by default ({@value #GROUP}). Plain JDK HTTP: the gateway, the
 * job and the command line all use it.
 */
public final class RegistryClient {

    /** The group the Apicurio serde's default strategy, and the ccompat API, put artifacts in. */
    public static final String GROUP = "default";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final HttpClient http;

    /**
     * @param baseUrl the v3 API, e.g. {@code http://localhost:8085/apis/registry/v3}
     */
    public RegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A registered version of an artifact. */
    public record Version(String version, long globalId, long contentId, String content) {}

    /** Every version of the artifact, oldest first; empty if the artifact does not exist. */
    public List<Version> versions(String artifactId) {
        HttpResponse<String> listed =
                send(get(artifact(artifactId) + "/versions?limit=10000"), 200, 404);
        if (listed.statusCode() == 404) {
            return List.of();
        }
        List<Version> versions = new ArrayList<>();
        for (JsonNode v : json(listed).path("versions")) {
            String version = v.path("version").asText();
            String content =
                    send(
                                    get(
                                            artifact(artifactId)
                                                    + "/versions/"
                                                    + encode(version)
                                                    + "/content"),
                                    200)
                            .body();
            versions.add(
                    new Version(
                            version,
                            v.path("globalId").asLong(),
                            v.path("contentId").asLong(),
                            content));
        }
        versions.sort(Comparator.comparingLong(Version::globalId));
        return versions;
    }

    /** The artifact's compatibility rule, if it has one. */
    public Optional<Compatibility> compatibilityRule(String artifactId) {
        HttpResponse<String> rule =
                send(get(artifact(artifactId) + "/rules/COMPATIBILITY"), 200, 404);
        return rule.statusCode() == 404
                ? Optional.empty()
                : Optional.of(Compatibility.valueOf(json(rule).path("config").asText()));
    }

    /** Sets the artifact's compatibility rule, creating or replacing it. */
    public void setCompatibilityRule(String artifactId, Compatibility compatibility) {
        ObjectNode rule =
                JSON.createObjectNode()
                        .put("ruleType", "COMPATIBILITY")
                        .put("config", compatibility.name());
        HttpResponse<String> created = send(post(artifact(artifactId) + "/rules", rule), 204, 409);
        if (created.statusCode() == 409) {
            send(put(artifact(artifactId) + "/rules/COMPATIBILITY", rule), 200, 204);
        }
    }

    /**
     * Registers {@code schema} as the artifact's newest version unless a version with that content
     * exists, creating the artifact if needed ({@code ifExists=FIND_OR_CREATE_VERSION}, as the
     * Apicurio serde registers).
     *
     * @throws RuleViolationException if a rule of the registry refuses it
     */
    public Version register(String artifactId, String schema) {
        ObjectNode request = JSON.createObjectNode();
        request.put("artifactId", artifactId).put("artifactType", "AVRO");
        request.putObject("firstVersion")
                .putObject("content")
                .put("content", schema)
                .put("contentType", "application/json");
        HttpResponse<String> response =
                send(
                        post(
                                baseUrl
                                        + "/groups/"
                                        + GROUP
                                        + "/artifacts?ifExists=FIND_OR_CREATE_VERSION",
                                request),
                        200,
                        400,
                        409);
        JsonNode body = json(response);
        if (response.statusCode() != 200) {
            List<String> causes = new ArrayList<>();
            body.path("causes").forEach(c -> causes.add(c.path("description").asText()));
            throw new RuleViolationException(
                    body.path("detail").asText(body.path("title").asText(response.body())), causes);
        }
        JsonNode version = body.path("version");
        return new Version(
                version.path("version").asText(),
                version.path("globalId").asLong(),
                version.path("contentId").asLong(),
                schema);
    }

    /** The registry refused a new version: its rule's description and causes. */
    public static final class RuleViolationException extends RuntimeException {
        private final List<String> causes;

        RuleViolationException(String detail, List<String> causes) {
            super(detail + (causes.isEmpty() ? "" : " (" + String.join("; ", causes) + ")"));
            this.causes = List.copyOf(causes);
        }

        public List<String> causes() {
            return causes;
        }
    }

    private String artifact(String artifactId) {
        return baseUrl + "/groups/" + GROUP + "/artifacts/" + encode(artifactId);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET();
    }

    private static HttpRequest.Builder post(String url, JsonNode body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static HttpRequest.Builder put(String url, JsonNode body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    /** Sends the request; a status not in {@code expected} is a {@link RegistryException}. */
    private HttpResponse<String> send(HttpRequest.Builder request, int... expected) {
        HttpRequest built = request.timeout(TIMEOUT).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException("schema registry unreachable at " + baseUrl + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted calling the schema registry", e);
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new RegistryException(
                built.method()
                        + " "
                        + built.uri()
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + response.body(),
                null);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("the schema registry answered no JSON", e);
        }
    }

    /** The registry could not be reached or answered something unexpected. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
