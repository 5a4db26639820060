package dev.tessera.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.dev.FlinkCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The job on a session cluster as its REST API reports it: what the cluster tests check. */
final class ClusterJob {

    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

    private ClusterJob() {}

    /** The id of the one job that has not ended (running, or restarting after a failure). */
    static String running(FlinkCluster cluster) {
        List<String> jobs = new ArrayList<>();
        for (JsonNode job : cluster.get("/jobs/overview").get("jobs")) {
            if (!Set.of("FINISHED", "CANCELED", "FAILED").contains(job.get("state").asText())) {
                jobs.add(job.get("jid").asText());
            }
        }
        if (jobs.size() != 1) {
            throw new IllegalStateException("not one live job on the cluster: " + jobs);
        }
        return jobs.get(0);
    }

    /** The largest parallelism of the job's operators: the job's. */
    static int parallelism(FlinkCluster cluster, String jobId) {
        int parallelism = 0;
        for (JsonNode vertex : cluster.get("/jobs/" + jobId).get("vertices")) {
            parallelism = Math.max(parallelism, vertex.get("parallelism").asInt());
        }
        return parallelism;
    }

    /**
     * How the job checkpoints, as the JobManager applies it: {@code state_backend}, {@code
     * checkpoint_storage}, {@code interval} (ms) among others.
     */
    static JsonNode checkpointConfig(FlinkCluster cluster, String jobId) {
        return cluster.get("/jobs/" + jobId + "/checkpoints/config");
    }

    /** The checkpoint or savepoint the job last restored, or -1 if it has restored none. */
    static long restoredCheckpointId(FlinkCluster cluster, String jobId) {
        JsonNode restored = cluster.get("/jobs/" + jobId + "/checkpoints").at("/latest/restored");
        return restored.isMissingNode() || restored.isNull() ? -1 : restored.get("id").asLong();
    }

    /** The path of the checkpoint or savepoint the job last restored. */
    static String restoredFrom(FlinkCluster cluster, String jobId) {
        JsonNode restored = cluster.get("/jobs/" + jobId + "/checkpoints").at("/latest/restored");
        if (restored.isMissingNode() || restored.isNull()) {
            throw new IllegalStateException("job " + jobId + " restored no checkpoint");
        }
        return restored.get("external_path").asText();
    }

    /**
     * Waits until the job has restored a checkpoint other than {@code previousId} and runs again in
     * every task, and returns that checkpoint's path.
     */
    static String awaitRestoredAfter(FlinkCluster cluster, String jobId, long previousId) {
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (restoredCheckpointId(cluster, jobId) == previousId) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "job "
                                + jobId
                                + " restored no checkpoint within "
                                + RECOVERY_TIMEOUT.toSeconds()
                                + " s: "
                                + cluster.get("/jobs/" + jobId + "/exceptions")
                                        .at("/root-exception"));
            }
            sleep();
        }
        cluster.awaitRunning(jobId);
        return restoredFrom(cluster, jobId);
    }

    /** The TaskManagers with a slot in use, that is running some of the job's tasks. */
    static List<FlinkCluster.TaskManager> runningTasks(FlinkCluster cluster) {
        Set<String> busy = new HashSet<>();
        for (JsonNode taskManager : cluster.get("/taskmanagers").get("taskmanagers")) {
            if (taskManager.get("freeSlots").asInt() < taskManager.get("slotsNumber").asInt()) {
                busy.add(taskManager.get("id").asText());
            }
        }
        return cluster.taskManagers().stream()
                .filter(taskManager -> busy.contains(taskManager.id()))
                .toList();
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
