package dev.tessera.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Flink's REST API at one address: JSON requests and answers, and jar uploads. */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** A job jar is tens of megabytes, stored by the JobManager as it arrives. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(2);

    private final String url;

    /**
     * @param url the REST API's root, such as {@code http://localhost:8081}
     */
    FlinkRest(String url) {
        this.url = url;
    }

    String url() {
        return url;
    }

    JsonNode get(String path) {
        return send(request(path, REQUEST_TIMEOUT).GET());
    }

    /**
     * The answer to a GET, or empty while the REST API is not up: nothing listens at the address
     * yet, or it answers with an error as it starts.
     */
    Optional<JsonNode> getIfUp(String path) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            request(path, Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Optional.of(JSON.readTree(response.body()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    JsonNode post(String path, Map<String, ?> body) {
        return send(
                request(path, REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    JsonNode patch(String path) {
        return send(
                request(path, REQUEST_TIMEOUT)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Uploads a job jar as {@code flink run} does ({@code POST /jars/upload}, multipart, field
     * {@code jarfile}) and returns its id for {@code /jars/<id>/run}.
     */
    String uploadJar(Path jar) {
        String boundary = "tessera-" + UUID.randomUUID();
        String head =
                "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName()
                        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher file;
        try {
            file = HttpRequest.BodyPublishers.ofFile(jar);
        } catch (FileNotFoundException e) {
            throw new IllegalStateException(jar + " is missing", e);
        }
        JsonNode answer =
                send(
                        request("/jars/upload", UPLOAD_TIMEOUT)
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(
                                        HttpRequest.BodyPublishers.concat(
                                                HttpRequest.BodyPublishers.ofString(head),
                                                file,
                                                HttpRequest.BodyPublishers.ofString(tail))));
        // The stored file's name is the jar's id.
        return Path.of(answer.get("filename").asText()).getFileName().toString();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout);
    }

    private static JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        try {
            return parse(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot reach Flink's REST API at " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode parse(HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "Flink answered "
                            + response.statusCode()
                            + " to "
                            + response.request().method()
                            + " "
                            + response.request().uri()
                            + ": "
                            + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static String json(Map<String, ?> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
