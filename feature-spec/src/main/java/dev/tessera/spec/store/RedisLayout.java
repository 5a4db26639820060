package dev.tessera.spec.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where features live in Redis. The writer and the reader both use this class; neither knows the
 * layout itself.
 *
 * <p>Windowed features (tumbling, sliding, session): one hash per entity id and feature group,
 * {@code tsr:<entity>:{<id>}:<group>}, with field {@code <feature>} holding the encoded value
 * (absent when null), {@code <feature>@t} the event time it is as of and {@code <feature>@v} its
 * version (the events it aggregates).
 *
 * <p>Rolling features: one more hash, {@code tsr:<entity>:{<id>}:<group>:tiles}, with field {@code
 * <tile start>} holding the tile (see {@link #encodeTile}), {@code <tile start>@v} its version and
 * {@code @newest} the newest tile start; tiles older than the group's largest rolling window are
 * deleted as newer ones arrive.
 *
 * <p>The braces are a Redis Cluster hash tag: all keys of one entity id share a slot, so one
 * request reads them together. Both hashes expire {@code ttl} after their last write.
 */
public final class RedisLayout {

    private static final String PREFIX = "tsr:";
    private static final String TILES_SUFFIX = ":tiles";

    /** Stands for a null value in {@link #writeArgs}; never a legal encoded value. */
    static final String NULL_ARG = "\u0000";

    /**
     * Writes windowed values atomically and monotonically: a feature is written only when the
     * update is newer than what is stored for it, by event time, then by version; so a replay or a
     * duplicate changes nothing, and a late correction (same window, more events) wins. KEYS[1] =
     * hash; ARGV = event time, version, ttl millis, then feature/value pairs. Returns the number of
     * features written.
     */
    public static final String WRITE_SCRIPT =
            """
            local t = tonumber(ARGV[1])
            local v = tonumber(ARGV[2])
            local written = 0
            for i = 4, #ARGV, 2 do
              local name = ARGV[i]
              local stored = redis.call('HMGET', KEYS[1], name .. '@t', name .. '@v')
              local st = tonumber(stored[1])
              if (not st) or st < t or (st == t and (tonumber(stored[2]) or -1) < v) then
                if ARGV[i + 1] == '\\0' then
                  redis.call('HDEL', KEYS[1], name)
                else
                  redis.call('HSET', KEYS[1], name, ARGV[i + 1])
                end
                redis.call('HSET', KEYS[1], name .. '@t', ARGV[1], name .. '@v', ARGV[2])
                written = written + 1
              end
            end
            if written > 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            return written
            """;

    /**
     * Writes one tile when its version is larger than the stored one's, then, when it is the newest
     * tile, deletes tiles no read can reach any more. KEYS[1] = tiles hash; ARGV = tile start,
     * version, ttl millis, retention millis, tile. Returns 1 when written.
     */
    public static final String WRITE_TILE_SCRIPT =
            """
            local start = tonumber(ARGV[1])
            local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. '@v'))
            if stored and stored >= tonumber(ARGV[2]) then
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[5], ARGV[1] .. '@v', ARGV[2])
            local newest = tonumber(redis.call('HGET', KEYS[1], '@newest'))
            if (not newest) or start > newest then
              redis.call('HSET', KEYS[1], '@newest', ARGV[1])
              local horizon = start - tonumber(ARGV[4])
              for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
                local s = tonumber(string.match(field, '^(-?%d+)'))
                if s and s <= horizon then
                  redis.call('HDEL', KEYS[1], field)
                end
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** The SHA-1 Redis knows {@link #WRITE_SCRIPT} by, for EVALSHA. */
    public static final String WRITE_SCRIPT_SHA = sha1(WRITE_SCRIPT);

    /** The SHA-1 Redis knows {@link #WRITE_TILE_SCRIPT} by, for EVALSHA. */
    public static final String WRITE_TILE_SCRIPT_SHA = sha1(WRITE_TILE_SCRIPT);

    private RedisLayout() {}

    /** The hash of an entity id's windowed features of one group. */
    public static String key(String entity, String entityId, String group) {
        return PREFIX + entity + ":{" + entityId + "}:" + group;
    }

    /** The hash of an entity id's rolling-feature tiles of one group. */
    public static String tilesKey(String entity, String entityId, String group) {
        return key(entity, entityId, group) + TILES_SUFFIX;
    }

    /** The script, key and arguments that store an update: {@code EVALSHA sha 1 key args...}. */
    public static List<String> evalShaArgs(FeatureUpdate update, FeatureGroup group) {
        List<String> args = new ArrayList<>();
        if (update.tile() == null) {
            args.add(WRITE_SCRIPT_SHA);
            args.add("1");
            args.add(key(update.entity(), update.entityId(), update.group()));
            args.add(Long.toString(update.eventTime()));
            args.add(Long.toString(update.version()));
            args.add(Long.toString(group.ttl().toMillis()));
            for (Map.Entry<String, Object> e : update.values().entrySet()) {
                args.add(e.getKey());
                args.add(e.getValue() == null ? NULL_ARG : FeatureValueCodec.encode(e.getValue()));
            }
        } else {
            args.add(WRITE_TILE_SCRIPT_SHA);
            args.add("1");
            args.add(tilesKey(update.entity(), update.entityId(), update.group()));
            args.add(Long.toString(update.tile().start()));
            args.add(Long.toString(update.version()));
            args.add(Long.toString(group.ttl().toMillis()));
            args.add(Long.toString(group.tileRetention().toMillis()));
        }
        return args;
    }

    /**
     * The tile blob of a tile update, the last argument of its {@link #evalShaArgs} (binary, so
     * kept apart from the string arguments).
     */
    public static byte[] encodeTile(FeatureUpdate update) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1); // format version
            out.writeLong(update.eventTime());
            out.writeInt(update.tile().partials().size());
            for (Map.Entry<String, byte[]> partial : update.tile().partials().entrySet()) {
                out.writeUTF(partial.getKey());
                out.writeInt(partial.getValue().length);
                out.write(partial.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The hash fields to HMGET for some windowed features of one group, three per feature. */
    public static List<String> readFields(List<Feature> features) {
        List<String> fields = new ArrayList<>(3 * features.size());
        for (Feature f : features) {
            fields.add(f.name());
            fields.add(f.name() + "@t");
            fields.add(f.name() + "@v");
        }
        return fields;
    }

    /**
     * Decodes the HMGET answers of one feature (see {@link #readFields}: value and event time);
     * null when nothing is stored for it.
     */
    public static StoredValue decode(Feature feature, String value, String eventTime) {
        if (eventTime == null) {
            return null;
        }
        Object decoded = value == null ? null : FeatureValueCodec.decode(value, feature);
        return new StoredValue(decoded, Long.parseLong(eventTime));
    }

    /** The tiles in an HGETALL answer of a tiles hash, by field name; other fields are skipped. */
    public static List<StoredTile> decodeTiles(Map<String, byte[]> hash) {
        List<StoredTile> tiles = new ArrayList<>();
        for (Map.Entry<String, byte[]> field : hash.entrySet()) {
            String name = field.getKey();
            if (!name.isEmpty() && name.indexOf('@') < 0) {
                tiles.add(decodeTile(Long.parseLong(name), field.getValue()));
            }
        }
        return tiles;
    }

    private static StoredTile decodeTile(long start, byte[] blob) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
            in.readByte(); // format version
            long newest = in.readLong();
            int count = in.readInt();
            Map<String, byte[]> partials = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] partial = new byte[in.readInt()];
                in.readFully(partial);
                partials.put(name, partial);
            }
            return new StoredTile(start, newest, partials);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored tile is corrupt", e);
        }
    }

    private static String sha1(String text) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
