package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session cluster from Flink's Maven Central jars: a JobManager and two TaskManagers register
 * their slots, a TaskManager killed with SIGKILL is dropped and a new one takes its place, and
 * closing leaves no process behind. (The e2e tests submit the job's jar to it.)
 */
class FlinkClusterTest {

    @TempDir Path dir;

    @Test
    void twoTaskManagersRegisterAndAKilledOneIsReplaced() throws Exception {
        List<ChildProcess> processes = new ArrayList<>();
        try (FlinkCluster cluster = FlinkCluster.start(dir, 0, 0, 2)) {
            processes.add(cluster.jobManager());
            cluster.taskManagers().forEach(taskManager -> processes.add(taskManager.process()));

            JsonNode overview = cluster.get("/overview");
            assertThat(overview.get("taskmanagers").asInt()).isEqualTo(2);
            assertThat(overview.get("slots-total").asInt())
                    .isEqualTo(2 * FlinkCluster.SLOTS_PER_TASK_MANAGER);
            assertThat(overview.get("flink-version").asText()).isEqualTo("2.2.1");
            assertThat(Files.readString(dir.resolve("conf/config.yaml")))
                    .contains("rest.bind-address: \"127.0.0.1\"");
            assertThat(Files.readString(dir.resolve("log/jobmanager.log")))
                    .contains("StandaloneSessionClusterEntrypoint");
            assertThat(get(cluster.jobManagerMetricsUrl())).contains("flink_jobmanager_");

            FlinkCluster.TaskManager lost = cluster.taskManagers().get(0);
            cluster.kill9(lost);
            FlinkCluster.TaskManager replacement = cluster.startTaskManager();
            processes.add(replacement.process());

            assertThat(replacement.id()).isEqualTo("taskmanager-3");
            assertThat(get(replacement.metricsUrl())).contains("flink_taskmanager_");
            // The JobManager notices the lost one by its failing heartbeats.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> registered = registered(cluster);
            while (registered.contains(lost.id()) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                registered = registered(cluster);
            }
            assertThat(registered).containsExactlyInAnyOrder("taskmanager-2", "taskmanager-3");
        }

        assertThat(processes).noneMatch(ChildProcess::isAlive);
    }

    private static List<String> registered(FlinkCluster cluster) {
        List<String> ids = new ArrayList<>();
        for (JsonNode taskManager : cluster.get("/taskmanagers").get("taskmanagers")) {
            ids.add(taskManager.get("id").asText());
        }
        return ids;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
