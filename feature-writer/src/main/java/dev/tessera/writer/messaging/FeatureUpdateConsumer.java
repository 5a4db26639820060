package dev.tessera.writer.messaging;

import com.microsoft.kiota.ApiException;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.writer.config.WriterConfig;
import dev.tessera.writer.messaging.DeadLetterProducer.DeadLetter;
import dev.tessera.writer.service.FeatureWriteService;
import dev.tessera.writer.service.FeatureWriteService.Rejection;
import dev.tessera.writer.service.WriteMetrics;
import dev.tessera.writer.store.UnwritableUpdateException;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes feature updates in batches. A batch is acknowledged, and its offsets become committable,
 * only when the returned {@link Uni} completes, that is once Redis acknowledged every write and
 * Kafka every dead letter.
 *
 * <p>Records arrive as bytes and are decoded here, so a record that cannot be decoded or applied
 * goes to the dead-letter topic exactly as it was read.
 */
@ApplicationScoped
public class FeatureUpdateConsumer {

    private static final Logger LOG = Logger.getLogger(FeatureUpdateConsumer.class);

    private final FeatureWriteService writer;
    private final WriteMetrics metrics;
    private final DeadLetterProducer deadLetters;
    private final WriterConfig.Writer config;
    private final AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();

    private final String registryUrl;
    private final String topic;

    public FeatureUpdateConsumer(
            FeatureWriteService writer,
            WriteMetrics metrics,
            DeadLetterProducer deadLetters,
            WriterConfig config,
            FeatureSpec spec,
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl) {
        this.writer = writer;
        this.metrics = metrics;
        this.config = config.writer();
        this.deadLetters = deadLetters;
        this.registryUrl = registryUrl;
        this.topic = spec.featureTopic();
        deserializer.configure(Map.of("apicurio.registry.url", registryUrl), false);
    }

    /**
     * Has the deserializer fetch the update schema at start-up rather than on the first update
     * (which took over a second longer than the rest): a sample update, serialized against the
     * registered schema (never registering one), is decoded once. When the job has not registered
     * the schema yet, the first update fetches it instead.
     */
    void warmUp(@Observes StartupEvent start) {
        GenericRecord sample = AvroSchemas.toAvro(FeatureUpdate.values("", "", "", 0, 0, Map.of()));
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(
                    Map.of(
                            "apicurio.registry.url",
                            registryUrl,
                            SerdeConfig.AUTO_REGISTER_ARTIFACT,
                            false),
                    false);
            deserializer.deserialize(topic, serializer.serialize(topic, sample));
        } catch (RuntimeException e) {
            LOG.infof("the feature update schema is fetched with the first update: %s", e);
        }
    }

    @PreDestroy
    void close() {
        deserializer.close();
    }

    /**
     * On a worker thread, one batch at a time: decoding may ask the schema registry, a blocking
     * call.
     */
    @Incoming(Channels.FEATURE_UPDATES)
    @Blocking
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> batch) {
        List<ConsumerRecord<byte[], byte[]>> decoded = new ArrayList<>(batch.count());
        List<FeatureUpdate> updates = new ArrayList<>(batch.count());
        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            GenericRecord avro;
            try {
                avro = deserialize(record);
            } catch (RuntimeException e) {
                dead.add(
                        new DeadLetter(
                                record, UnwritableUpdateException.UNDECODABLE, e.toString()));
                continue;
            }
            try {
                updates.add(AvroSchemas.fromAvro(avro));
                decoded.add(record);
            } catch (RuntimeException e) {
                dead.add(new DeadLetter(record, UnwritableUpdateException.CODEC, e.toString()));
            }
        }
        return writer.write(updates)
                .chain(
                        rejections -> {
                            Set<Integer> rejected = new HashSet<>();
                            for (Rejection r : rejections) {
                                rejected.add(r.index());
                                dead.add(
                                        new DeadLetter(
                                                decoded.get(r.index()), r.reason(), r.detail()));
                            }
                            metrics.delivered(
                                    IntStream.range(0, decoded.size())
                                            .filter(i -> !rejected.contains(i))
                                            .mapToLong(i -> decoded.get(i).timestamp())
                                            .toArray());
                            return deadLetters.send(dead);
                        });
    }

    /**
     * The record's Avro value; while the schema registry cannot be reached, retried with backoff
     * rather than taking a readable record for an undecodable one.
     */
    private GenericRecord deserialize(ConsumerRecord<byte[], byte[]> record) {
        Duration backoff = config.retryInitialBackoff();
        while (true) {
            try {
                return deserializer.deserialize(record.topic(), record.headers(), record.value());
            } catch (RuntimeException e) {
                if (!isUnreachable(e)) {
                    throw e;
                }
                LOG.warnf("the schema registry is unreachable, retrying: %s", e.toString());
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the schema registry", e);
            }
            backoff = Collections.min(List.of(backoff.multipliedBy(2), config.retryMaxBackoff()));
        }
    }

    /**
     * A network failure anywhere in the chain, or the registry answering 5xx: the registry, not the
     * record, is at fault.
     */
    static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketException
                    || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException
                    || t instanceof TimeoutException
                    || t instanceof HttpClosedException
                    || (t instanceof ApiException api && api.getResponseStatusCode() >= 500)) {
                return true;
            }
        }
        return false;
    }
}
