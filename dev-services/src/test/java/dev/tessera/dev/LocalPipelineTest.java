package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalPipelineTest {

    @Test
    void aJobIsReadyOnceEveryTaskRuns() {
        assertThat(LocalPipeline.tasksRunning(overview("RUNNING", 7, 7))).isTrue();
        assertThat(LocalPipeline.tasksRunning(overview("RUNNING", 3, 7))).isFalse();
        assertThat(LocalPipeline.tasksRunning(overview("CREATED", 0, 7))).isFalse();
        assertThat(LocalPipeline.tasksRunning("not json")).isFalse();
    }

    private static String overview(String state, int running, int total) {
        return """
                {"jobs":[{"jid":"j","name":"tessera-feature-job","state":"%s",\
                "tasks":{"total":%d,"created":0,"scheduled":0,"deploying":%d,"running":%d}}]}
                """
                .formatted(state, total, total - running, running);
    }
}
