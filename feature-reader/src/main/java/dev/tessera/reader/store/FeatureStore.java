package dev.tessera.reader.store;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredValue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Reads stored feature values through {@link RedisLayout}, all of a request in one round trip. */
@ApplicationScoped
public class FeatureStore {

    /** Some features of one group for one entity id: one hash. */
    public record Read(String entity, String entityId, String group, List<Feature> features) {}

    private final Redis redis;

    public FeatureStore(Redis redis) {
        this.redis = redis;
    }

    /**
     * The stored values of every read, in order: per read, one {@link StoredValue} per feature, or
     * null where nothing is stored.
     */
    public Uni<List<List<StoredValue>>> read(List<Read> reads) {
        List<Request> requests = new ArrayList<>(reads.size());
        for (Read read : reads) {
            Request hmget =
                    Request.cmd(Command.HMGET)
                            .arg(RedisLayout.key(read.entity(), read.entityId(), read.group()));
            RedisLayout.readFields(read.features()).forEach(hmget::arg);
            requests.add(hmget);
        }
        return redis.batch(requests)
                .onFailure()
                .transform(StoreUnavailableException::new)
                .map(responses -> decode(reads, responses));
    }

    private static List<List<StoredValue>> decode(List<Read> reads, List<Response> responses) {
        List<List<StoredValue>> values = new ArrayList<>(reads.size());
        for (int r = 0; r < reads.size(); r++) {
            List<Feature> features = reads.get(r).features();
            Response fields = responses.get(r);
            List<StoredValue> stored = new ArrayList<>(features.size());
            for (int f = 0; f < features.size(); f++) {
                stored.add(
                        RedisLayout.decode(
                                features.get(f),
                                string(fields.get(2 * f)),
                                string(fields.get(2 * f + 1))));
            }
            values.add(stored);
        }
        return values;
    }

    private static String string(Response field) {
        return field == null ? null : field.toString();
    }
}
