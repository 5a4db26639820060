package dev.tessera.e2e;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.reference.StoreModel;
import dev.tessera.spec.store.FeatureValueCodec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What Redis holds for a spec's features, read with plain RESP commands (KEYS, HGETALL) and put in
 * the terms of {@link StoreModel}, so a test can compare the store with the reference: windowed
 * values as {@code value@eventTime@version} strings and tiles as {@link StoreModel.Tile}s, both
 * keyed {@code entityId|group|feature or tile start}.
 */
record RedisSnapshot(Map<String, String> values, Map<String, StoreModel.Tile> tiles) {

    /** Reads every feature hash of the spec's entities whose id passes {@code entityIds}. */
    static RedisSnapshot read(
            String host, int port, FeatureSpec spec, Predicate<String> entityIds) {
        Map<String, String> values = new TreeMap<>();
        Map<String, StoreModel.Tile> tiles = new TreeMap<>();
        try (Resp redis = new Resp(new Socket(host, port))) {
            for (FeatureGroup group : spec.groups()) {
                String prefix = RedisLayout.key(group.entity().name(), "", group.name());
                String pattern = prefix.substring(0, prefix.indexOf('{')) + "*";
                for (byte[] key : redis.array("KEYS", pattern)) {
                    String name = new String(key, StandardCharsets.UTF_8);
                    String entityId = name.substring(name.indexOf('{') + 1, name.indexOf("}:"));
                    if (!entityIds.test(entityId)) {
                        continue;
                    }
                    if (name.equals(
                            RedisLayout.key(group.entity().name(), entityId, group.name()))) {
                        readValues(redis.hash(name), entityId, group, values);
                    } else if (name.equals(
                            RedisLayout.tilesKey(group.entity().name(), entityId, group.name()))) {
                        readTiles(redis.hash(name), entityId, group, tiles);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Redis at " + host + ":" + port, e);
        }
        return new RedisSnapshot(values, tiles);
    }

    /** The values and tiles whose keys pass. */
    RedisSnapshot only(Predicate<String> keys) {
        Map<String, String> someValues = new TreeMap<>();
        values.forEach(
                (key, value) -> {
                    if (keys.test(key)) {
                        someValues.put(key, value);
                    }
                });
        Map<String, StoreModel.Tile> someTiles = new TreeMap<>();
        tiles.forEach(
                (key, tile) -> {
                    if (keys.test(key)) {
                        someTiles.put(key, tile);
                    }
                });
        return new RedisSnapshot(someValues, someTiles);
    }

    /** The store the reference computed, restricted to the entity ids that pass. */
    static RedisSnapshot of(StoreModel store, Predicate<String> entityIds) {
        Map<String, String> values = new TreeMap<>();
        store.values()
                .forEach(
                        (key, value) -> {
                            if (entityIds.test(entityOf(key))) {
                                values.put(
                                        key,
                                        stored(
                                                value.value() == null
                                                        ? null
                                                        : FeatureValueCodec.encode(value.value()),
                                                value.eventTime(),
                                                value.version()));
                            }
                        });
        Map<String, StoreModel.Tile> tiles = new TreeMap<>();
        store.tiles()
                .forEach(
                        (key, tile) -> {
                            if (entityIds.test(entityOf(key))) {
                                tiles.put(key, tile);
                            }
                        });
        return new RedisSnapshot(values, tiles);
    }

    private static void readValues(
            Map<String, byte[]> hash,
            String entityId,
            FeatureGroup group,
            Map<String, String> values) {
        for (Feature feature : group.windowedFeatures()) {
            byte[] time = hash.get(feature.name() + "@t");
            if (time != null) {
                byte[] value = hash.get(feature.name());
                values.put(
                        entityId + "|" + group.name() + "|" + feature.name(),
                        stored(
                                value == null ? null : new String(value, StandardCharsets.UTF_8),
                                Long.parseLong(new String(time, StandardCharsets.UTF_8)),
                                Long.parseLong(text(hash.get(feature.name() + "@v")))));
            }
        }
    }

    private static void readTiles(
            Map<String, byte[]> hash,
            String entityId,
            FeatureGroup group,
            Map<String, StoreModel.Tile> tiles) {
        for (StoredTile tile : RedisLayout.decodeTiles(hash)) {
            Map<String, Object> results = new TreeMap<>();
            tile.partials()
                    .forEach(
                            (name, bytes) ->
                                    results.put(
                                            name,
                                            feature(group, name)
                                                    .aggregation()
                                                    .decode(bytes)
                                                    .result()));
            tiles.put(
                    entityId + "|" + group.name() + "|" + tile.start(),
                    new StoreModel.Tile(
                            Long.parseLong(text(hash.get(tile.start() + "@v"))),
                            tile.newestEventTime(),
                            results));
        }
    }

    private static Feature feature(FeatureGroup group, String name) {
        return group.features().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown feature " + name));
    }

    private static String stored(String value, long eventTime, long version) {
        return value + "@" + eventTime + "@" + version;
    }

    private static String entityOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Just enough of the Redis protocol for KEYS and HGETALL: bulk strings and their arrays. */
    private static final class Resp implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Resp(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        List<byte[]> array(String... command) throws IOException {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String part : command) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(request.toByteArray());
            out.flush();
            String header = line();
            if (header.charAt(0) != '*') {
                throw new IOException("Redis answered " + header + " to " + List.of(command));
            }
            int count = Integer.parseInt(header.substring(1));
            List<byte[]> elements = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String bulk = line();
                byte[] element = new byte[Integer.parseInt(bulk.substring(1))];
                in.readFully(element);
                line(); // the CRLF after the bulk string
                elements.add(element);
            }
            return elements;
        }

        Map<String, byte[]> hash(String key) throws IOException {
            List<byte[]> fieldsAndValues = array("HGETALL", key);
            Map<String, byte[]> hash = new LinkedHashMap<>();
            for (int i = 0; i < fieldsAndValues.size(); i += 2) {
                hash.put(text(fieldsAndValues.get(i)), fieldsAndValues.get(i + 1));
            }
            return hash;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) {
                    throw new IOException("Redis closed the connection");
                }
                line.append((char) c);
            }
            in.read(); // \n
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
