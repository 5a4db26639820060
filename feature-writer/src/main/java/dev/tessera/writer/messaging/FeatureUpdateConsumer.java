package dev.tessera.writer.messaging;

import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.writer.service.FeatureWriteService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes feature updates in batches. A batch is acknowledged, and its offsets become committable,
 * only when the returned {@link Uni} completes, that is once Redis acknowledged every write.
 */
@ApplicationScoped
public class FeatureUpdateConsumer {

    private final FeatureWriteService writer;

    public FeatureUpdateConsumer(FeatureWriteService writer) {
        this.writer = writer;
    }

    @Incoming(Channels.FEATURE_UPDATES)
    public Uni<Void> consume(List<GenericRecord> batch) {
        return writer.write(batch.stream().map(AvroSchemas::fromAvro).toList());
    }
}
