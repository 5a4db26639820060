package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.Stream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

    static final Stream.Dedupe DEDUPE = new Stream.Dedupe("id", Duration.ofMinutes(10));

    @Test
    void letsTheFirstCopyOfAnIdThroughAndForgetsItAfterTheDedupeWindow() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, StreamEvent> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new Deduplicator(DEDUPE.within()),
                        event -> Deduplicator.key(DEDUPE, event),
                        Types.STRING)) {
            harness.setStateTtlProcessingTime(0);
            harness.processElement(event("u", "a", 1_000), 1_000);
            harness.processElement(event("u", "a", 1_000), 1_000); // a retry
            harness.processElement(event("v", "a", 1_000), 1_000); // another entity's id
            harness.processElement(event("u", null, 2_000), 2_000); // no id
            harness.processElement(event("u", null, 2_000), 2_000);

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.entityId() + "/" + e.fields().get("id"))
                    .containsExactly("u/a", "v/a", "u/null", "u/null");
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

            harness.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
            harness.processElement(event("u", "a", 1_000), 1_000);
            assertThat(harness.extractOutputValues()).hasSize(5);
        }
    }

    static StreamEvent event(String user, String id, long ts) {
        Map<String, Object> fields = new HashMap<>(Map.of("user_id", user, "ts", ts));
        if (id != null) {
            fields.put("id", id);
        }
        return new StreamEvent(user, ts, fields);
    }
}
