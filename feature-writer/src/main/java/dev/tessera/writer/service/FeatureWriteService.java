package dev.tessera.writer.service;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.writer.config.WriterConfig;
import dev.tessera.writer.store.FeatureStore;
import dev.tessera.writer.store.UnwritableUpdateException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Writes feature updates under their group's layout and TTL. While Redis fails, the batch is
 * retried with backoff for as long as it takes: nothing is skipped, and the consumer does not move
 * past it. An update that can never be written is handed back as a {@link Rejection}, and the
 * others of its batch are written.
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

    /** An update that can never be written: its index in the batch, and why. */
    public record Rejection(int index, String reason, String detail) {}

    /** One write and the index of its update in the batch. */
    private record Indexed(int index, FeatureStore.Write write) {}

    /** Completes once every update is written or rejected; never fails. */
    public Uni<List<Rejection>> write(List<FeatureUpdate> updates) {
        metrics.batch(updates.size());
        List<Indexed> writes = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            FeatureUpdate update = updates.get(i);
            FeatureGroup group = spec.group(update.group()).orElse(null);
            if (group == null) {
                // The job runs a spec this writer does not know yet (a rolling upgrade): without a
                // TTL the update cannot be stored safely.
                LOG.warnf("skipping an update of unknown feature group '%s'", update.group());
                continue;
            }
            writes.add(new Indexed(i, new FeatureStore.Write(update, group)));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long started = System.nanoTime();
        return store.write(writes.stream().map(Indexed::write).toList())
                .replaceWith(List.<Rejection>of())
                // Some update can never be written: write them one by one to know which, and
                // keep the others.
                .onFailure(UnwritableUpdateException.class)
                .recoverWithUni(() -> oneByOne(writes))
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
                        rejections -> {
                            metrics.batchWritten(Duration.ofNanos(System.nanoTime() - started));
                            Set<Integer> rejected =
                                    rejections.stream()
                                            .map(Rejection::index)
                                            .collect(Collectors.toSet());
                            writes.stream()
                                    .filter(w -> !rejected.contains(w.index()))
                                    .forEach(w -> metrics.written(w.write().update()));
                        });
    }

    /**
     * One round trip per update, in order: the rare path of a batch holding an update Redis
     * refuses. A failure other than a refusal fails it all, to be retried.
     */
    private Uni<List<Rejection>> oneByOne(List<Indexed> writes) {
        return Multi.createFrom()
                .iterable(writes)
                .onItem()
                .transformToUniAndConcatenate(
                        w ->
                                store.write(List.of(w.write()))
                                        .replaceWith(Optional.<Rejection>empty())
                                        .onFailure(UnwritableUpdateException.class)
                                        .recoverWithItem(
                                                e ->
                                                        Optional.of(
                                                                new Rejection(
                                                                        w.index(),
                                                                        ((UnwritableUpdateException)
                                                                                        e)
                                                                                .reason(),
                                                                        e.getMessage()))))
                .filter(Optional::isPresent)
                .map(Optional::get)
                .collect()
                .asList();
    }
}
