package dev.tessera.writer.service;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.writer.config.WriterConfig;
import dev.tessera.writer.store.FeatureStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Writes feature updates under their group's layout and TTL. While Redis fails, the batch is
 * retried with backoff for as long as it takes: nothing is skipped, and the consumer does not move
 * past it.
 */
@ApplicationScoped
public class FeatureWriteService {

    private static final Logger LOG = Logger.getLogger(FeatureWriteService.class);

    private final FeatureSpec spec;
    private final FeatureStore store;
    private final WriteMetrics metrics;
    private final WriterConfig.Writer config;

    public FeatureWriteService(
            FeatureSpec spec, FeatureStore store, WriteMetrics metrics, WriterConfig config) {
        this.spec = spec;
        this.store = store;
        this.metrics = metrics;
        this.config = config.writer();
    }

    public Uni<Void> write(List<FeatureUpdate> updates) {
        metrics.batch(updates.size());
        List<FeatureStore.Write> writes = new ArrayList<>(updates.size());
        for (FeatureUpdate update : updates) {
            FeatureGroup group = spec.group(update.group()).orElse(null);
            if (group == null) {
                // The job runs a spec this writer does not know yet (a rolling upgrade): without a
                // TTL the update cannot be stored safely.
                LOG.warnf("skipping an update of unknown feature group '%s'", update.group());
                continue;
            }
            writes.add(new FeatureStore.Write(update, group));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long started = System.nanoTime();
        return store.write(writes)
                .onFailure()
                .invoke(
                        e ->
                                LOG.warnf(
                                        "writing %d updates to Redis failed, retrying: %s",
                                        writes.size(), e.toString()))
                .onFailure()
                .retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff())
                .indefinitely()
                .invoke(
                        () -> {
                            metrics.batchWritten(Duration.ofNanos(System.nanoTime() - started));
                            writes.forEach(write -> metrics.written(write.update()));
                        });
    }
}
