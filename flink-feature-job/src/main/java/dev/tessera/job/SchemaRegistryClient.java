package dev.tessera.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The schema registry as the job reads it: the writer schema a record names by id, and that
 * schema's version number under the stream's artifact. Apicurio ids through the registry's v3 API,
 * Confluent ids through its Confluent-compatible API, which knows what they stand for (content ids
 * in Apicurio Registry 3, global ids in its legacy id mode).
 *
 * <p>The JDK's HTTP client, whose threads end once the client is unreachable: nothing outlives a
 * job's class loader after a restart. A 404 means the registry does not know the id; any other
 * answer but 200, a failed connection or a timeout throws {@link RegistryUnavailableException},
 * since it says nothing about the record.
 */
final class SchemaRegistryClient {

    /** The group of the artifacts the Apicurio serde and the Confluent-compatible API register. */
    static final String DEFAULT_GROUP = "default";

    /** The version label of a schema that is no version of the stream's artifact. */
    static final String UNKNOWN_VERSION = "unknown";

    private static final String V3_PATH = "/apis/registry/v3";
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int BODY_IN_MESSAGE = 200;

    private final String registryUrl;
    private final String ccompatUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param registryUrl the base of the registry's v3 API, {@code
     *     http://HOST:PORT/apis/registry/v3}
     */
    SchemaRegistryClient(String registryUrl) {
        this.registryUrl = v3Url(registryUrl);
        this.ccompatUrl = ccompatUrl(registryUrl);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * The base of the registry's Confluent-compatible API, next to its v3 API.
     *
     * @throws IllegalArgumentException if {@code registryUrl} is not the base of a v3 API
     */
    static String ccompatUrl(String registryUrl) {
        String v3 = v3Url(registryUrl);
        return v3.substring(0, v3.length() - V3_PATH.length()) + CCOMPAT_PATH;
    }

    /**
     * {@code registryUrl} without a trailing slash.
     *
     * @throws IllegalArgumentException if it is not the base of a v3 API
     */
    static String v3Url(String registryUrl) {
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

    /** The text of the schema with this id; empty if the registry does not know the id. */
    Optional<String> schema(SchemaId id) throws IOException {
        return switch (id.kind()) {
            case CONTENT_ID -> get(registryUrl + "/ids/contentIds/" + id.value());
            case GLOBAL_ID -> get(registryUrl + "/ids/globalIds/" + id.value());
            case CONFLUENT_ID -> {
                Optional<String> answer = get(ccompatUrl + "/schemas/ids/" + id.value());
                yield answer.isEmpty()
                        ? answer
                        : Optional.of(parse(answer.get()).path("schema").asText());
            }
        };
    }

    /**
     * The version of the schema with this id under {@code artifactId} (the first, should the
     * artifact hold its content more than once), or {@value #UNKNOWN_VERSION}.
     */
    String version(SchemaId id, String artifactId) throws IOException {
        if (id.kind() == SchemaId.Kind.CONFLUENT_ID) {
            Optional<String> answer = get(ccompatUrl + "/schemas/ids/" + id.value() + "/versions");
            if (answer.isEmpty()) {
                return UNKNOWN_VERSION;
            }
            // [{"subject": "clicks-value", "version": 1}, ...]: every subject holding the schema.
            long first = Long.MAX_VALUE;
            for (JsonNode version : parse(answer.get())) {
                if (version.path("subject").asText().equals(artifactId)) {
                    first = Math.min(first, version.path("version").asLong());
                }
            }
            return first == Long.MAX_VALUE ? UNKNOWN_VERSION : Long.toString(first);
        }
        String filter = id.kind() == SchemaId.Kind.CONTENT_ID ? "contentId" : "globalId";
        Optional<String> answer =
                get(
                        registryUrl
                                + "/search/versions?groupId="
                                + DEFAULT_GROUP
                                + "&artifactId="
                                + URLEncoder.encode(artifactId, StandardCharsets.UTF_8)
                                + "&"
                                + filter
                                + "="
                                + id.value()
                                + "&orderby=globalId&order=asc&limit=1");
        if (answer.isEmpty()) {
            return UNKNOWN_VERSION;
        }
        JsonNode versions = parse(answer.get()).path("versions");
        return versions.isEmpty() ? UNKNOWN_VERSION : versions.get(0).path("version").asText();
    }

    /** The body of a 200 answer, or empty on a 404. */
    private Optional<String> get(String url) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryUnavailableException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during GET " + url);
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(response.body());
            case 404 -> Optional.empty();
            default ->
                    throw new RegistryUnavailableException(
                            "GET "
                                    + url
                                    + " answered "
                                    + response.statusCode()
                                    + ": "
                                    + abbreviate(response.body()));
        };
    }

    private JsonNode parse(String body) throws IOException {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            // The registry answered 200 with something else than its API's JSON: not a registry.
            throw new RegistryUnavailableException(
                    "unexpected answer from the registry: " + abbreviate(body), e);
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= BODY_IN_MESSAGE ? body : body.substring(0, BODY_IN_MESSAGE) + "...";
    }
}
