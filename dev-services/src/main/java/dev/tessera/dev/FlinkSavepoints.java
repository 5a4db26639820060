package dev.tessera.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Stops the running Flink job with a savepoint through Flink's REST API ({@code POST
 * /jobs/<id>/stop}, then polling the operation), as {@code ./run.sh --stop-with-savepoint} and the
 * upgrade tests do. The job ends after the savepoint; a new one restores it ({@code --savepoint} of
 * the job, {@code ./run.sh --from-savepoint}).
 */
public final class FlinkSavepoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private FlinkSavepoints() {}

    /**
     * Stops the one running job of the Flink cluster at {@code flinkUrl} with a savepoint in {@code
     * targetDir}, and returns the savepoint's path once it is written.
     */
    public static String stopWithSavepoint(String flinkUrl, Path targetDir) {
        String jobId = runningJob(flinkUrl);
        JsonNode trigger =
                send(
                        HttpRequest.newBuilder(URI.create(flinkUrl + "/jobs/" + jobId + "/stop"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                json(
                                                        Map.of(
                                                                "targetDirectory",
                                                                targetDir
                                                                        .toAbsolutePath()
                                                                        .toString(),
                                                                "drain",
                                                                false)))));
        String status =
                flinkUrl + "/jobs/" + jobId + "/savepoints/" + trigger.get("request-id").asText();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode answer = send(HttpRequest.newBuilder(URI.create(status)).GET());
            if (answer.at("/status/id").asText().equals("COMPLETED")) {
                JsonNode operation = answer.get("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException(
                            "the savepoint failed: " + operation.get("failure-cause"));
                }
                return operation.get("location").asText();
            }
            LocalPipeline.sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException("no savepoint within " + TIMEOUT.toSeconds() + " s");
    }

    private static String runningJob(String flinkUrl) {
        JsonNode overview =
                send(HttpRequest.newBuilder(URI.create(flinkUrl + "/jobs/overview")).GET());
        for (JsonNode job : overview.get("jobs")) {
            if (job.get("state").asText().equals("RUNNING")) {
                return job.get("jid").asText();
            }
        }
        throw new IllegalStateException("no running job at " + flinkUrl + ": " + overview);
    }

    private static JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            request.timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "Flink answered "
                                + response.statusCode()
                                + " to "
                                + response.request().uri()
                                + ": "
                                + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot reach Flink's REST API at " + request.build().uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Options: {@code --flink-url URL} (default http://localhost:8081), {@code --target DIR}
     * (.tessera/savepoints). Prints the savepoint's path.
     */
    public static void main(String[] args) {
        String flinkUrl = "http://localhost:8081";
        Path target = Path.of(".tessera/savepoints");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--flink-url" -> flinkUrl = Arguments.requireValue(args, ++i);
                case "--target" -> target = Path.of(Arguments.requireValue(args, ++i));
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + args[i]
                                        + "; usage: [--flink-url URL] [--target DIR]");
            }
        }
        try {
            System.out.println(stopWithSavepoint(flinkUrl, target));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
