package dev.tessera.dev;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * The Kafka cluster of the local infrastructure: one {@link KafkaBroker}, or several whose every
 * node is broker and controller (KRaft, a static quorum), as production runs three. With three,
 * topics get replication factor 3 and {@code min.insync.replicas} 2, the internal topics too, so
 * one broker may be lost without losing an acknowledged write or refusing new ones.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final long REQUEST_TIMEOUT_MS = 30_000;

    private final List<KafkaBroker> brokers;

    private KafkaCluster(List<KafkaBroker> brokers) {
        this.brokers = List.copyOf(brokers);
    }

    /** A cluster of one broker, already made (a port of its own, a SASL_SSL listener...). */
    static KafkaCluster of(KafkaBroker broker) {
        return new KafkaCluster(List.of(broker));
    }

    /**
     * A cluster of {@code size} brokers on free ports, each with its data in {@code
     * dataDir/broker-N}; not started.
     */
    static KafkaCluster of(Path dataDir, int size) {
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            controllerPorts.add(FreePorts.pick());
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",")
                    .append(i + 1)
                    .append('@')
                    .append(Loopback.HOST)
                    .append(':')
                    .append(controllerPorts.get(i));
        }
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaBroker> brokers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            brokers.add(
                    new KafkaBroker(
                            dataDir.resolve("broker-" + (i + 1)),
                            0,
                            null,
                            new KafkaBroker.Membership(
                                    i + 1,
                                    controllerPorts.get(i),
                                    voters.toString(),
                                    clusterId,
                                    size)));
        }
        return new KafkaCluster(brokers);
    }

    /**
     * Starts every broker that is not running, together (a node of a quorum is ready only once a
     * majority runs), and returns once each serves clients.
     */
    public void start() {
        List<CompletableFuture<Void>> starts =
                brokers.stream()
                        .filter(broker -> !broker.isRunning())
                        .map(broker -> CompletableFuture.runAsync(broker::start))
                        .toList();
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Shuts every broker down cleanly; {@link #start()} resumes them with their data. */
    public void stop() {
        brokers.forEach(KafkaBroker::stop);
    }

    public List<KafkaBroker> brokers() {
        return brokers;
    }

    /** Every broker's address: a client reaches the cluster while any one of them runs. */
    public String bootstrapServers() {
        return brokers.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The single broker's SASL_SSL listener, if it has one. */
    public Optional<KafkaBroker.SaslSsl> saslSsl() {
        return brokers.size() == 1 ? brokers.get(0).saslSsl() : Optional.empty();
    }

    public String saslSslBootstrapServers() {
        return brokers.get(0).saslSslBootstrapServers();
    }

    /** See {@link KafkaBroker#createTopic}: replicated to three brokers where there are three. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        running().createTopic(name, partitions, configs);
    }

    /** The broker leading a partition now; empty while none does (an election). */
    public Optional<KafkaBroker> leaderOf(String topic, int partition) {
        org.apache.kafka.common.Node leader = describe(topic).partitions().get(partition).leader();
        return brokers.stream()
                .filter(broker -> leader != null && broker.nodeId() == leader.id())
                .findFirst();
    }

    /** The node ids of a partition's in-sync replicas. */
    public List<Integer> inSyncReplicas(String topic, int partition) {
        TopicPartitionInfo info = describe(topic).partitions().get(partition);
        return info.isr().stream().map(node -> node.id()).toList();
    }

    private TopicDescription describe(String topic) {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers(),
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                (int) REQUEST_TIMEOUT_MS))) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .get(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted describing topic " + topic, e);
        }
    }

    private KafkaBroker running() {
        return brokers.stream()
                .filter(KafkaBroker::isRunning)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Kafka broker runs"));
    }

    @Override
    public void close() {
        brokers.forEach(KafkaBroker::close);
    }
}
