package dev.tessera.job;

import static dev.tessera.job.TestEvents.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job graph {@link JobLauncher#main} builds, without running it. */
class FeatureJobGraphTest {

    private static final KafkaConnectors KAFKA =
            new KafkaConnectors(
                    "localhost:9092",
                    "http://localhost:8085/apis/registry/v3",
                    "tessera-feature-job",
                    DeliveryGuarantee.EXACTLY_ONCE,
                    "tessera-feature-job");

    @Test
    void everyOperatorHasAStableUidAndAReadableNameFromTheSpec() {
        StreamGraph graph = buildGraph();

        Map<String, String> nameByUid =
                graph.getStreamNodes().stream()
                        .collect(
                                Collectors.toMap(
                                        StreamNode::getTransformationUID,
                                        StreamNode::getOperatorName));
        assertThat(nameByUid)
                .containsEntry("source-transactions", "Source: source-transactions")
                .containsEntry("source-clicks", "Source: source-clicks")
                .containsEntry(
                        "window-user_transactions_5m-tumbling-5m",
                        "window-user_transactions_5m-tumbling-5m")
                .containsEntry(
                        "window-user_transactions_sliding-sliding-1h-10m",
                        "window-user_transactions_sliding-sliding-1h-10m")
                .containsEntry("tiles-user_transactions_1h", "tiles-user_transactions_1h")
                .containsEntry("tiles-user_transactions_24h", "tiles-user_transactions_24h")
                .containsEntry("session-user_click_sessions-30m", "session-user_click_sessions-30m")
                .containsEntry(
                        "session-user_click_sessions-30m-late",
                        "session-user_click_sessions-30m-late")
                .containsEntry("route-transactions", "route-transactions")
                .containsEntry("dead-letters-transactions", "dead-letters-transactions: Writer")
                .containsEntry("late-transactions", "late-transactions: Writer")
                .containsEntry("late-clicks", "late-clicks: Writer")
                .containsEntry("late-purchases", "late-purchases: Writer")
                .containsEntry("join-viewed_purchases", "join-viewed_purchases")
                .containsEntry("join-clicks_with_product", "join-clicks_with_product")
                .containsEntry("lifetime-user_click_state", "lifetime-user_click_state")
                .containsEntry("lifetime-user_transaction_state", "lifetime-user_transaction_state")
                .containsEntry(
                        "since-user_clicks_since_purchase-purchases",
                        "since-user_clicks_since_purchase-purchases")
                .containsEntry("sink-feature-updates", "sink-feature-updates: Writer");
        assertThat(graph.getStreamNodes())
                .allSatisfy(node -> assertThat(node.getTransformationUID()).isNotBlank());
    }

    @Test
    void serializesEveryOperatorIntoTheJobGraph() {
        assertThat(buildGraph().getJobGraph().getVertices()).isNotEmpty();
    }

    @Test
    void needsASourceForExactlyTheStreamsFeatureGroupsRead() {
        KafkaSource<TopicRecord> source = KAFKA.sources(SPEC).get("transactions");
        KafkaSource<TopicRecord> clicks = KAFKA.sources(SPEC).get("clicks");

        assertThatThrownBy(
                        () ->
                                new FeatureJob(
                                        SPEC,
                                        Map.of(),
                                        KAFKA.sink(SPEC),
                                        KAFKA.lateSink(SPEC),
                                        KAFKA.deadLetterSink(SPEC)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[clicks, products, purchases, transactions]");
        assertThatThrownBy(
                        () ->
                                new FeatureJob(
                                        SPEC,
                                        Map.of(
                                                "transactions",
                                                source,
                                                "clicks",
                                                clicks,
                                                "purchases",
                                                source,
                                                "products",
                                                source,
                                                "views",
                                                source),
                                        KAFKA.sink(SPEC),
                                        KAFKA.lateSink(SPEC),
                                        KAFKA.deadLetterSink(SPEC)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[clicks, products, purchases, transactions, views]");
    }

    private static StreamGraph buildGraph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new FeatureJob(
                        SPEC,
                        KAFKA.sources(SPEC),
                        KAFKA.sink(SPEC),
                        KAFKA.lateSink(SPEC),
                        KAFKA.deadLetterSink(SPEC))
                .build(env);
        return env.getStreamGraph();
    }
}
