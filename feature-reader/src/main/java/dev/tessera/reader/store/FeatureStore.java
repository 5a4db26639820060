package dev.tessera.reader.store;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads stored features through {@link RedisLayout}, all of a request in one round trip. */
@ApplicationScoped
public class FeatureStore {

    /**
     * What to read of one entity id and feature group: some windowed features (one HMGET) and, when
     * {@code tiles}, the tiles of its rolling features (one HGETALL).
     */
    public record Read(
            String entity, String entityId, String group, List<Feature> windowed, boolean tiles) {}

    /**
     * What was stored for a {@link Read}: one value per windowed feature (null where nothing is
     * stored), and the tiles (empty when none, or not asked for).
     */
    public record Stored(List<StoredValue> values, List<StoredTile> tiles) {}

    private final Redis redis;

    public FeatureStore(Redis redis) {
        this.redis = redis;
    }

    public Uni<List<Stored>> read(List<Read> reads) {
        List<Request> requests = new ArrayList<>(2 * reads.size());
        for (Read read : reads) {
            if (!read.windowed().isEmpty()) {
                Request hmget =
                        Request.cmd(Command.HMGET)
                                .arg(RedisLayout.key(read.entity(), read.entityId(), read.group()));
                RedisLayout.readFields(read.windowed()).forEach(hmget::arg);
                requests.add(hmget);
            }
            if (read.tiles()) {
                requests.add(
                        Request.cmd(Command.HGETALL)
                                .arg(
                                        RedisLayout.tilesKey(
                                                read.entity(), read.entityId(), read.group())));
            }
        }
        return redis.batch(requests)
                .onFailure()
                .transform(StoreUnavailableException::new)
                .map(responses -> decode(reads, responses));
    }

    private static List<Stored> decode(List<Read> reads, List<Response> responses) {
        List<Stored> stored = new ArrayList<>(reads.size());
        int next = 0;
        for (Read read : reads) {
            List<StoredValue> values = new ArrayList<>(read.windowed().size());
            if (!read.windowed().isEmpty()) {
                Response fields = responses.get(next++);
                for (int f = 0; f < read.windowed().size(); f++) {
                    values.add(
                            RedisLayout.decode(
                                    read.windowed().get(f),
                                    string(fields.get(3 * f)),
                                    string(fields.get(3 * f + 1))));
                }
            }
            List<StoredTile> tiles =
                    read.tiles() ? RedisLayout.decodeTiles(hash(responses.get(next++))) : List.of();
            stored.add(new Stored(values, tiles));
        }
        return stored;
    }

    /** An HGETALL answer: a map under RESP3, a flat field/value array under RESP2. */
    private static Map<String, byte[]> hash(Response response) {
        Map<String, byte[]> hash = new LinkedHashMap<>();
        if (response == null) {
            return hash;
        }
        if (response.getDelegate().isMap()) {
            for (String key : response.getKeys()) {
                hash.put(key, response.get(key).toBytes());
            }
        } else {
            for (int i = 0; i + 1 < response.size(); i += 2) {
                hash.put(response.get(i).toString(), response.get(i + 1).toBytes());
            }
        }
        return hash;
    }

    private static String string(Response field) {
        return field == null ? null : field.toString();
    }
}
