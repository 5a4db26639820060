package dev.tessera.spec.deadletter;

/**
 * What a dead letter carries besides the original key and value bytes: Kafka record headers, UTF-8
 * strings, shared by every producer of dead letters (the Flink job and the writer) so one replay
 * tool reads them all.
 */
public final class DeadLetterHeaders {

    /** A dead-letter topic is named after the topic its records came from, plus this suffix. */
    public static final String TOPIC_SUFFIX = ".dlq";

    /**
     * Why the record can never be processed: a short, bounded token such as {@code undecodable}.
     */
    public static final String REASON = "tessera.dlq.reason";

    /** The error, for a human deciding whether the cause is fixed. */
    public static final String DETAIL = "tessera.dlq.detail";

    /** The topic, partition and offset the record was read from. */
    public static final String TOPIC = "tessera.dlq.topic";

    public static final String PARTITION = "tessera.dlq.partition";
    public static final String OFFSET = "tessera.dlq.offset";

    private DeadLetterHeaders() {}

    /** The dead-letter topic of {@code topic}. */
    public static String topicOf(String topic) {
        return topic + TOPIC_SUFFIX;
    }
}
