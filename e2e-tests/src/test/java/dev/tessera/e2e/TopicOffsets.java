package dev.tessera.e2e;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** How far topics reach: what the tests compare to the events they were answered 202 for. */
final class TopicOffsets {

    private TopicOffsets() {}

    /** The end offset of every partition of {@code topics}. */
    static Map<TopicPartition, Long> endOffsets(String bootstrapServers, Collection<String> topics)
            throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription topic :
                    admin.describeTopics(topics).allTopicNames().get().values()) {
                topic.partitions()
                        .forEach(
                                partition ->
                                        latest.put(
                                                new TopicPartition(
                                                        topic.name(), partition.partition()),
                                                OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        }
    }

    /** How many records the topics hold, over their partitions. */
    static long records(String bootstrapServers, Collection<String> topics) throws Exception {
        return endOffsets(bootstrapServers, topics).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
