package dev.tessera.spec.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.spec.model.Compatibility;
import java.io.IOException;
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
 * The calls of Apicurio Registry's APIs that Tessera makes, in the group the Apicurio serde and the
 * Confluent-compatible API use ({@value #GROUP}): registering the streams' schemas with their rules
 * (the gateway, the job, {@code ./tessera check-spec}), and finding the schema a record names by id
 * (the job). Its v3 API, and its Confluent-compatible API next to it.
 *
 * <p>The JDK's HTTP client, whose threads end once the client is unreachable: nothing outlives a
 * Flink job's class loader after a restart. Any answer but the expected ones, a failed connection
 * or a timeout is a {@link RegistryException}.
 */
public final class RegistryClient {

    /** The group the Apicurio serde's default strategy, and the ccompat API, put artifacts in. */
    public static final String GROUP = "default";

    /** The version label of a schema that is no version of the artifact asked about. */
    public static final String UNKNOWN_VERSION = "unknown";

    private static final String V3_PATH = "/apis/registry/v3";
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BODY_IN_MESSAGE = 200;

    private final String baseUrl;
    private final String ccompatUrl;
    private final HttpClient http;

    /**
     * @param baseUrl the v3 API, e.g. {@code http://localhost:8085/apis/registry/v3}
     * @throws IllegalArgumentException if it is not the base of a v3 API
     */
    public RegistryClient(String baseUrl) {
        this.baseUrl = v3Url(baseUrl);
        this.ccompatUrl = ccompatUrl(baseUrl);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * {@code registryUrl} without a trailing slash.
     *
     * @throws IllegalArgumentException if it is not the base of a v3 API
     */
    public static String v3Url(String registryUrl) {
        String url =
                registryUrl.endsWith("/")
                        ? registryUrl.substring(0, registryUrl.length() - 1)
                        : registryUrl;
        if (!url.endsWith(V3_PATH)) {
            throw new IllegalArgumentException(
                    "registry URL "
                            + registryUrl
                            + " is not the base of Apicurio Registry's v3 API (http://HOST:PORT"
                            + V3_PATH
                            + ")");
        }
        return url;
    }

    /** The base of the registry's Confluent-compatible API, next to its v3 API. */
    public static String ccompatUrl(String registryUrl) {
        String v3 = v3Url(registryUrl);
        return v3.substring(0, v3.length() - V3_PATH.length()) + CCOMPAT_PATH;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The text of the schema with this id; empty if the registry does not know the id. */
    public Optional<String> schema(SchemaId id) {
        return switch (id.kind()) {
            case CONTENT_ID -> found(lookup(baseUrl + "/ids/contentIds/" + id.value()));
            case GLOBAL_ID -> found(lookup(baseUrl + "/ids/globalIds/" + id.value()));
            case CONFLUENT_ID ->
                    found(lookup(ccompatUrl + "/schemas/ids/" + id.value()))
                            .map(answer -> parse(answer).path("schema").asText());
        };
    }

    /**
     * The version of the schema with this id under {@code artifactId} (the first, should the
     * artifact hold its content more than once), or {@value #UNKNOWN_VERSION}.
     */
    public String version(SchemaId id, String artifactId) {
        if (id.kind() == SchemaId.Kind.CONFLUENT_ID) {
            // [{"subject": "clicks-value", "version": 1}, ...]: every subject holding the schema.
            long first = Long.MAX_VALUE;
            for (JsonNode version :
                    found(lookup(ccompatUrl + "/schemas/ids/" + id.value() + "/versions"))
                            .map(RegistryClient::parse)
                            .orElse(JSON.createArrayNode())) {
                if (version.path("subject").asText().equals(artifactId)) {
                    first = Math.min(first, version.path("version").asLong());
                }
            }
            return first == Long.MAX_VALUE ? UNKNOWN_VERSION : Long.toString(first);
        }
        String filter = id.kind() == SchemaId.Kind.CONTENT_ID ? "contentId" : "globalId";
        JsonNode versions =
                found(
                                lookup(
                                        baseUrl
                                                + "/search/versions?groupId="
                                                + GROUP
                                                + "&artifactId="
                                                + encode(artifactId)
                                                + "&"
                                                + filter
                                                + "="
                                                + id.value()
                                                + "&orderby=globalId&order=asc&limit=1"))
                        .map(answer -> parse(answer).path("versions"))
                        .orElse(JSON.createArrayNode());
        return versions.isEmpty() ? UNKNOWN_VERSION : versions.get(0).path("version").asText();
    }

    /** A GET that the registry may answer 404: the id or artifact is unknown. */
    private HttpResponse<String> lookup(String url) {
        return send(get(url), 200, 404);
    }

    /** The body of a 200 answer, or empty on a 404. */
    private static Optional<String> found(HttpResponse<String> response) {
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(response.body());
    }

    /** A registered version of an artifact. */
    public record Version(String version, long globalId, long contentId, String content) {}

    /** Every version of the artifact, oldest first; empty if the artifact does not exist. */
    public List<Version> versions(String artifactId) {
        HttpResponse<String> listed = lookup(artifact(artifactId) + "/versions?limit=10000");
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
        HttpResponse<String> rule = lookup(artifact(artifactId) + "/rules/COMPATIBILITY");
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
        return parse(response.body());
    }

    /** The registry's JSON; anything else means something else answers at its address. */
    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryException(
                    "unexpected answer from the schema registry: "
                            + (body.length() <= BODY_IN_MESSAGE
                                    ? body
                                    : body.substring(0, BODY_IN_MESSAGE) + "..."),
                    e);
        }
    }

    /** The registry could not be reached or answered something unexpected. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
