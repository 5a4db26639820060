package dev.tessera.spec.model;

import dev.tessera.spec.deadletter.DeadLetterHeaders;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A stream of raw events of one entity, posted to the gateway and kept in one Kafka topic.
 *
 * @param timeField the event-time field, of type {@link FieldType#TIMESTAMP}
 * @param outOfOrderness how far behind the newest event time an event may arrive and still count
 * @param idleness after this long without events a partition no longer holds back the watermark
 * @param allowedLateness how long after a window closed a late event still corrects its value;
 *     later events are dropped, counted and produced to {@link #lateTopic()}
 * @param maxFuture how far ahead of the receiving clock an event may be stamped: the gateway
 *     refuses a later one, the job sends it to {@link #lateTopic()} without letting it move event
 *     time (one bad clock would otherwise make every later event of the stream late)
 * @param compatibility the rule the registry holds every new version of the stream's schema to
 * @param wireFormat how records of the topic name their writer's schema
 * @param line where the stream is declared in {@code features.yaml}
 */
public record Stream(
        String name,
        String topic,
        Entity entity,
        String timeField,
        List<Field> fields,
        Duration outOfOrderness,
        Duration idleness,
        Duration allowedLateness,
        Duration maxFuture,
        Dedupe dedupe,
        Compatibility compatibility,
        WireFormat wireFormat,
        int line) {

    /**
     * Events with the same value of {@code field} (per entity id) are one event: a retried POST or
     * a replayed record counts once, as long as its first copy arrived less than {@code within}
     * before.
     */
    public record Dedupe(String field, Duration within) implements Serializable {}

    public Optional<Field> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** The registry artifact (Confluent: subject) of the topic's event schemas. */
    public String artifactId() {
        return topic + "-value";
    }

    /** The field holding the entity id. */
    public String keyField() {
        return entity.key();
    }

    /** Where events too late to count, or stamped too far ahead, go, with the reason. */
    public String lateTopic() {
        return topic + ".late";
    }

    /** Where records of the topic that cannot be decoded go, bytes untouched. */
    public String deadLetterTopic() {
        return DeadLetterHeaders.topicOf(topic);
    }
}
