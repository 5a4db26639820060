package dev.tessera.spec.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where features live in Redis, and every command that writes or reads them, built here as data
 * ({@link RedisCommand}) and parsed back here: the writer, the reader, their tests, the benchmark
 * and the end-to-end tests only send them, so a change of the layout is one edit of this class.
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
    private static final String EVENT_TIME_SUFFIX = "@t";
    private static final String VERSION_SUFFIX = "@v";

    /** Stands for a null value in {@link #write}; never a legal encoded value. */
    private static final String NULL_ARG = "\u0000";

    /**
     * Writes windowed values atomically and monotonically: a feature is written only when the
     * update is newer than what is stored for it, by event time, then by version; so a replay or a
     * duplicate changes nothing, and a late correction (same window, more events) wins. KEYS[1] =
     * hash; ARGV = event time, version, ttl millis, then feature/value pairs. Returns the number of
     * features written.
     */
    private static final String WRITE_SCRIPT =
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
    private static final String WRITE_TILE_SCRIPT =
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

    private static final String WRITE_SCRIPT_SHA = sha1(WRITE_SCRIPT);
    private static final String WRITE_TILE_SCRIPT_SHA = sha1(WRITE_TILE_SCRIPT);

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

    /** What a key of the layout names: the hash of an entity id's group, or of its tiles. */
    public record Key(String entity, String entityId, String group, boolean tiles) {}

    private RedisLayout() {}

    /** The hash of an entity id's windowed features of one group. */
    public static String key(String entity, String entityId, String group) {
        return PREFIX + entity + ":{" + entityId + "}:" + group;
    }

    /** The hash of an entity id's rolling-feature tiles of one group. */
    public static String tilesKey(String entity, String entityId, String group) {
        return key(entity, entityId, group) + TILES_SUFFIX;
    }

    /**
     * What {@code key} names; empty when it is no key of the layout. The entity id may hold any
     * character: entity and group names cannot hold ':', '{' or '}'.
     */
    public static Optional<Key> parseKey(String key) {
        int open = key.indexOf(":{", PREFIX.length());
        int close = key.lastIndexOf("}:");
        if (!key.startsWith(PREFIX) || open < 0 || close < open + 2) {
            return Optional.empty();
        }
        String entity = key.substring(PREFIX.length(), open);
        String entityId = key.substring(open + 2, close);
        String group = key.substring(close + 2);
        boolean tiles = group.endsWith(TILES_SUFFIX);
        if (tiles) {
            group = group.substring(0, group.length() - TILES_SUFFIX.length());
        }
        if (entity.isEmpty() || group.isEmpty() || group.indexOf(':') >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Key(entity, entityId, group, tiles));
    }

    /**
     * {@code KEYS} of every hash of one entity, both kinds: for tests and tools only, since it
     * walks the whole key space.
     */
    public static RedisCommand keysOf(String entity) {
        return RedisCommand.of("KEYS", PREFIX + entity + ":*");
    }

    /** {@code SCRIPT LOAD} of each script {@link #write} calls: due on every master node. */
    public static List<RedisCommand> loadScripts() {
        return List.of(
                RedisCommand.of("SCRIPT", "LOAD", WRITE_SCRIPT),
                RedisCommand.of("SCRIPT", "LOAD", WRITE_TILE_SCRIPT));
    }

    /**
     * The command that stores an update: {@code EVALSHA} of the write script with the group's hash,
     * or of the tile script with its tiles hash and the tile. Throws when a value cannot be
     * encoded.
     */
    public static RedisCommand write(FeatureUpdate update, FeatureGroup group) {
        List<byte[]> args = new ArrayList<>();
        String ttl = Long.toString(group.ttl().toMillis());
        if (update.tile() == null) {
            add(
                    args,
                    WRITE_SCRIPT_SHA,
                    "1",
                    key(update.entity(), update.entityId(), update.group()));
            add(args, Long.toString(update.eventTime()), Long.toString(update.version()), ttl);
            for (Map.Entry<String, Object> e : update.values().entrySet()) {
                add(
                        args,
                        e.getKey(),
                        e.getValue() == null ? NULL_ARG : FeatureValueCodec.encode(e.getValue()));
            }
        } else {
            add(
                    args,
                    WRITE_TILE_SCRIPT_SHA,
                    "1",
                    tilesKey(update.entity(), update.entityId(), update.group()));
            add(args, Long.toString(update.tile().start()), Long.toString(update.version()), ttl);
            add(args, Long.toString(group.tileRetention().toMillis()));
            args.add(encodeTile(update));
        }
        return new RedisCommand("EVALSHA", args);
    }

    /** The commands that store updates of the spec's groups, in order: see {@link #write}. */
    public static List<RedisCommand> writes(FeatureSpec spec, List<FeatureUpdate> updates) {
        List<RedisCommand> commands = new ArrayList<>(updates.size());
        for (FeatureUpdate update : updates) {
            commands.add(write(update, spec.group(update.group()).orElseThrow()));
        }
        return commands;
    }

    /**
     * The reads that serve {@code features} of one entity id: one per group, in the order the
     * groups first appear, each with the group's windowed features asked for and its tiles when any
     * of its rolling features is.
     */
    public static List<Read> readsOf(String entity, String entityId, List<Feature> features) {
        Map<String, List<Feature>> byGroup = new LinkedHashMap<>();
        features.forEach(f -> byGroup.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f));
        List<Read> reads = new ArrayList<>(byGroup.size());
        byGroup.forEach(
                (group, some) ->
                        reads.add(
                                new Read(
                                        entity,
                                        entityId,
                                        group,
                                        some.stream().filter(f -> !f.isRolling()).toList(),
                                        some.stream().anyMatch(Feature::isRolling))));
        return reads;
    }

    /**
     * The commands of some reads, to send in one round trip: per read an HMGET of its windowed
     * features' fields (three per feature), when it has any, then an HGETALL of its tiles, when
     * asked.
     */
    public static List<RedisCommand> reads(List<Read> reads) {
        List<RedisCommand> commands = new ArrayList<>(2 * reads.size());
        for (Read read : reads) {
            if (!read.windowed().isEmpty()) {
                List<byte[]> args = new ArrayList<>(1 + 3 * read.windowed().size());
                add(args, key(read.entity(), read.entityId(), read.group()));
                for (Feature f : read.windowed()) {
                    add(args, f.name(), f.name() + EVENT_TIME_SUFFIX, f.name() + VERSION_SUFFIX);
                }
                commands.add(new RedisCommand("HMGET", args));
            }
            if (read.tiles()) {
                commands.add(
                        RedisCommand.of(
                                "HGETALL", tilesKey(read.entity(), read.entityId(), read.group())));
            }
        }
        return commands;
    }

    /** What was stored for each read, from the replies to its {@link #reads} commands, in order. */
    public static List<Stored> stored(List<Read> reads, List<? extends RedisReply> replies) {
        List<Stored> stored = new ArrayList<>(reads.size());
        int next = 0;
        for (Read read : reads) {
            List<StoredValue> values = new ArrayList<>(read.windowed().size());
            if (!read.windowed().isEmpty()) {
                List<byte[]> fields = replies.get(next++).elements();
                for (int f = 0; f < read.windowed().size(); f++) {
                    values.add(
                            value(
                                    read.windowed().get(f),
                                    fields.get(3 * f),
                                    fields.get(3 * f + 1),
                                    fields.get(3 * f + 2)));
                }
            }
            List<StoredTile> tiles = read.tiles() ? tiles(replies.get(next++).fields()) : List.of();
            stored.add(new Stored(values, tiles));
        }
        return stored;
    }

    private static StoredValue value(
            Feature feature, byte[] value, byte[] eventTime, byte[] version) {
        if (eventTime == null) {
            return null;
        }
        Object decoded = value == null ? null : FeatureValueCodec.decode(text(value), feature);
        return new StoredValue(decoded, number(eventTime), number(version));
    }

    /** The tiles of a tiles hash, by field name; its other fields are skipped. */
    private static List<StoredTile> tiles(Map<String, byte[]> hash) {
        List<StoredTile> tiles = new ArrayList<>();
        for (Map.Entry<String, byte[]> field : hash.entrySet()) {
            String name = field.getKey();
            if (!name.isEmpty() && name.indexOf('@') < 0) {
                byte[] version = hash.get(name + VERSION_SUFFIX);
                tiles.add(decodeTile(Long.parseLong(name), number(version), field.getValue()));
            }
        }
        return tiles;
    }

    /** The tile blob, the last argument of a tile's {@link #write}. */
    private static byte[] encodeTile(FeatureUpdate update) {
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

    /**
     * Reads what {@link #encodeTile} wrote. By hand rather than through a {@code DataInputStream}:
     * a read of the example spec decodes about a hundred tiles, and the streams' copies and buffers
     * were a tenth of its CPU.
     */
    private static StoredTile decodeTile(long start, long version, byte[] blob) {
        try {
            ByteBuffer in = ByteBuffer.wrap(blob);
            in.get(); // format version
            long newest = in.getLong();
            int count = in.getInt();
            Map<String, byte[]> partials = new LinkedHashMap<>(2 * count);
            for (int i = 0; i < count; i++) {
                String name = modifiedUtf8(blob, in);
                byte[] partial = new byte[in.getInt()];
                in.get(partial);
                partials.put(name, partial);
            }
            return new StoredTile(start, newest, version, partials);
        } catch (RuntimeException e) {
            throw new UncheckedIOException("a stored tile is corrupt", new IOException(e));
        }
    }

    /** A string {@link DataOutputStream#writeUTF} wrote at the buffer's position. */
    private static String modifiedUtf8(byte[] blob, ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        int from = in.position();
        for (int i = from; i < from + length; i++) {
            if (blob[i] <= 0) { // past ASCII, or an encoded NUL: the general decoder
                try (DataInputStream utf =
                        new DataInputStream(new ByteArrayInputStream(blob, from - 2, length + 2))) {
                    in.position(from + length);
                    return utf.readUTF();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        in.position(from + length);
        return new String(blob, from, length, StandardCharsets.US_ASCII);
    }

    private static void add(List<byte[]> args, String... texts) {
        for (String text : texts) {
            args.add(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long number(byte[] bytes) {
        return Long.parseLong(text(bytes));
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
