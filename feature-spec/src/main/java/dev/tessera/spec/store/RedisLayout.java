package dev.tessera.spec.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Where features live in Redis. The writer and the reader both use this class; neither knows the
 * layout itself.
 *
 * <p>One hash per entity id and feature group: {@code tsr:<entity>:{<id>}:<group>}. The braces are
 * a Redis Cluster hash tag, so all groups of one entity id share a slot and one request reads them
 * together. In the hash, field {@code <feature>} holds the encoded value (absent when null) and
 * field {@code <feature>@t} the event time in epoch millis it is as of. The whole hash expires
 * {@code ttl} after its last write.
 */
public final class RedisLayout {

    private static final String PREFIX = "tsr:";
    private static final String TIME_SUFFIX = "@t";

    /** Stands for a null value in {@link #writeArgs}; never a legal encoded value. */
    static final String NULL_ARG = "\u0000";

    /**
     * Writes one {@link FeatureUpdate} atomically and event-time monotonically: a feature is only
     * written when the update is newer than what is stored for it, so a replay or a duplicate
     * changes nothing. KEYS[1] = hash; ARGV = event time, ttl millis, then feature/value pairs.
     * Returns the number of features written.
     */
    public static final String WRITE_SCRIPT =
            """
            local t = tonumber(ARGV[1])
            local written = 0
            for i = 3, #ARGV, 2 do
              local name = ARGV[i]
              local stored = redis.call('HGET', KEYS[1], name .. '@t')
              if (not stored) or tonumber(stored) < t then
                if ARGV[i + 1] == '\\0' then
                  redis.call('HDEL', KEYS[1], name)
                else
                  redis.call('HSET', KEYS[1], name, ARGV[i + 1])
                end
                redis.call('HSET', KEYS[1], name .. '@t', ARGV[1])
                written = written + 1
              end
            end
            if written > 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return written
            """;

    /** The SHA-1 Redis knows {@link #WRITE_SCRIPT} by, for EVALSHA. */
    public static final String WRITE_SCRIPT_SHA = sha1(WRITE_SCRIPT);

    private RedisLayout() {}

    public static String key(String entity, String entityId, String group) {
        return PREFIX + entity + ":{" + entityId + "}:" + group;
    }

    public static String key(FeatureUpdate update) {
        return key(update.entity(), update.entityId(), update.group());
    }

    /** The ARGV of {@link #WRITE_SCRIPT} for an update. */
    public static List<String> writeArgs(FeatureUpdate update, Duration ttl) {
        List<String> args = new ArrayList<>(2 + 2 * update.values().size());
        args.add(Long.toString(update.eventTime()));
        args.add(Long.toString(ttl.toMillis()));
        for (Map.Entry<String, Object> e : update.values().entrySet()) {
            args.add(e.getKey());
            args.add(e.getValue() == null ? NULL_ARG : FeatureValueCodec.encode(e.getValue()));
        }
        return args;
    }

    /** The hash fields to HMGET for some features of one group, two per feature. */
    public static List<String> readFields(List<Feature> features) {
        List<String> fields = new ArrayList<>(2 * features.size());
        for (Feature f : features) {
            fields.add(f.name());
            fields.add(f.name() + TIME_SUFFIX);
        }
        return fields;
    }

    /**
     * Decodes the two HMGET answers of one feature (see {@link #readFields}); null when nothing is
     * stored for it.
     */
    public static StoredValue decode(Feature feature, String value, String eventTime) {
        if (eventTime == null) {
            return null;
        }
        Object decoded =
                value == null ? null : FeatureValueCodec.decode(value, feature.valueType());
        return new StoredValue(decoded, Long.parseLong(eventTime));
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
