package dev.tessera.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tessera.dev.RegistryStore.IfExists;
import dev.tessera.dev.RegistryStore.StoredContent;
import dev.tessera.dev.RegistryStore.StoredVersion;
import dev.tessera.dev.RegistryWire.ArtifactMetaData;
import dev.tessera.dev.RegistryWire.ArtifactReference;
import dev.tessera.dev.RegistryWire.CreateArtifact;
import dev.tessera.dev.RegistryWire.CreateArtifactResponse;
import dev.tessera.dev.RegistryWire.ProblemDetails;
import dev.tessera.dev.RegistryWire.SystemInfo;
import dev.tessera.dev.RegistryWire.VersionMetaData;
import dev.tessera.dev.RegistryWire.VersionSearchResults;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP side of {@link DevRegistry}: the routes of Apicurio Registry's v3 API that the Apicurio
 * serdes call, with Apicurio's JSON shapes and status codes. Everything else answers 404.
 */
final class RegistryApi implements HttpHandler {

    static final String BASE_PATH = "/apis/registry/v3";

    private static final System.Logger LOG = System.getLogger(DevRegistry.class.getName());
    private static final String JSON = "application/json";
    private static final int DEFAULT_LIMIT = 20;

    private final RegistryStore store;
    private final ObjectMapper json;

    RegistryApi(RegistryStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RegistryException e) {
            sendJson(exchange, e.status(), e.toProblemDetails());
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "dev registry failed on " + exchange.getRequestURI(),
                    e);
            sendJson(
                    exchange,
                    500,
                    new ProblemDetails(
                            500, e.toString(), e.toString(), e.getClass().getSimpleName(), null));
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        if (!rawPath.startsWith(BASE_PATH + "/")) {
            throw noRoute(rawPath);
        }
        List<String> path = segments(rawPath.substring(BASE_PATH.length() + 1));
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());

        if (matches(path, "system", "info")) {
            get(exchange, () -> systemInfo());
        } else if (matches(path, "ids", "contentIds", "*")) {
            requireGet(exchange);
            sendContent(exchange, store.content(id(path.get(2))), false);
        } else if (matches(path, "ids", "contentIds", "*", "references")) {
            get(exchange, () -> store.content(id(path.get(2))).references());
        } else if (matches(path, "ids", "globalIds", "*")) {
            requireGet(exchange);
            StoredVersion version = store.versionByGlobalId(id(path.get(2)));
            sendContent(exchange, store.content(version.contentId()), dereference(query));
        } else if (matches(path, "ids", "globalIds", "*", "references")) {
            get(
                    exchange,
                    () -> outboundReferences(store.versionByGlobalId(id(path.get(2))), query));
        } else if (matches(path, "groups", "*", "artifacts")) {
            requireMethod(exchange, "POST");
            sendJson(exchange, 200, createArtifact(exchange, path.get(1), query));
        } else if (matches(path, "groups", "*", "artifacts", "*", "versions")) {
            get(exchange, () -> listVersions(store.versions(path.get(1), path.get(3)), query));
        } else if (matches(path, "groups", "*", "artifacts", "*", "versions", "*")) {
            get(exchange, () -> versionMetaData(version(path)));
        } else if (matches(path, "groups", "*", "artifacts", "*", "versions", "*", "content")) {
            requireGet(exchange);
            sendContent(exchange, store.content(version(path).contentId()), dereference(query));
        } else if (matches(path, "groups", "*", "artifacts", "*", "versions", "*", "references")) {
            get(exchange, () -> outboundReferences(version(path), query));
        } else if (matches(path, "search", "versions")) {
            requireMethod(exchange, "POST");
            sendJson(exchange, 200, searchByContent(exchange, query));
        } else {
            throw noRoute(rawPath);
        }
    }

    private static SystemInfo systemInfo() {
        return new SystemInfo(
                "Tessera dev registry",
                "The part of Apicurio Registry's v3 API that the Apicurio serdes use, for dev and"
                        + " tests only",
                "3.1.7-compatible");
    }

    private CreateArtifactResponse createArtifact(
            HttpExchange exchange, String groupId, Map<String, String> query) throws IOException {
        if (Boolean.parseBoolean(query.get("dryRun"))) {
            throw RegistryException.badRequest(
                    "BadRequestException", "dryRun is not supported by the dev registry");
        }
        CreateArtifact request = readJson(exchange, CreateArtifact.class);
        StoredVersion version =
                store.createArtifact(
                        groupId,
                        request,
                        ifExists(query.get("ifExists")),
                        Boolean.parseBoolean(query.get("canonical")));
        return new CreateArtifactResponse(
                artifactMetaData(store.versions(groupId, version.artifactId())),
                versionMetaData(version));
    }

    private VersionSearchResults searchByContent(HttpExchange exchange, Map<String, String> query)
            throws IOException {
        String artifactType = query.get("artifactType");
        if (artifactType != null && !RegistryStore.AVRO.equals(artifactType)) {
            return new VersionSearchResults(0, List.of());
        }
        String content =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        return listVersions(
                store.findByContent(
                        content,
                        query.get("groupId"),
                        query.get("artifactId"),
                        Boolean.parseBoolean(query.get("canonical"))),
                query);
    }

    private StoredVersion version(List<String> path) {
        return store.version(path.get(1), path.get(3), path.get(5));
    }

    private List<ArtifactReference> outboundReferences(
            StoredVersion version, Map<String, String> query) {
        if ("INBOUND".equals(query.get("refType"))) {
            throw RegistryException.badRequest(
                    "BadRequestException", "refType=INBOUND is not supported by the dev registry");
        }
        return store.content(version.contentId()).references();
    }

    /**
     * One page of versions in globalId order ({@code order=desc} reverses it). Versions are created
     * in globalId order, so ordering by creation time gives the same page; other {@code orderby}
     * values are answered in that order too.
     */
    private VersionSearchResults listVersions(
            List<StoredVersion> found, Map<String, String> query) {
        List<StoredVersion> ordered = new ArrayList<>(found);
        if ("desc".equalsIgnoreCase(query.get("order"))) {
            Collections.reverse(ordered);
        }
        int offset = intParam(query, "offset", 0);
        int limit = intParam(query, "limit", DEFAULT_LIMIT);
        List<VersionMetaData> page =
                ordered.stream()
                        .skip(offset)
                        .limit(limit)
                        .map(RegistryApi::versionMetaData)
                        .toList();
        return new VersionSearchResults(found.size(), page);
    }

    private static ArtifactMetaData artifactMetaData(List<StoredVersion> versions) {
        StoredVersion first = versions.get(0);
        StoredVersion last = versions.get(versions.size() - 1);
        return new ArtifactMetaData(
                first.groupId(),
                first.artifactId(),
                first.artifactType(),
                "",
                first.createdOn(),
                "",
                last.createdOn());
    }

    private static VersionMetaData versionMetaData(StoredVersion v) {
        return new VersionMetaData(
                v.groupId(),
                v.artifactId(),
                v.version(),
                v.artifactType(),
                v.globalId(),
                v.contentId(),
                "ENABLED",
                "",
                v.createdOn(),
                "",
                v.createdOn());
    }

    private void sendContent(HttpExchange exchange, StoredContent content, boolean dereference)
            throws IOException {
        String body = dereference ? store.dereferenced(content) : content.content();
        exchange.getResponseHeaders().set("Content-Type", content.contentType());
        exchange.getResponseHeaders().set("X-Registry-ArtifactType", RegistryStore.AVRO);
        send(exchange, 200, body.getBytes(StandardCharsets.UTF_8));
    }

    private void get(HttpExchange exchange, Supplier<Object> body) throws IOException {
        requireGet(exchange);
        sendJson(exchange, 200, body.get());
    }

    /** The Kiota client behind the serdes reads no JSON body without this content type. */
    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", JSON);
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private <T> T readJson(HttpExchange exchange, Class<T> type) throws IOException {
        try {
            return json.readValue(exchange.getRequestBody().readAllBytes(), type);
        } catch (JsonProcessingException e) {
            throw RegistryException.badRequest(
                    "BadRequestException", "Invalid request body: " + e.getOriginalMessage());
        }
    }

    private static void requireGet(HttpExchange exchange) {
        requireMethod(exchange, "GET");
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            throw RegistryException.methodNotAllowed(
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        }
    }

    private static boolean matches(List<String> path, String... pattern) {
        if (path.size() != pattern.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (!pattern[i].equals("*") && !pattern[i].equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static RegistryException noRoute(String path) {
        return RegistryException.notFound(
                "NotFoundException", "No such endpoint in the dev registry: " + path);
    }

    private static boolean dereference(Map<String, String> query) {
        return "DEREFERENCE".equals(query.get("references"));
    }

    private static IfExists ifExists(String value) {
        if (value == null) {
            return IfExists.FAIL;
        }
        try {
            return IfExists.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest(
                    "InvalidParameterValueException", "Invalid value of ifExists: " + value);
        }
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest(
                    "InvalidParameterValueException", "Not a numeric id: " + value);
        }
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        try {
            return value == null ? fallback : Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest(
                    "InvalidParameterValueException", "Invalid value of " + name + ": " + value);
        }
    }

    /** Path segments, percent-decoded; a '+' in a path is a plus sign, not a space. */
    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/", -1))
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
                .toList();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(
                        URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
