package dev.tessera.dev;

import com.fasterxml.jackson.databind.JsonNode;
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

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private FlinkSavepoints() {}

    /**
     * Stops the one running job of the Flink cluster at {@code flinkUrl} with a savepoint in {@code
     * targetDir}, and returns the savepoint's path once it is written.
     */
    public static String stopWithSavepoint(String flinkUrl, Path targetDir) {
        FlinkRest flink = new FlinkRest(flinkUrl);
        String jobId = runningJob(flink);
        JsonNode trigger =
                flink.post(
                        "/jobs/" + jobId + "/stop",
                        Map.of(
                                "targetDirectory",
                                targetDir.toAbsolutePath().toString(),
                                "drain",
                                false));
        String status = "/jobs/" + jobId + "/savepoints/" + trigger.get("request-id").asText();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode answer = flink.get(status);
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

    private static String runningJob(FlinkRest flink) {
        JsonNode overview = flink.get("/jobs/overview");
        for (JsonNode job : overview.get("jobs")) {
            if (job.get("state").asText().equals("RUNNING")) {
                return job.get("jid").asText();
            }
        }
        throw new IllegalStateException("no running job at " + flink.url() + ": " + overview);
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
