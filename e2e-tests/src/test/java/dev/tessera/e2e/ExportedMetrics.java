package dev.tessera.e2e;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names (as Prometheus renders them) that the dashboard and the alert rules may use.
 * {@link ObservabilityEndToEndTest} asserts each part exports them after real traffic; {@link
 * ObservabilityConfigTest} asserts the dashboard and the alerts reference no other.
 */
final class ExportedMetrics {

    enum Part {
        GATEWAY,
        WRITER,
        READER,
        JOB
    }

    /** Flink's operator scope, as its Prometheus reporter prefixes operator metrics. */
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    static final String AUTH_REFUSALS = "tessera_auth_refusals_total";

    static final String JOB_EVENTS_IN = OPERATOR + "deserializer_stream_eventsIn";
    static final String JOB_LATE_DROPPED = OPERATOR + "lateEventsDropped";
    static final String JOB_LATE_CORRECTED = OPERATOR + "lateEventsCorrected";
    static final String JOB_FUTURE_DROPPED = OPERATOR + "futureEventsDropped";
    static final String JOB_EVENTS_DECODED =
            OPERATOR + "deserializer_stream_schema_version_eventsDecoded";
    static final String JOB_UNDECODABLE = OPERATOR + "deserializer_undecodableRecords";
    static final String JOB_EVENT_TIME_LAG = OPERATOR + "stream_eventTimeLagMs";
    static final String JOB_NULL_VALUES = OPERATOR + "feature_featureNullValues";
    static final String JOB_NON_NULL_VALUES = OPERATOR + "feature_featureNonNullValues";
    static final String JOB_VALUE_DISTRIBUTION = OPERATOR + "feature_featureValue";

    static List<String> of(Part part) {
        return switch (part) {
            case GATEWAY ->
                    List.of(
                            "tessera_gateway_events_accepted_total",
                            "tessera_gateway_events_rejected_total",
                            "tessera_gateway_produce_latency_seconds_bucket",
                            "tessera_gateway_produce_latency_seconds_count",
                            "tessera_gateway_produce_inflight_events",
                            AUTH_REFUSALS);
            case WRITER ->
                    List.of(
                            "tessera_writer_updates_written_total",
                            "tessera_writer_write_latency_seconds_bucket",
                            "tessera_writer_write_latency_seconds_count",
                            "tessera_writer_batch_size_bucket",
                            "tessera_writer_batch_size_count",
                            "tessera_writer_batch_size_sum",
                            "tessera_writer_delivery_delay_seconds_bucket",
                            "tessera_writer_delivery_delay_seconds_count",
                            "tessera_writer_freshness_lag_seconds_bucket",
                            "tessera_writer_freshness_lag_seconds_count",
                            "tessera_writer_newest_event_time_seconds",
                            "tessera_writer_group_update_interval_seconds",
                            "kafka_consumer_fetch_manager_records_lag_max",
                            "tessera_writer_dead_letters_total");
            case READER ->
                    List.of(
                            "tessera_reader_request_latency_seconds_bucket",
                            "tessera_reader_request_latency_seconds_count",
                            "tessera_reader_features_served_total",
                            "tessera_reader_redis_errors_total",
                            AUTH_REFUSALS);
            case JOB ->
                    List.of(
                            JOB_EVENTS_IN,
                            JOB_LATE_DROPPED,
                            JOB_LATE_CORRECTED,
                            JOB_FUTURE_DROPPED,
                            JOB_UNDECODABLE,
                            JOB_EVENT_TIME_LAG,
                            JOB_NULL_VALUES,
                            JOB_NON_NULL_VALUES,
                            JOB_VALUE_DISTRIBUTION,
                            JOB_VALUE_DISTRIBUTION + "_count",
                            // Flink's own: the job is running, checkpoints, backpressure.
                            "flink_jobmanager_numRunningJobs",
                            "flink_jobmanager_job_uptime",
                            "flink_jobmanager_job_numberOfFailedCheckpoints",
                            "flink_jobmanager_job_lastCheckpointDuration",
                            "flink_taskmanager_job_task_backPressuredTimeMsPerSecond");
        };
    }

    /** Every listed name, of every part. */
    static Set<String> all() {
        Set<String> names = new TreeSet<>();
        Arrays.stream(Part.values()).forEach(part -> names.addAll(of(part)));
        return names;
    }

    private ExportedMetrics() {}
}
